#!/usr/bin/env bash
# Installs what it needs, builds, and runs every test: unit tests (ctest), then
# the integration tests against real servers and clients on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
echo "== unit tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "== integration tests"
tests/integration/run.sh
echo "== all tests passed"
