#!/usr/bin/env bash
# Builds the portal's UI when no build exists or a source file is newer than the last build.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=apps/web/.next/BUILD_ID
if [ -f "$stamp" ] && [ -z "$(find apps/web/src apps/web/next.config.ts packages/shared/src prisma/schema.prisma package-lock.json -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
echo "Building the portal (next build)..."
NEXT_TELEMETRY_DISABLED=1 npm run build --silent
