#!/usr/bin/env bash
# `npm run bench [-- NAME [ARGS...]]`: runs the benchmarks under bench/ (all of them without a name).
# Each compares Wheelhouse with a baseline measured in the same run; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/lib/install-npm-packages.sh
bash scripts/lib/build-if-stale.sh
name=${1:-all}
[ "$#" -gt 0 ] && shift
case "$name" in
  agents) node --import tsx bench/agents/run.ts "$@" ;;
  agents-floor) node --import tsx bench/agents/floor/run.ts "$@" ;;
  agent-footprint) node --import tsx bench/agent-footprint/run.ts "$@" ;;
  api) node --import tsx bench/api/run.ts "$@" ;;
  audit) node --import tsx bench/audit/run.ts "$@" ;;
  deploy) bash scripts/system/docker-engine.sh start && node --import tsx bench/deploy/run.ts "$@" ;;
  logs) bash scripts/system/docker-engine.sh start && node --import tsx bench/logs/run.ts "$@" ;;
  shell) bash scripts/system/docker-engine.sh start && node --import tsx bench/shell/run.ts "$@" ;;
  all)
    node --import tsx bench/agents/run.ts
    node --import tsx bench/agents/floor/run.ts
    node --import tsx bench/agent-footprint/run.ts
    bash scripts/system/docker-engine.sh start && node --import tsx bench/deploy/run.ts
    node --import tsx bench/logs/run.ts
    node --import tsx bench/shell/run.ts
    node --import tsx bench/api/run.ts
    node --import tsx bench/audit/run.ts
    ;;
  *) echo "unknown benchmark: $name (known: agents, agents-floor, agent-footprint, api, audit, deploy, logs, shell)" >&2; exit 2 ;;
esac
