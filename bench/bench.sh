#!/usr/bin/env bash
# The side-by-side benchmark (docs/benchmarks.md). Builds first; installs
# PgBouncer and valgrind if missing. Arguments go to bench/run_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
command -v valgrind >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -q valgrind >/dev/null; }
scripts/build.sh
exec /usr/bin/python3 bench/run_bench.py "$@"
