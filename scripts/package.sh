#!/usr/bin/env bash
# Builds the Debian package build/s1-collector_<version>_<arch>.deb with CPack
# from the normal CMake build (packaging/CMakeLists.txt), then checks it with
# lintian: any lintian error fails. Prints the package's path last.
#   scripts/package.sh              install deps, build the binary, package, lintian
#   scripts/package.sh --no-deps    skip scripts/install-deps.sh
#   BUILD_DIR=dir                   the build directory (default: build). One that is
#                                   not configured yet is configured Release without
#                                   tests; an existing one is used as it is (only the
#                                   s1-collector target is built).
# Then: tests/packaging/install_test.sh installs it in a clean bookworm container.
set -euo pipefail
cd "$(dirname "$0")/.."

DEPS=1
for arg in "$@"; do
  case "$arg" in
    --no-deps) DEPS=0 ;;
    -h | --help)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    *)
      echo "package.sh: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done
if [ "$DEPS" = 1 ]; then scripts/install-deps.sh --build-only --package; fi

BUILD_DIR=${BUILD_DIR:-build}
if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" >/dev/null
else
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DS1C_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" --target s1-collector
rm -f "$BUILD_DIR"/s1-collector_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >cpack.log 2>&1) || {
  cat "$BUILD_DIR/cpack.log" >&2
  echo "package.sh: cpack failed" >&2
  exit 1
}
debs=("$BUILD_DIR"/s1-collector_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || {
  echo "package.sh: cpack made no $BUILD_DIR/s1-collector_*.deb" >&2
  exit 1
}
echo "package.sh: $(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')"
echo "package.sh: Depends: $(dpkg-deb -f "$deb" Depends)"

if command -v lintian >/dev/null; then
  # --fail-on error: warnings and notes are printed, only errors fail.
  # lintian runs as root in CI and says it would rather not.
  rc=0
  out=$(lintian --fail-on error "$deb" 2>&1) || rc=$?
  grep -v 'running with root privileges' <<<"$out" || true
  if [ "$rc" != 0 ]; then
    echo "package.sh: lintian found errors" >&2
    exit 1
  fi
  echo "package.sh: lintian: no errors"
else
  echo "package.sh: lintian is not installed, not checked (scripts/install-deps.sh --package)" >&2
fi
echo "$deb"
