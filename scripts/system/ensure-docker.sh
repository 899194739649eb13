#!/usr/bin/env bash
# For `npm start`: make sure a Docker engine answers for the local agent, and that nginx (which the
# agent runs in front of deployed apps) is installed. As root on Debian it installs docker.io and
# nginx-light when missing and starts dockerd (scripts/system/docker-engine.sh); otherwise it says
# what to install. Exit 1 when no engine answers in the end (the portal runs anyway).
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing nginx (Debian package nginx-light): the local agent serves deployed apps through it..."
    bash scripts/system/ensure-debian-packages.sh docker || true
  else
    echo "nginx is not installed: deployed apps cannot be served until it is (sudo apt-get install nginx-light)." >&2
  fi
fi
if timeout 10 docker info >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if ! command -v dockerd >/dev/null; then
    echo "Installing the Docker engine (Debian package docker.io) for the local agent..."
    bash scripts/system/ensure-debian-packages.sh docker || exit 1
  fi
  bash scripts/system/docker-engine.sh start && exit 0
fi
cat >&2 <<'MSG'
No Docker engine answers on this machine. Wheelhouse runs without it, but the local host will show
"Docker engine not reachable" until one does. On Debian or Ubuntu:
  sudo apt-get install docker.io && sudo systemctl start docker
MSG
exit 1
