#!/usr/bin/env bash
# Installs every build and test dependency of s1-collector from Debian's packages.
# The single source of truth for dependencies: the README, scripts/test.sh,
# scripts/demo.sh, .ci/run and the Dockerfile all call this script.
# Idempotent: packages already installed are skipped, and apt is not touched
# when nothing is missing. Runs as root, or through sudo otherwise.
set -euo pipefail

# Build toolchain and libraries the collector links against.
BUILD_PACKAGES=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsystemd-dev libisal-dev
  libcpp-httplib-dev  # the /metrics and /healthz server
)
# Tests, simulator and intake sink.
TEST_PACKAGES=(
  libgtest-dev libgmock-dev googletest
  openssl ca-certificates procps curl
  python3 python3-yaml  # scripts/check-manifests.py (deploy/kubernetes/, tests/deploy)
)
# Fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizer
# runtimes; llvm-14 for llvm-symbolizer (readable stack traces). Only when
# fuzzing is asked for: they are the largest download of all.
FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm-14)

#   scripts/install-deps.sh               build and test packages
#   scripts/install-deps.sh --build-only  what building the collector needs
#   scripts/install-deps.sh --fuzz        build, test and fuzzing packages
want=("${BUILD_PACKAGES[@]}")
case "${1:-}" in
  --build-only) ;;
  --fuzz) want+=("${TEST_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}") ;;
  "") want+=("${TEST_PACKAGES[@]}") ;;
  *) echo "install-deps: unknown argument $1 (--build-only or --fuzz)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
