#!/usr/bin/env bash
# Builds what is missing or older than its sources: the portal's UI (next build) and the agent
# bundle (scripts/agent/bundle.ts, decision 028), each on its own, so an agent change does not
# rebuild the UI nor a UI change the agent.
set -euo pipefail
cd "$(dirname "$0")/../.."

# stale STAMP PATHS...: whether STAMP is missing or any of PATHS has a file newer than it.
stale() {
  local stamp=$1; shift
  [ ! -f "$stamp" ] || [ -n "$(find "$@" -newer "$stamp" -print -quit)" ]
}

if stale apps/web/.next/BUILD_ID apps/web/src apps/web/next.config.ts packages/shared/src prisma/schema.prisma package-lock.json; then
  echo "Building the portal (next build)..."
  NEXT_TELEMETRY_DISABLED=1 npm run db:generate --silent
  NEXT_TELEMETRY_DISABLED=1 npm run build --silent -w @wheelhouse/web
fi
if stale apps/agent/dist/manifest.json apps/agent/src apps/agent/package.json packages/shared/src scripts/agent package-lock.json; then
  echo "Building the agent bundle..."
  npm run build --silent -w @wheelhouse/agent
fi
