#!/bin/sh
# Installs, upgrades or removes the Wheelhouse agent on this host (decision 028). The portal serves
# it with its own address written in:
#   curl -fsSL https://PORTAL/install/agent.sh | sudo sh -s -- --token whe_...
#
# Options:
#   --token TOKEN     enrolment token from the portal's Hosts page (first install only; a host
#                     already enrolled keeps its agent.json and its identity)
#   --portal URL      the portal's address (default: the portal this script came from)
#   --prefix DIR      where the agent is installed (default /opt/wheelhouse-agent)
#   --bin-dir DIR     where the `wheelhouse-agent` command is linked (default /usr/local/bin with the
#                     default prefix; with --prefix, no link unless --bin-dir is given: a custom
#                     prefix is often a trial or a second agent, which must not take over the
#                     system-wide command. The command is always DIR/bin/wheelhouse-agent.)
#   --config-dir DIR  agent.json (the host's key), agent.env, and with --no-service the PID file and
#                     log (default /etc/wheelhouse-agent)
#   --no-service      no systemd unit: start the agent in the background and return
#   --install-nginx   on Debian or Ubuntu as root, install nginx-light without asking when nginx is missing
#   --uninstall       remove the agent, its unit, its nginx, its key and config; app containers keep running
#
# The agent's own settings (NGINX_HTTP_PORT, LOG_LEVEL…; `wheelhouse-agent --help`) go in
# CONFIG_DIR/agent.env as KEY=value lines; the unit reads it, and a --no-service start also takes
# them from this script's environment. Paths may hold letters, digits and . _ / + - only.
set -eu

# Written in by the portal (apps/web/src/server/install/install-script.ts).
PORTAL_URL='@@WHEELHOUSE_PORTAL_URL@@'
case $PORTAL_URL in @@*) PORTAL_URL= ;; esac

UNIT_NAME=wheelhouse-agent.service
UNIT_PATH=/etc/systemd/system/$UNIT_NAME
MARKER=.wheelhouse-agent-install
BUNDLE=wheelhouse-agent.mjs

token='' prefix='' bin_dir='' bin_dir_given='' config_dir='' no_service='' install_nginx='' uninstall=''

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'wheelhouse-agent install: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,24p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//' || true
  say "Usage: sh agent.sh --token TOKEN [--portal URL] [--prefix DIR] [--bin-dir DIR] [--config-dir DIR] [--no-service] [--install-nginx] | --uninstall"
}

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value."; fi
}

while [ "$#" -gt 0 ]; do
  case $1 in
    --token) need_value "$@"; token=$2; shift 2 ;;
    --portal) need_value "$@"; PORTAL_URL=$2; shift 2 ;;
    --prefix) need_value "$@"; prefix=$2; shift 2 ;;
    --bin-dir) need_value "$@"; bin_dir=$2; bin_dir_given=1; shift 2 ;;
    --config-dir) need_value "$@"; config_dir=$2; shift 2 ;;
    --no-service) no_service=1; shift ;;
    --install-nginx) install_nginx=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)." ;;
  esac
done

# A path goes into a systemd unit and a wrapper script: plain characters only, so no quoting can break.
check_path() {
  case $2 in
    /*) ;;
    *) die "$1 must be an absolute path (got $2)." ;;
  esac
  case $2 in
    *[!A-Za-z0-9._/+-]*) die "$1 may hold letters, digits and . _ / + - only (got $2)." ;;
  esac
  [ "$2" != / ] || die "$1 cannot be /."
}

read_marker() { # KEY: a value the last install recorded in PREFIX/.wheelhouse-agent-install
  [ -f "$prefix/$MARKER" ] && sed -n "s/^$1=//p" "$prefix/$MARKER" | head -n 1
}

prefix=${prefix:-/opt/wheelhouse-agent}
check_path --prefix "$prefix"
prefix=${prefix%/}
[ -n "$config_dir" ] || config_dir=$(read_marker config_dir || true)
config_dir=${config_dir:-/etc/wheelhouse-agent}
check_path --config-dir "$config_dir"
config_dir=${config_dir%/}
if [ -z "$bin_dir_given" ]; then
  bin_dir=$(read_marker bin_dir || true)
  [ -n "$bin_dir" ] || [ "$prefix" != /opt/wheelhouse-agent ] || bin_dir=/usr/local/bin
fi
[ -z "$bin_dir" ] || check_path --bin-dir "$bin_dir"

is_root=
[ "$(id -u)" = 0 ] && is_root=1
uses_systemd=
[ -z "$no_service" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && uses_systemd=1

find_node() {
  for candidate in "$(command -v node 2>/dev/null || true)" /usr/local/bin/node /usr/bin/node; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# The PID in CONFIG_DIR/agent.pid if that process runs and is this install's agent.
running_agent_pid() {
  [ -f "$config_dir/agent.pid" ] || return 1
  pid=$(tr -dc 0-9 <"$config_dir/agent.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$prefix/lib/$BUNDLE run" || return 1
  printf '%s\n' "$pid"
}

stop_agent() {
  if [ -f "$UNIT_PATH" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if systemctl is-active --quiet "$UNIT_NAME"; then
      step "Stopping the agent's service"
      systemctl stop "$UNIT_NAME"
    fi
  fi
  if pid=$(running_agent_pid); then
    step "Stopping the agent (PID $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "the agent (PID $pid) did not stop within 10 s; killing it."
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$config_dir/agent.pid"
}

# ---------------------------------------------------------------------------------------------
# --uninstall
# ---------------------------------------------------------------------------------------------
if [ -n "$uninstall" ]; then
  [ -f "$prefix/$MARKER" ] || die "$prefix holds no agent installed by this script; nothing was removed (give --prefix if it went elsewhere)."
  step "Removing the Wheelhouse agent from $prefix"
  node=$(find_node || true)
  host_id=
  if [ -n "$node" ] && [ -f "$config_dir/agent.json" ]; then
    host_id=$("$node" -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).hostId' "$config_dir/agent.json" 2>/dev/null || true)
  fi
  stop_agent
  if [ -f "$UNIT_PATH" ]; then
    step "Removing the systemd unit $UNIT_PATH"
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable "$UNIT_NAME" >/dev/null 2>&1 || true
    fi
    rm -f "$UNIT_PATH"
    [ ! -d /run/systemd/system ] || systemctl daemon-reload
  fi
  if [ -n "$node" ] && [ -f "$prefix/lib/$BUNDLE" ]; then
    step "Removing the agent's nginx"
    if [ -f "$config_dir/agent.env" ]; then
      set -a
      # shellcheck disable=SC1091 # written by the administrator; read as the unit reads it
      . "$config_dir/agent.env"
      set +a
    fi
    WHEELHOUSE_AGENT_CONFIG_DIR=$config_dir "$node" "$prefix/lib/$BUNDLE" remove-nginx ||
      warn "the agent's nginx could not be removed (see above); its files are removed with $config_dir."
  fi
  link=${bin_dir:+$bin_dir/wheelhouse-agent}
  if [ -n "$link" ] && [ -L "$link" ] && [ "$(readlink "$link")" = "$prefix/bin/wheelhouse-agent" ]; then
    step "Removing the link $link"
    rm -f "$link"
  fi
  if [ -d "$config_dir" ]; then
    if [ -f "$config_dir/agent.json" ] || [ -f "$config_dir/$MARKER" ]; then
      step "Removing $config_dir (the host's key, logs and nginx files)"
      rm -rf "$config_dir"
    else
      warn "$config_dir does not look like the agent's config directory; it was left as it is."
    fi
  fi
  rm -rf "$prefix"
  left=
  if [ -n "$node" ] && [ -n "$host_id" ]; then
    left=$("$node" -e '
      const filters = encodeURIComponent(JSON.stringify({ label: ["wheelhouse.host=" + process.argv[2]] }));
      const request = require("http").get({ socketPath: process.argv[1], path: "/containers/json?filters=" + filters, timeout: 5000 }, (res) => {
        let body = ""; res.on("data", (c) => (body += c)); res.on("end", () => console.log(JSON.parse(body).length));
      });
      request.on("error", () => console.log("?"));
      request.on("timeout", () => { request.destroy(); console.log("?"); });
    ' "${DOCKER_SOCKET:-/var/run/docker.sock}" "$host_id" 2>/dev/null || true)
  fi
  say "The agent is removed. App containers were left alone${left:+ ($left running)}: they keep running, unmanaged, until you remove them (docker ps --filter label=wheelhouse.managed=1)."
  say "The host stays on the portal's Hosts page until an admin revokes it there."
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Install or upgrade
# ---------------------------------------------------------------------------------------------
[ -n "$PORTAL_URL" ] || die "no portal address: download this script from the portal (PORTAL/install/agent.sh) or give --portal URL."
PORTAL_URL=${PORTAL_URL%/}
case $PORTAL_URL in
  http://* | https://*) ;;
  *) die "--portal must be an http(s) address (got $PORTAL_URL)." ;;
esac
if [ -z "$is_root" ] && { [ -z "$no_service" ] || [ "$prefix" = /opt/wheelhouse-agent ]; }; then
  die "run this as root (curl -fsSL $PORTAL_URL/install/agent.sh | sudo sh -s -- …), or as a user with --no-service, --prefix and --config-dir in directories you own."
fi
enrolled=
[ -f "$config_dir/agent.json" ] && enrolled=1
[ -n "$enrolled" ] || [ -n "$token" ] || die "this host is not enrolled yet: give --token (copy the command from the portal's Hosts page, \"Add host\")."
if [ -e "$prefix" ] && [ ! -f "$prefix/$MARKER" ] && [ -n "$(ls -A "$prefix" 2>/dev/null)" ]; then
  die "$prefix exists and was not made by this script; choose another --prefix (it would be replaced)."
fi

step "Checking Node.js"
node=$(find_node) || die "Node.js is not installed. Install Node.js 20.19 or newer (https://nodejs.org/en/download, or your distribution's nodejs package if it is that new) and run this again."
node_version=$("$node" -p process.versions.node)
"$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "Node.js $node_version at $node is too old: the agent needs 20.19 or newer (https://nodejs.org/en/download). Install it and run this again."
say "    Node.js $node_version ($node)"

step "Checking the Docker engine"
docker_socket=${DOCKER_SOCKET:-/var/run/docker.sock}
"$node" -e '
  const request = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 5000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
  request.on("error", () => process.exit(1));
  request.on("timeout", () => { request.destroy(); process.exit(1); });
' "$docker_socket" ||
  die "no Docker engine answers at $docker_socket. Install Docker (Debian or Ubuntu: apt-get install docker.io; elsewhere https://docs.docker.com/engine/install/), start it, and run this again."
say "    Docker answers at $docker_socket"

step "Checking nginx"
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  say "    nginx is installed"
elif [ -n "$is_root" ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  answer=n
  if [ -n "$install_nginx" ]; then
    answer=y
  elif (: </dev/tty) 2>/dev/null; then
    printf 'nginx is not installed; apps are reached through it. Install nginx-light now with apt-get? [y/N] '
    read -r answer </dev/tty || answer=n
  fi
  case $answer in
    y | Y | yes)
      step "Installing nginx-light"
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light
      ;;
    *) warn "nginx is not installed: apps deploy but are not reachable by their domains until it is (apt-get install nginx-light, or run this again with --install-nginx)." ;;
  esac
else
  warn "nginx is not installed: apps deploy but are not reachable by their domains until it is (install your distribution's nginx package)."
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wheelhouse-agent.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

download() { # URL FILE: fails with the portal's own sentence when it refuses
  if command -v curl >/dev/null 2>&1; then
    code=$(curl -sS --retry 2 -o "$2" -w '%{http_code}' "$1") || die "could not download $1 (see above)."
    [ "$code" = 200 ] || die "$1 answered HTTP $code: $(head -c 500 "$2" 2>/dev/null)"
  elif command -v wget >/dev/null 2>&1; then
    wget -q --content-on-error -O "$2" "$1" || die "could not download $1: $(head -c 500 "$2" 2>/dev/null)"
  else
    die "neither curl nor wget is installed; install one (apt-get install curl) and run this again."
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    "$node" -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex") + "\n")' "$1"
  fi
}

step "Downloading the agent from $PORTAL_URL"
download "$PORTAL_URL/install/wheelhouse-agent.tar.gz.sha256" "$work/bundle.sha256"
download "$PORTAL_URL/install/wheelhouse-agent.tar.gz" "$work/bundle.tar.gz"
expected=$(cut -d ' ' -f 1 <"$work/bundle.sha256")
bundle_file=$(sed -n 's/^[0-9a-f]\{64\}  *//p' "$work/bundle.sha256")
case $expected in
  *[!0-9a-f]* | '') die "the portal's checksum file is not a SHA-256 ($(head -c 100 "$work/bundle.sha256")); nothing was installed." ;;
esac
[ "${#expected}" = 64 ] || die "the portal's checksum file is not a SHA-256; nothing was installed."

step "Verifying the download"
actual=$(sha256_of "$work/bundle.tar.gz")
if [ "$actual" != "$expected" ]; then
  die "the downloaded agent does not match the portal's checksum (SHA-256 $actual, expected $expected): it was changed or damaged on the way. Nothing was installed."
fi
say "    SHA-256 $actual ($bundle_file)"
bundle_arch=$(printf '%s\n' "$bundle_file" | sed -n 's/.*-linux-\(.*\)\.tar\.gz$/\1/p')
host_arch=$("$node" -p process.arch)
if [ -n "$bundle_arch" ] && [ "$bundle_arch" != "$host_arch" ]; then
  warn "the portal's agent is built for $bundle_arch and this host is $host_arch: the agent runs, but host shells will say they are unavailable (its node-pty addon will not load)."
fi
mkdir "$work/unpacked"
tar -xzf "$work/bundle.tar.gz" -C "$work/unpacked"
[ -f "$work/unpacked/wheelhouse-agent/$BUNDLE" ] || die "the downloaded bundle has no $BUNDLE; nothing was installed."
# Before anything is replaced: the new agent must at least start on this host's Node.js.
"$node" "$work/unpacked/wheelhouse-agent/$BUNDLE" --help >/dev/null ||
  die "the downloaded agent does not start with $node (see above); nothing was installed."
version=$("$node" -p 'require(process.argv[1]).version' "$work/unpacked/wheelhouse-agent/package.json")

upgrade=
[ -f "$prefix/$MARKER" ] && upgrade=1
stop_agent

if [ -n "$upgrade" ]; then step "Upgrading the agent in $prefix to $version"; else step "Installing agent $version in $prefix"; fi
mkdir -p "$prefix/bin"
rm -rf "$prefix/lib.new" "$prefix/lib.old"
mv "$work/unpacked/wheelhouse-agent" "$prefix/lib.new"
[ ! -d "$prefix/lib" ] || mv "$prefix/lib" "$prefix/lib.old"
mv "$prefix/lib.new" "$prefix/lib"
rm -rf "$prefix/lib.old"
cat >"$prefix/bin/wheelhouse-agent" <<EOF
#!/bin/sh
# Written by the Wheelhouse install script: the agent on this host's Node.js, with its config directory.
WHEELHOUSE_AGENT_CONFIG_DIR="\${WHEELHOUSE_AGENT_CONFIG_DIR:-$config_dir}"
export WHEELHOUSE_AGENT_CONFIG_DIR
exec $node $prefix/lib/$BUNDLE "\$@"
EOF
chmod 755 "$prefix/bin/wheelhouse-agent"
printf 'config_dir=%s\nbin_dir=%s\nversion=%s\n' "$config_dir" "$bin_dir" "$version" >"$prefix/$MARKER"
if [ -n "$bin_dir" ]; then
  mkdir -p "$bin_dir"
  ln -sf "$prefix/bin/wheelhouse-agent" "$bin_dir/wheelhouse-agent"
  say "    command: $bin_dir/wheelhouse-agent"
else
  say "    command: $prefix/bin/wheelhouse-agent (not linked: see --bin-dir)"
fi

mkdir -p "$config_dir"
chmod 700 "$config_dir"
if [ -n "$enrolled" ]; then
  step "Keeping this host's enrolment ($config_dir/agent.json)"
  [ -z "$token" ] || say "    already enrolled: the token was not used (to enrol anew, run with --uninstall first)."
else
  step "Enrolling with $PORTAL_URL"
  WHEELHOUSE_AGENT_CONFIG_DIR=$config_dir "$prefix/bin/wheelhouse-agent" enroll --portal "$PORTAL_URL" --token "$token" ||
    die "enrolment failed (see above). The agent is installed; run this again with a fresh token from the Hosts page."
fi

if [ -n "$uses_systemd" ]; then
  step "Writing and enabling the systemd unit $UNIT_PATH"
  cat >"$UNIT_PATH" <<EOF
# Written by the Wheelhouse install script; run it again to upgrade, with --uninstall to remove.
[Unit]
Description=Wheelhouse agent (connects this Docker host to the Wheelhouse portal)
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=simple
Environment=WHEELHOUSE_AGENT_CONFIG_DIR=$config_dir
EnvironmentFile=-$config_dir/agent.env
ExecStart=$node $prefix/lib/$BUNDLE run
# Exit 78: the portal refused this host's key (revoked); restarting cannot help.
RestartPreventExitStatus=78
Restart=on-failure
RestartSec=5
# Only the agent is stopped: its managed nginx outlives it on purpose, so apps keep serving through restarts and upgrades.
KillMode=process
ProtectHome=true
PrivateTmp=true
NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable "$UNIT_NAME" >/dev/null
  step "Starting the agent"
  systemctl restart "$UNIT_NAME"
  log_hint="journalctl -u $UNIT_NAME"
else
  [ -n "$no_service" ] || warn "systemd does not run here: the agent starts in the background, as with --no-service, and does not start again at boot."
  step "Starting the agent in the background"
  if [ -f "$config_dir/agent.env" ]; then
    set -a
    # shellcheck disable=SC1091 # written by the administrator; read as the unit reads it
    . "$config_dir/agent.env"
    set +a
  fi
  # setsid: its own session, so a signal to this terminal's processes does not reach it.
  launcher=
  command -v setsid >/dev/null 2>&1 && launcher=setsid
  (
    cd /
    WHEELHOUSE_AGENT_CONFIG_DIR=$config_dir exec $launcher "$node" "$prefix/lib/$BUNDLE" run >>"$config_dir/agent.log" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$config_dir/agent.pid"
  say "    PID $(cat "$config_dir/agent.pid"), log $config_dir/agent.log"
  log_hint="tail $config_dir/agent.log"
fi

step "Waiting for the portal to report this host Online"
if ! WHEELHOUSE_AGENT_CONFIG_DIR=$config_dir "$prefix/bin/wheelhouse-agent" status --wait 30; then
  die "the host did not come Online within 30 s. The agent's log says why: $log_hint"
fi
say "Done: agent $version runs on this host. Run this again to upgrade; with --uninstall to remove it."
