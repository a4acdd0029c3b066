#!/usr/bin/env bash
# Integration tests: real PostgreSQL/MariaDB servers, real clients, the real
# gatehouse binary. Each test module starts what it needs on loopback in temp
# dirs. Debian's python3 runs them (it has psycopg 3 and pytest).
set -euo pipefail
cd "$(dirname "$0")"
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@" .
