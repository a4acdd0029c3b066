#!/usr/bin/env bash
# Installs what it needs, builds, and runs every test: unit tests (ctest),
# the integration tests against real servers and clients on loopback, the
# unit tests again under ASan and UBSan, and every fuzzer for a bounded time.
# GH_FUZZ_SECONDS (default 20) sets the time per fuzz target; run
# scripts/fuzz.sh 600 by hand to fuzz longer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
echo "== unit tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "== integration tests"
tests/integration/run.sh
echo "== unit tests under ASan and UBSan"
scripts/sanitize.sh
echo "== fuzzers, ${GH_FUZZ_SECONDS:-20}s each"
scripts/fuzz.sh "${GH_FUZZ_SECONDS:-20}"
echo "== all tests passed"
