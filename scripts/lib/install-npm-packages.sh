#!/usr/bin/env bash
# `npm ci` when node_modules is missing or older than the lockfile; nothing otherwise.
# npm ci also runs our postinstall, which generates the Prisma clients.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi
