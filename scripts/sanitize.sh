#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (GCC, into build-asan/) and runs them: a heap overflow, a use after free or
# an undefined shift in any module fails the test command, not a user's
# gateway. (The libFuzzer targets are built with clang by scripts/fuzz.sh;
# clang 14 cannot compile the gateway's coroutines with sanitizers, so the
# test build uses GCC.)
# Usage: scripts/sanitize.sh [ctest -R regex]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGH_BENCH=OFF \
    -DGH_SANITIZE=address,undefined >/dev/null
fi
log="$(mktemp /tmp/gh-asan-build.XXXXXX)"
trap 'rm -f "$log"' EXIT
if ! ninja -C build-asan -j"$(nproc)" >"$log" 2>&1; then
  grep -v '^\[' "$log" | tail -40
  echo "sanitize: the build failed"
  exit 1
fi
# Every report ends the test with a failure; leaks count too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
filter=()
[ $# -gt 0 ] && filter=(-R "$1")
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" "${filter[@]}"
echo "sanitize: the unit tests pass under ASan and UBSan"
