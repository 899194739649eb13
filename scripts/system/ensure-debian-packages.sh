#!/usr/bin/env bash
# Installs the Debian packages that a Wheelhouse command needs, when they are missing.
#   scripts/system/ensure-debian-packages.sh test    # what `npm test` needs
#   scripts/system/ensure-debian-packages.sh docker  # the Docker engine and nginx, for `npm start`'s local agent
# As root on Debian it installs them (services are not started: tests start their own servers);
# otherwise it names them and exits 1.
set -euo pipefail

case "${1:-}" in
  test) wanted=(postgresql chromium fonts-dejavu-core prometheus prometheus-alertmanager docker.io busybox-static nginx-light docker-registry apache2-utils shellcheck openssl mariadb-server pebble) ;;
  docker) wanted=(docker.io nginx-light) ;;
  *) echo "usage: $0 test|docker" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  # Any nginx flavour (nginx, nginx-full, nginx-extras) will do; nginx-light is only the smallest.
  if [ "$pkg" = nginx-light ] && [ -x /usr/sbin/nginx ]; then continue; fi
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
# Keep package scripts from starting services (prometheus, postgresql, mariadb, docker): tests start their own,
# on loopback ports of their choosing. Only our own policy file is removed afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
# (An `if`, not `&&`: under `set -e` a false `&&` list as the trap's last command becomes the exit code.)
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
