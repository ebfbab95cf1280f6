#!/usr/bin/env bash
# Builds s1-collector with warnings as errors and runs every test (unit and
# integration) with CTest. Exits non-zero on any failure.
#   scripts/test.sh                 install deps, build, test (fast: what a developer runs)
#   scripts/test.sh --sanitize      also build in build-asan with ASan + UBSan (gcc) and run
#                                   every test there; any sanitizer report fails the run
#   scripts/test.sh --fuzz          also run each fuzz target briefly (scripts/fuzz.sh, clang)
#   scripts/test.sh --package       install lintian and podman, so that the Debian package test
#                                   runs (scripts/package.sh, then tests/packaging/install_test.sh
#                                   in a clean bookworm container); without the flag it runs
#                                   when podman is there, and says it is skipped otherwise
#   scripts/test.sh --monitoring    install promtool, so that the alert-rule tests run
#   scripts/test.sh --no-deps       skip scripts/install-deps.sh (the packages are known to be there)
#   CI=true scripts/test.sh         --sanitize, --fuzz, --package and --monitoring (.ci/run)
#   BUILD_DIR=dir                   the plain build directory (default: build)
#   ASAN_BUILD_DIR=dir              the sanitized one (default: build-asan)
#   FUZZ_SECONDS=N                  seconds per fuzz target (default: 20)
set -euo pipefail
cd "$(dirname "$0")/.."

SANITIZE=0
FUZZ=0
PACKAGE=0
MONITORING=0
DEPS=1
if [ "${CI:-}" = "true" ]; then
  SANITIZE=1
  FUZZ=1
  PACKAGE=1
  MONITORING=1
fi
for arg in "$@"; do
  case "$arg" in
    --sanitize) SANITIZE=1 ;;
    --fuzz) FUZZ=1 ;;
    --package) PACKAGE=1 ;;
    --monitoring) MONITORING=1 ;;
    --no-deps) DEPS=0 ;;
    -h | --help)
      sed -n '2,17p' "$0"
      exit 0
      ;;
    *)
      echo "test.sh: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

if [ "$DEPS" = 1 ]; then
  deps=()
  if [ "$FUZZ" = 1 ]; then deps+=(--fuzz); fi
  if [ "$PACKAGE" = 1 ]; then deps+=(--package --container); fi
  if [ "$MONITORING" = 1 ]; then deps+=(--monitoring); fi
  scripts/install-deps.sh ${deps[@]+"${deps[@]}"}
fi

BUILD_DIR=${BUILD_DIR:-build}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
JOBS=$(nproc)
started=$SECONDS
phase() { echo "test.sh: $1 ($((SECONDS - started))s elapsed)"; }

phase "plain build and tests in $BUILD_DIR"
# Line tables only (-g1): backtraces and perf keep file and line, and the
# build is about a quarter quicker than with full debug information.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DS1C_WERROR=ON
cmake --build "$BUILD_DIR" -j"$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" --timeout 600

# The Debian package from this build, installed in a clean container
# (docs/operations.md, "Install the Debian package"). Exit 77 from the
# install test: the machine cannot run it (no podman, not root, no base
# image), said in its output, and not a failure of the package.
package_stage() {
  BUILD_DIR="$BUILD_DIR" scripts/package.sh --no-deps || return
  local rc=0
  BUILD_DIR="$BUILD_DIR" tests/packaging/install_test.sh || rc=$?
  if [ "$rc" = 77 ]; then
    echo "test.sh: the package install test was skipped (see above)"
    rc=0
  fi
  return "$rc"
}
package_pid=
package_log="$BUILD_DIR/package-stage.log"
# A failed build must not leave the stage running behind us.
trap '[ -z "$package_pid" ] || kill "$package_pid" 2>/dev/null || true' EXIT
if [ "$PACKAGE" = 1 ] || command -v podman >/dev/null; then
  if [ "$SANITIZE" = 1 ]; then
    # Mostly waiting on the mirror and the container: it runs beside the
    # sanitizer build, and its output is printed when it is waited for
    # (before the sanitizer tests, which it must not slow down).
    phase "Debian package: build, lintian, install test (in the background, log in $package_log)"
    package_stage >"$package_log" 2>&1 &
    package_pid=$!
  else
    phase "Debian package: build, lintian, install test"
    package_stage
  fi
else
  echo "test.sh: Debian package test skipped: podman is not installed (scripts/test.sh --package installs it)"
fi
wait_for_package() {
  [ -n "$package_pid" ] || return 0
  local rc=0
  wait "$package_pid" || rc=$?
  package_pid=
  phase "Debian package stage finished (exit $rc); its output:"
  cat "$package_log"
  [ "$rc" = 0 ] || exit "$rc"
}

if [ "$SANITIZE" = 1 ]; then
  phase "ASan + UBSan build and tests in $ASAN_BUILD_DIR"
  # -O1 with line tables only: the usual sanitizer setting, and a much
  # quicker build than -O2 -g on CI's two cores.
  cmake -S . -B "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DS1C_WERROR=ON -DS1C_SANITIZE=ON
  # Every process (tests, and the collector, simulator and sink they start)
  # writes its reports to files here; any file there fails the run, even
  # from a child whose exit status nobody checks.
  reports="$PWD/$ASAN_BUILD_DIR/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1:log_path=$reports/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  export LSAN_OPTIONS="log_path=$reports/lsan"
  cmake --build "$ASAN_BUILD_DIR" -j"$JOBS"
  wait_for_package
  set +e
  ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j"$JOBS" --timeout 900
  ctest_rc=$?
  set -e
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  found=$(find "$reports" -type f | sort)
  if [ -n "$found" ]; then
    echo "test.sh: sanitizer reports:" >&2
    for f in $found; do
      echo "==== $f" >&2
      head -60 "$f" >&2
    done
    exit 1
  fi
  [ "$ctest_rc" = 0 ] || exit "$ctest_rc"
fi
wait_for_package

if [ "$FUZZ" = 1 ]; then
  phase "fuzz smoke run"
  scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
fi
phase "all passed"
