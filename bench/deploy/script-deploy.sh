#!/usr/bin/env bash
# The baseline of bench/deploy: the zero-downtime deploy a careful operator scripts by hand.
#   script-deploy.sh IMAGE CONTAINER_PORT NGINX_PREFIX OLD_CONTAINER_ID_OR_- LABEL...
# docker run (port published on 127.0.0.1) → poll the health path every 250 ms → point nginx's
# upstream at it and reload → stop and remove the old container. Prints the new container's id.
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
nginx -p "$prefix" -c conf/nginx.conf -s reload
if [ "$old" != "-" ]; then docker stop "$old" >/dev/null && docker rm "$old" >/dev/null; fi
echo "$id"
