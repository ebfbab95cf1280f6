#!/usr/bin/env bash
# The Debian package tested as a user would use it, in two stages:
#  1. install: `apt-get install ./s1-collector_<version>_<arch>.deb` in a clean
#     debian:bookworm container, then the files, owners and modes, the user,
#     check-config as that user, systemd-analyze verify and security, remove
#     and purge; without systemd, then with it (tests/packaging/in_container.sh
#     says every check).
#  2. service: the same image, package installed, booted with systemd as PID 1;
#     the installed unit runs the daemon against the simulator and the intake
#     sink started here (tests/packaging/service_check.sh). Needs them built
#     (BUILD_DIR/tests/sim); skipped, saying so, when they are not.
#   tests/packaging/install_test.sh [DEB]   default: the newest BUILD_DIR/s1-collector_*.deb
#   BUILD_DIR=dir                           default: build
# Needs root and podman (scripts/install-deps.sh --container). Without them it
# says so and exits 77 (skipped). Where ../shared/tools/container-build.sh
# exists (this project's machines: no Docker engine, no registry; it makes the
# debian:bookworm image from Debian's mirror) it builds the image; elsewhere
# plain `podman build`, which needs debian:bookworm.
set -euo pipefail
cd "$(dirname "$0")/../.."

SKIP=77
BUILD_DIR=${BUILD_DIR:-build}
deb=${1:-$(ls -t "$BUILD_DIR"/s1-collector_*.deb 2>/dev/null | head -1 || true)}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "install_test: no package in $BUILD_DIR; build it with scripts/package.sh" >&2
  exit 1
fi
if ! command -v podman >/dev/null; then
  echo "install_test: SKIPPED: podman is not installed (scripts/install-deps.sh --container)"
  exit "$SKIP"
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_test: SKIPPED: needs root (podman runs rootful here)"
  exit "$SKIP"
fi

shared_build=../shared/tools/container-build.sh
PODMAN=(podman)
RUN_FLAGS=(--network host)
if [ -f "$shared_build" ] || [ ! -d /run/systemd/system ]; then
  # The flags ../shared/tools/container-run.sh uses on a host without
  # systemd (this one, most CI runners): cgroupfs, crun refuses its cgroup
  # layout, podman's default limits are above the host's.
  PODMAN=(podman --cgroup-manager cgroupfs --events-backend file)
  nproc_limit=$(ulimit -Hu)
  if [ "$nproc_limit" = unlimited ] || [ "$nproc_limit" -gt 32768 ]; then nproc_limit=32768; fi
  RUN_FLAGS+=(--runtime runc --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)"
    --ulimit "nproc=$nproc_limit:$nproc_limit")
fi

tag=localhost/s1-collector-package-test:$$
name=s1c-package-test-$$
context=$(mktemp -d)
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  "${PODMAN[@]}" rm -f "$name" >/dev/null 2>&1 || true
  [ -n "${KEEP_IMAGE:-}" ] || "${PODMAN[@]}" rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$context"
}
trap cleanup EXIT

echo "install_test: stage 1, $(basename "$deb") in a clean debian:bookworm container"
cp "$deb" tests/packaging/in_container.sh "$context/"
cat >"$context/Containerfile" <<'EOF'
FROM debian:bookworm
COPY . /pkg
RUN bash /pkg/in_container.sh /pkg
# For stage 2: installed again, booted with systemd.
RUN cd /pkg && apt-get install -y -qq --no-install-recommends curl ./s1-collector_*.deb >/dev/null
CMD ["/lib/systemd/systemd"]
EOF
# Without the shared tool and with no registry (CI), make debian:bookworm
# once from the host's Debian mirror, as the shared tool does.
base_image() {
  "${PODMAN[@]}" image exists docker.io/library/debian:bookworm && return 0
  command -v debootstrap >/dev/null || return 1
  local mirror root
  mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "install_test: making the debian:bookworm base image from $mirror (debootstrap, once)"
  root=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$context/debootstrap.log" 2>&1 &&
    tar -C "$root" -c . | "${PODMAN[@]}" import - docker.io/library/debian:bookworm >/dev/null
  local rc=$?
  rm -rf "$root"
  return $rc
}

# --no-cache: every run installs for real, even when nothing changed.
if [ -f "$shared_build" ]; then
  bash "$shared_build" "$context" "$context/Containerfile" "$tag" -- --no-cache
elif base_image; then
  "${PODMAN[@]}" build --network host --no-cache -f "$context/Containerfile" -t "$tag" "$context"
else
  echo "install_test: SKIPPED: no debian:bookworm image, and it could not be made with debootstrap"
  tail -5 "$context/debootstrap.log" 2>/dev/null || true
  exit "$SKIP"
fi

sim_bin=$BUILD_DIR/tests/sim/s1-simulator
sink_bin=$BUILD_DIR/tests/sim/intake-sink
if [ ! -x "$sim_bin" ] || [ ! -x "$sink_bin" ]; then
  echo "install_test: stage 2 SKIPPED: $sim_bin and $sink_bin are not built (scripts/test.sh builds them)"
  echo "install_test: passed (stage 1)"
  exit 0
fi
echo "install_test: stage 2, the installed unit under systemd"
"$sim_bin" --port 0 --port-file "$context/sim.port" --token pkgtest-token --seed 9 \
  --activities 500 --threats 50 >"$context/sim.log" 2>&1 &
pids+=($!)
"$sink_bin" --port 0 --port-file "$context/sink.port" --key pkgtest-intake-key=pkgtest \
  --out-dir "$context/sink" >"$context/sink.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  [ -s "$context/sim.port" ] && [ -s "$context/sink.port" ] && break
  sleep 0.1
done
"${PODMAN[@]}" run -d --name "$name" "${RUN_FLAGS[@]}" --systemd=always --privileged "$tag" >/dev/null
state=""
for _ in $(seq 1 120); do
  state=$("${PODMAN[@]}" exec "$name" systemctl is-system-running 2>/dev/null || true)
  case "$state" in running | degraded) break ;; esac
  sleep 0.5
done
case "$state" in
  running | degraded) ;;
  *)
    echo "install_test: stage 2 SKIPPED: systemd did not boot in the container (state: ${state:-none})"
    "${PODMAN[@]}" logs "$name" 2>&1 | tail -20
    echo "install_test: passed (stage 1)"
    exit 0
    ;;
esac
"${PODMAN[@]}" exec -i "$name" bash -s -- "http://127.0.0.1:$(cat "$context/sim.port")" \
  "http://127.0.0.1:$(cat "$context/sink.port")" <tests/packaging/service_check.sh
received=$(cat "$context"/sink/*.ndjson 2>/dev/null | wc -l)
if [ "$received" -eq 0 ]; then
  echo "install_test: FAIL: the intake sink received nothing" >&2
  exit 1
fi
echo "install_test: the intake sink received $received events"
echo "install_test: passed"
