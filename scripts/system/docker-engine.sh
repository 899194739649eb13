#!/usr/bin/env bash
# Starts and stops the Docker engine that the integration tests use, on this machine.
#   scripts/system/docker-engine.sh start    # start dockerd unless an engine already answers
#   scripts/system/docker-engine.sh stop     # stop dockerd, only if `start` started it
#   scripts/system/docker-engine.sh status   # whether an engine answers (exit 0) or not (1), who started it
# dockerd comes from Debian's docker.io package (scripts/system/ensure-debian-packages.sh test).
# The engine is closed off from the network: nothing a container sends is routed off the machine,
# and tests reach containers only through 127.0.0.1 (host networking or ports published there).
# An engine that was already running (someone else's) is used as it is and never stopped here.
set -euo pipefail

state_dir=${WHEELHOUSE_DOCKER_STATE_DIR:-/run/wheelhouse-docker}
pid_file="$state_dir/dockerd.pid"        # written by this script: proof that we started it
daemon_pid_file="$state_dir/dockerd.daemon.pid" # written by dockerd itself
log_file="$state_dir/dockerd.log"
start_timeout=60
stop_timeout=60

answers() { timeout 10 docker info >/dev/null 2>&1; }

# The PID in our PID file when that process is still a running dockerd; nothing otherwise.
our_pid() {
  [ -f "$pid_file" ] || return 1
  local pid; pid=$(cat "$pid_file" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = dockerd ] || return 1
  echo "$pid"
}

show_log_tail() {
  if [ -s "$log_file" ]; then
    echo "Last lines of $log_file:" >&2
    tail -n 30 "$log_file" >&2
  fi
}

start() {
  if answers; then
    if pid=$(our_pid); then echo "Docker engine already running (started by this script, PID $pid)."
    else echo "Docker engine already running (not started by this script: it will be left alone)."; fi
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "No Docker engine answers, and starting dockerd needs root." >&2
    return 1
  fi
  if ! command -v dockerd >/dev/null; then
    echo "dockerd is not installed: run \`bash scripts/system/ensure-debian-packages.sh test\` as root" >&2
    echo "(it installs Debian's docker.io and busybox-static)." >&2
    return 1
  fi
  command -v docker >/dev/null || { echo "The docker command-line client is not installed." >&2; return 1; }

  mkdir -p "$state_dir"
  local pid
  if pid=$(our_pid); then
    # A dockerd of ours is running but not answering yet (another `start` is waiting for it).
    echo "dockerd (PID $pid, started by this script) is not answering yet; waiting for it."
  else
    rm -f "$pid_file" "$daemon_pid_file"
    : > "$log_file"
    # setsid: the engine outlives this script and is not hit by a Ctrl-C meant for the test run;
    # `stop` ends it. setsid execs dockerd in place (we are not a process-group leader), so $! is
    # dockerd's own PID.
    #   --iptables=false        Docker adds no firewall or NAT rules: nothing from a container is
    #                           masqueraded out of the machine.
    #   --ip-forward=false      Docker does not switch on IP forwarding: the kernel routes nothing
    #                           from the containers' bridge to another interface.
    #   --ip=127.0.0.1          a port published without an address (-p 8080:80) binds to loopback,
    #                           never to every interface.
    #   --userland-proxy=true   (the default, stated because we rely on it) without iptables, a
    #                           published port is served by docker-proxy on the host: the only way
    #                           127.0.0.1:PORT reaches a container on the bridge.
    #   --pidfile               dockerd's own PID file in our state directory, not the system one.
    #   --shutdown-timeout=5    `stop` stays short even if a test left a container running.
    setsid dockerd \
      --iptables=false \
      --ip-forward=false \
      --ip=127.0.0.1 \
      --userland-proxy=true \
      --pidfile="$daemon_pid_file" \
      --shutdown-timeout=5 \
      >>"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$pid_file"
    echo "Starting dockerd (PID $pid, log $log_file)."
  fi

  local t0=$SECONDS
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dockerd (PID $pid) exited before the engine answered." >&2
      show_log_tail
      rm -f "$pid_file"
      return 1
    fi
    if (( SECONDS - t0 >= start_timeout )); then
      echo "The Docker engine did not answer \`docker info\` within ${start_timeout}s." >&2
      show_log_tail
      echo "dockerd (PID $pid) is left running; \`$0 stop\` ends it." >&2
      return 1
    fi
    sleep 0.5
  done
  echo "Docker engine ready after $(( SECONDS - t0 ))s ($(docker version --format 'server {{.Server.Version}}' 2>/dev/null))."
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    if [ -f "$pid_file" ]; then rm -f "$pid_file"; echo "dockerd started by this script is no longer running."
    elif answers; then echo "The running Docker engine was not started by this script: left alone."
    else echo "No Docker engine running."; fi
    return 0
  fi
  # Test containers a crashed test run left behind would come back with the next engine: remove
  # them (only those labelled wheelhouse.test=1, and only on the engine this script started).
  local leftovers
  leftovers=$(timeout 30 docker ps --all --quiet --filter label=wheelhouse.test=1 2>/dev/null || true)
  if [ -n "$leftovers" ]; then
    echo "Removing $(wc -w <<<"$leftovers") leftover test container(s)."
    # shellcheck disable=SC2086 # one ID per word
    timeout 60 docker rm --force --volumes $leftovers >/dev/null || true
  fi
  # dockerd's managed containerd is its child: if dockerd has to be killed, end that one too.
  local children; children=$(pgrep -P "$pid" -x containerd || true)
  echo "Stopping dockerd (PID $pid)."
  kill -TERM "$pid" 2>/dev/null || true
  local t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS - t0 >= stop_timeout )); then
      echo "dockerd (PID $pid) did not stop within ${stop_timeout}s: killing it." >&2
      kill -KILL "$pid" 2>/dev/null || true
      for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
      show_log_tail
      break
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  echo "dockerd stopped after $(( SECONDS - t0 ))s."
}

status() {
  local pid answered=no
  answers && answered=yes
  if pid=$(our_pid); then
    echo "dockerd PID $pid, started by this script; engine answering: $answered."
  elif [ "$answered" = yes ]; then
    echo "A Docker engine answers; it was not started by this script."
  else
    echo "No Docker engine answers."
  fi
  [ "$answered" = yes ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
