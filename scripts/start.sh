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
agent_dir="$DATA_DIR/local-agent"
mkdir -p "$agent_dir" && chmod 700 "$agent_dir"
export WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE="$agent_dir/enroll.token"

# The local agent manages this machine's Docker engine: make sure one runs (installing Debian's
# docker.io when we are root); without it the portal still works and the host says so.
bash scripts/system/ensure-docker.sh || true

node --import tsx apps/web/src/server/main.ts &
portal=$!
trap 'kill -TERM "$portal" 2>/dev/null || true' INT TERM
node scripts/lib/welcome.mjs "$PORT" "$public_url" "$portal" &
bash scripts/lib/local-agent.sh "http://127.0.0.1:${PORT}" "$agent_dir" "$portal" &
set +e
wait "$portal"
code=$?
# A signal trap interrupts the first wait: wait again for the portal's own exit.
if kill -0 "$portal" 2>/dev/null; then wait "$portal"; code=$?; fi
exit "$code"
