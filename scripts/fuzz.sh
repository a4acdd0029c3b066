#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ (ASan + UBSan),
# seeds each from the wire fixtures (tests/wire/pg/*.hex), its corpus
# (tests/fuzz/corpus/<name>/) and its committed regression inputs, gives it
# its dictionary (tests/fuzz/<prefix>.dict), runs each for SECONDS (default
# 20), one after the other, and exits non-zero if any crashed. A crashing input is written to
# tests/fuzz/regressions/<target>/: fix the bug and commit the input with the
# fix; gh_wire_tests replays every file there in the ordinary build.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: every *_fuzz target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DGH_FUZZ=ON -DGH_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
work="$(mktemp -d /tmp/gh-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ninja -C build-fuzz -t targets all |
    sed -n 's/^\([a-z0-9_]*_fuzz\): phony$/\1/p' | grep -v '^cmake_' | sort)
fi
# Fuzzing stale binaries would report on code that is no longer there.
if ! ninja -C build-fuzz -j2 "${targets[@]}" >"$work/build.log" 2>&1; then
  grep -v '^\[' "$work/build.log" | tail -40
  echo "fuzz: the build failed"
  exit 1
fi

# UBSan reports are fatal here, so that they end as crash inputs too.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fixtures=tests/wire/pg

# A fixture's bytes: the hex without comments and whitespace, as binary.
hex_to_file() {
  local hex
  hex="$(sed -e 's/#.*//' "$1" | tr -d ' \t\r\n')"
  printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$2"
}

# Seeds of one target: fixture files by glob, then its corpus
# (tests/fuzz/corpus/<target without _fuzz>/) and its regression inputs.
seed() {
  local target="$1" dir="$work/$1/seeds" f
  shift
  mkdir -p "$dir" "$work/$target/corpus"
  for f in "$@"; do
    [ -f "$f" ] && hex_to_file "$f" "$dir/$(basename "$f" .hex)"
  done
  for f in "tests/fuzz/corpus/${target%_fuzz}" "tests/fuzz/regressions/$target"; do
    [ -d "$f" ] && find "$f" -type f ! -name '.*' -exec cp {} "$dir/" \;
  done
  return 0
}

typed_frontend=()
startup=()
for f in "$fixtures"/fe_*.hex; do
  if grep -q '^# framing: startup' "$f"; then startup+=("$f"); else typed_frontend+=("$f"); fi
done
seed pg_frontend_fuzz "${typed_frontend[@]}" "$fixtures"/stream_fe_*.hex
seed pg_backend_fuzz "$fixtures"/be_*.hex "$fixtures"/stream_be_*.hex
seed pg_scram_fuzz "$fixtures"/be_auth_sasl*.hex "$fixtures"/stream_be_scram_login.hex
seed pg_startup_fuzz "${startup[@]}"
# The classifier from the public corpus, one statement per seed; the config
# loader from the golden good and bad files.
seed pg_classify_fuzz
/usr/bin/python3 - "$work/pg_classify_fuzz/seeds" tests/sql/corpus/postgres-classify.jsonl \
  <<'PY' || true
import json, os, sys
out, n = sys.argv[1], 0
for path in sys.argv[2:]:
    if not os.path.exists(path):
        continue
    for line in open(path, encoding="utf-8"):
        try:
            sql = json.loads(line)["sql"]
        except (ValueError, KeyError, TypeError):
            continue
        n += 1
        with open(os.path.join(out, f"corpus_{n}"), "w", encoding="utf-8") as f:
            f.write(sql)
PY
seed config_fuzz tests/config/none
find tests/config/good tests/config/errors -name '*.yaml' -exec cp {} "$work/config_fuzz/seeds/" \;
for t in "${targets[@]}"; do [ -d "$work/$t" ] || seed "$t"; done
# A whole client opening: SSLRequest, StartupMessage, then typed messages.
cat "$work/pg_startup_fuzz/seeds/fe_ssl_request" "$work/pg_startup_fuzz/seeds/fe_startup_message" \
  "$work/pg_frontend_fuzz/seeds/stream_fe_libpq" >"$work/pg_startup_fuzz/seeds/session_opening"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "tests/fuzz/regressions/$t" "$work/$t/corpus" "$work/$t/seeds"
  echo "== $t: ${seconds}s from $(ls "$work/$t/seeds" | wc -l) seeds"
  dict=()
  [ -f "tests/fuzz/${t%%_*}.dict" ] && dict=(-dict="tests/fuzz/${t%%_*}.dict")
  rc=0
  "build-fuzz/tests/fuzz/$t" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="tests/fuzz/regressions/$t/" \
    "$work/$t/corpus" "$work/$t/seeds" >"$work/$t.log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")"
  echo "   executions: ${execs:-?}; corpus: $(ls "$work/$t/corpus" | wc -l) new inputs"
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    tail -40 "$work/$t.log"
    echo "   FAILED (exit $rc); the input is in tests/fuzz/regressions/$t/"
  fi
  rmdir "tests/fuzz/regressions/$t" 2>/dev/null || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}"
  exit 1
fi
echo "fuzz: no crashes"
