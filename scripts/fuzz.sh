#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang + ASan + UBSan and runs
# each for SECONDS (default 60). Exits non-zero when any target finds a crash,
# a leak, a sanitizer report or a broken invariant; the input is left in
# FUZZ_OUT (default build-fuzz/findings/<target>/) and the command to add it
# as a regression test is printed.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   targets: page iso_time config checkpoint intake_reply retry_after
#   FUZZ_BUILD_DIR=dir   build directory (default build-fuzz)
#   FUZZ_JOBS=N          build parallelism (default 2)
# Each target starts from tests/fuzz/corpus/<target>/ and the saved crash
# inputs in tests/fuzz/regressions/<target>/; new coverage goes to a scratch
# corpus under the build directory (the checked-in corpus stays small).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-60}
shift || true
ALL_TARGETS=(page iso_time config checkpoint intake_reply retry_after)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
OUT=${FUZZ_OUT:-$BUILD_DIR/findings}
JOBS=${FUZZ_JOBS:-2}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (scripts/install-deps.sh --fuzz installs it)" >&2; exit 1; }

CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DS1C_WERROR=ON -DS1C_FUZZ=ON -DS1C_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target s1c_fuzz_all

# A leak or any sanitizer report is a finding.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
summary=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD_DIR/tests/fuzz/s1c_fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz.sh: unknown target $t (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
  work="$BUILD_DIR/fuzz-corpus/$t"
  findings="$OUT/$t"
  mkdir -p "$work" "$findings"
  seeds=("tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  log="$BUILD_DIR/fuzz-$t.log"
  echo "fuzz.sh: $t for ${SECONDS_PER_TARGET}s (log: $log)"
  set +e
  # -max_len 16384: the seed pages are ~11 KB; -rss_limit_mb bounds memory;
  # -timeout flags any single input that takes longer than 10 s.
  "$bin" "$work" "${seeds[@]}" "${dict[@]}" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len=16384 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  summary+=("$(printf '%-13s %10s execs %8s exec/s  exit %s' "$t" "${execs:-?}" "${rate:-?}" "$rc")")
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    echo "fuzz.sh: $t FAILED (exit $rc); last lines of $log:" >&2
    tail -40 "$log" >&2
    for f in "$findings"/*; do
      [ -e "$f" ] || continue
      echo "fuzz.sh: keep it as a regression test: cp '$f' tests/fuzz/regressions/$t/" >&2
    done
  fi
done

echo "fuzz.sh: summary (${SECONDS_PER_TARGET}s per target)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
