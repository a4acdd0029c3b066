#!/usr/bin/env bash
# The quick start's first command: installs what it needs, builds, and runs a
# working demo (a throwaway PostgreSQL 15, the embedded SQLite store, a sample
# policy, fresh tokens) until Ctrl-C. Leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh
exec /usr/bin/python3 scripts/demo.py "$@"
