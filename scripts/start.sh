#!/usr/bin/env bash
# `npm start`: install, build, migrate (the portal does it at start-up) and run Wheelhouse on
# SQLite, then print the address and how to sign in. Settings: see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error(`Wheelhouse needs Node.js 20.19 or newer; this is ${process.versions.node}.`); process.exit(1) }'
bash scripts/lib/install-npm-packages.sh
bash scripts/lib/build-if-stale.sh

export PORT="${PORT:-3000}"
export DATA_DIR="${DATA_DIR:-./data}"
public_url="${PUBLIC_URL:-http://localhost:${PORT}}"

node --import tsx apps/web/src/server/main.ts &
portal=$!
trap 'kill -TERM "$portal" 2>/dev/null || true' INT TERM
node scripts/lib/welcome.mjs "$PORT" "$public_url" "$portal" &
set +e
wait "$portal"
code=$?
# A signal trap interrupts the first wait: wait again for the portal's own exit.
if kill -0 "$portal" 2>/dev/null; then wait "$portal"; code=$?; fi
exit "$code"
