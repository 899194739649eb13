#!/usr/bin/env bash
# The baseline of bench/deploy: the zero-downtime deploy a careful operator scripts by hand.
#   script-deploy.sh IMAGE CONTAINER_PORT NGINX_PREFIX OLD_CONTAINER_ID_OR_- LABEL...
# docker run (port published on 127.0.0.1) → poll the health path every 250 ms → point nginx's
# upstream at it and reload → stop and remove the old container. Prints the new container's id.
# With DRAIN=1 it also waits, before stopping the old container, until every nginx worker of the
# old configuration is shutting down (what Wheelhouse's agent waits for): `nginx -s reload` only
# sends a signal, and old workers keep accepting requests for the old upstream for ~100 ms.
set -euo pipefail
image=$1 container_port=$2 prefix=$3 old=$4
shift 4
labels=()
for label in "$@"; do labels+=(--label "$label"); done

id=$(docker run -d "${labels[@]}" -e "PORT=$container_port" -p "127.0.0.1::$container_port" "$image")
host_port=$(docker port "$id" "$container_port/tcp" | head -n1 | sed 's/.*://')
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null "http://127.0.0.1:$host_port/health"; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo "health check timed out" >&2; docker rm -f "$id" >/dev/null; exit 1; fi
  sleep 0.25
done
printf 'server 127.0.0.1:%s;\n' "$host_port" > "$prefix/conf/upstream.conf"
nginx -p "$prefix" -c conf/nginx.conf -t -q
master=$(cat "$prefix/logs/nginx.pid")
before=$(pgrep -P "$master" || true)
nginx -p "$prefix" -c conf/nginx.conf -s reload
if [ "${DRAIN:-0}" = 1 ]; then
  for _ in $(seq 1 500); do
    busy=0
    for pid in $before; do
      title=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
      if [ -n "$title" ] && [[ "$title" != *"shutting down"* ]]; then busy=1; fi
    done
    [ "$busy" = 0 ] && break
    sleep 0.01
  done
fi
if [ "$old" != "-" ]; then docker stop "$old" >/dev/null && docker rm "$old" >/dev/null; fi
echo "$id"
