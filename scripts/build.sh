#!/usr/bin/env bash
# Configures (once) and builds into build/ with Ninja and ccache.
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
ninja -C build -j"$(nproc)" | grep -v '^\[' || true
test -x build/gatehouse
