#!/usr/bin/env bash
# `npm test`: install what the suites need, then lint, type-check, unit, integration (SQLite and
# PostgreSQL) and end-to-end (Chromium). Stops at the first failing step and names it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CI="${CI:-}"

started=$(date +%s)
step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo
  echo "━━ ${name}"
  if ! "$@"; then
    echo "✗ ${name} failed (after $(( $(date +%s) - t0 ))s)" >&2
    exit 1
  fi
  echo "✓ ${name} ($(( $(date +%s) - t0 ))s)"
}

step "system packages (PostgreSQL, Chromium, promtool, pebble)" bash scripts/system/ensure-debian-packages.sh test
step "npm packages" bash scripts/lib/install-npm-packages.sh
step "lint and format (biome)" npx biome check --error-on-warnings .
step "type check (tsc)" npm run typecheck --silent
step "build (next build)" bash scripts/lib/build-if-stale.sh
step "unit tests" npx vitest run --project unit
# The integration tests use the real Docker engine; stop it when the run ends, however it ends,
# but only if this run started it: an engine already answering (another checkout's test run, an
# engineer's own) is left to whoever started it, with its containers.
if bash scripts/system/docker-engine.sh status >/dev/null 2>&1; then
  echo "A Docker engine already answers: this run uses it and leaves it running."
else
  trap 'bash scripts/system/docker-engine.sh stop' EXIT
fi
step "Docker engine" bash scripts/system/docker-engine.sh start
step "integration tests on SQLite" env WHEELHOUSE_TEST_DB=sqlite npx vitest run --project integration
# The agent's own integration tests (apps/*/src/**) touch no database and run once, in the SQLite pass;
# checks-host also reaches the PostgreSQL cluster, so it runs here too.
step "integration tests on PostgreSQL" env WHEELHOUSE_TEST_DB=postgres npx vitest run --project integration tests/integration checks-host.int.test.ts
step "end-to-end tests (Chromium)" npx playwright test --config tests/e2e/playwright.config.ts

echo
echo "All suites passed in $(( $(date +%s) - started ))s."
