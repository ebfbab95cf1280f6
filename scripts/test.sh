#!/usr/bin/env bash
# Builds s1-collector with warnings as errors and runs every test (unit and
# integration) with CTest. Exits non-zero on any failure.
#   scripts/test.sh            install deps, build, test
#   BUILD_DIR=dir scripts/test.sh   use another build directory (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

BUILD_DIR=${BUILD_DIR:-build}
JOBS=$(nproc)

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS1C_WERROR=ON
cmake --build "$BUILD_DIR" -j"$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" --timeout 600
