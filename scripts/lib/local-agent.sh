#!/usr/bin/env bash
# The quick start's local agent (run by scripts/start.sh in the background):
# waits for the portal's one-time enrolment token (written once a team exists), enrols, then runs
# the agent, which stops when the portal process (PID $3) ends. Usage: local-agent.sh PORTAL_URL CONFIG_DIR PORTAL_PID
# The agent watches that PID itself (WHEELHOUSE_AGENT_STOP_WITH_PID): it stops with its portal even
# when this script is killed too, and a portal killed with SIGKILL leaves no agent behind.
set -uo pipefail
portal_url=$1 config_dir=$2 portal_pid=$3
token_file="$config_dir/enroll.token"
# The bundle, as it ships to other hosts (decision 028); start.sh built it (build-if-stale.sh).
agent=(node apps/agent/dist/wheelhouse-agent/wheelhouse-agent.mjs)
if [ ! -f "${agent[1]}" ]; then
  echo "The local agent did not start: ${agent[1]} is missing (npm run build makes it)." >&2
  exit 1
fi
export WHEELHOUSE_AGENT_CONFIG_DIR="$config_dir"
export WHEELHOUSE_AGENT_STOP_WITH_PID="$portal_pid"

if [ ! -f "$config_dir/agent.json" ]; then
  while kill -0 "$portal_pid" 2>/dev/null && [ ! -s "$token_file" ]; do sleep 1; done
  kill -0 "$portal_pid" 2>/dev/null || exit 0
  if ! "${agent[@]}" enroll --portal "$portal_url" --token "$(cat "$token_file")" >/dev/null; then
    echo "The local agent could not enrol; add this machine from the Hosts page instead." >&2
    exit 1
  fi
  rm -f "$token_file"
  echo "This machine is enrolled as a host; it appears on the Hosts page." >&2
fi

# The agent stops by itself when the portal's PID ends (WHEELHOUSE_AGENT_STOP_WITH_PID above).
"${agent[@]}" run >>"$config_dir/agent.log" 2>&1
# 75: another agent holds this directory (wheelhouse-agent's exit codes, apps/agent/README.md).
if [ "$?" = 75 ]; then
  echo "The local agent did not start: another agent already runs with $config_dir (see $config_dir/agent.log)." >&2
fi
