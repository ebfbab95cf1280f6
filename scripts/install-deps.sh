#!/usr/bin/env bash
# Installs every build and test dependency of s1-collector from Debian's packages.
# The single source of truth for dependencies: the README, scripts/test.sh,
# scripts/demo.sh, scripts/package.sh, .ci/run and the Dockerfile all call this script.
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
# The Debian package (scripts/package.sh): dpkg-shlibdeps (dpkg-dev, file)
# computes its Depends:, lintian checks it.
PACKAGE_PACKAGES=(dpkg-dev file lintian)
# Its install test (tests/packaging/install_test.sh): podman, with buildah,
# runc and debootstrap to make the debian:bookworm base image from the mirror.
CONTAINER_PACKAGES=(podman buildah runc debootstrap)

#   scripts/install-deps.sh               build and test packages
#   scripts/install-deps.sh --build-only  what building the collector needs
#   scripts/install-deps.sh --fuzz        also the fuzzing packages
#   scripts/install-deps.sh --package     also what building and checking the .deb needs
#   scripts/install-deps.sh --container   also podman, for the .deb's install test
#   scripts/install-deps.sh --monitoring  also promtool, for the alert-rule tests
# The flags combine; with --build-only, no test packages.
want=("${BUILD_PACKAGES[@]}")
tests=1
promtool=0
for arg in "$@"; do
  case "$arg" in
    --build-only) tests=0 ;;
    --fuzz) want+=("${FUZZ_PACKAGES[@]}") ;;
    --package) want+=("${PACKAGE_PACKAGES[@]}") ;;
    --container) want+=("${CONTAINER_PACKAGES[@]}") ;;
    --monitoring) promtool=1 ;;
    *)
      echo "install-deps: unknown argument $arg (--build-only, --fuzz, --package, --container or --monitoring)" >&2
      exit 2
      ;;
  esac
done
if [ "$tests" = 1 ]; then want+=("${TEST_PACKAGES[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# promtool comes out of Debian's prometheus package, fetched with
# `apt-get download` and unpacked, rather than installed: that package's
# postinst starts a Prometheus server wherever systemd does not run (CI,
# containers), and the tests only need its checker.
PROMTOOL=/usr/local/bin/promtool
need_promtool=0
if [ "$promtool" = 1 ] && ! command -v promtool >/dev/null; then need_promtool=1; fi
if [ ${#missing[@]} -eq 0 ] && [ "$need_promtool" = 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$need_promtool" = 1 ]; then
  echo "install-deps: installing $PROMTOOL from Debian's prometheus package" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # As root, apt downloads as its _apt user, which must be able to write here.
  if [ "$(id -u)" -eq 0 ]; then chown _apt "$tmp" 2>/dev/null || chmod 0777 "$tmp"; fi
  (cd "$tmp" && apt-get download -qq prometheus)
  dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool
  "${SUDO[@]}" install -D -m 0755 "$tmp/usr/bin/promtool" "$PROMTOOL"
fi
