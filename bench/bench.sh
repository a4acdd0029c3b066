#!/usr/bin/env bash
# The side-by-side benchmark (docs/benchmarks.md). Builds first (build/,
# RelWithDebInfo); installs PgBouncer, valgrind and strace if missing.
# Arguments go to bench/run_bench.py, e.g.
#   bench/bench.sh --callgrind --syscalls
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
for tool in valgrind strace; do  # --callgrind, --syscalls
  command -v "$tool" >/dev/null ||
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$tool" >/dev/null ||
    echo "bench: $tool could not be installed; leave out the option that needs it" >&2
done
scripts/build.sh
exec /usr/bin/python3 bench/run_bench.py "$@"
