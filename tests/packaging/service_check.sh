#!/usr/bin/env bash
# Runs inside a debian:bookworm container booted with systemd, the package
# installed (tests/packaging/install_test.sh): configures the service as an
# administrator would, against the SentinelOne simulator and the intake sink
# running on the host (host network), starts it with the installed unit and
# checks it works inside its sandbox: READY (Type=notify), /healthz, the user
# it runs as, the state files it writes, reload, a restart by an upgrade, a
# clean stop; then that a purge removes the enabled service.
#   service_check.sh SIM_URL SINK_URL
# Secrets come from an EnvironmentFile=: LoadCredential= needs POSIX ACLs on
# /run, which this sandbox's kernel does not give (a DynamicUser= unit fails
# the same way here), so it is not exercised.
set -euo pipefail
sim=$1
sink=$2

failures=0
ok() { echo "ok    $*"; }
fail() {
  echo "FAIL  $*" >&2
  failures=$((failures + 1))
}
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

# The image's policy-rc.d (made for `podman build`, where nothing may start)
# would keep the postinst from restarting the service: a booted host has none.
rm -f /usr/sbin/policy-rc.d

cat >/etc/s1-collector/config.json <<EOF
{
  "state_dir": "/var/lib/s1-collector",
  "metrics": {"listen": "127.0.0.1:0"},
  "defaults": {"start_from": "2025-12-31T00:00:00Z", "poll_interval_seconds": 2},
  "consoles": [{"name": "lab", "url": "$sim", "intake_url": "$sink",
    "api_token": {"env": "S1_TOKEN_LAB"}, "intake_key": {"env": "SEKOIA_KEY_LAB"}}]
}
EOF
(umask 077 && printf 'S1_TOKEN_LAB=pkgtest-token\nSEKOIA_KEY_LAB=pkgtest-intake-key\n' \
  >/etc/s1-collector/credentials/env)
mkdir -p /etc/systemd/system/s1-collector.service.d
printf '[Service]\nEnvironmentFile=/etc/s1-collector/credentials/env\n' \
  >/etc/systemd/system/s1-collector.service.d/secrets.conf
systemctl daemon-reload

echo "---- systemctl enable --now s1-collector"
check "systemctl enable --now returns once the daemon is READY" systemctl enable --now s1-collector
check "the service is active" systemctl is-active --quiet s1-collector
port=""
for _ in $(seq 1 100); do
  port=$(journalctl -u s1-collector -o cat --no-pager |
    sed -n 's/.*Metrics server listening. address=127\.0\.0\.1:\([0-9]*\).*/\1/p' | tail -1)
  [ -n "$port" ] && break
  sleep 0.1
done
healthy=0
for _ in $(seq 1 60); do
  if s1-collector healthcheck --url "http://127.0.0.1:${port:-9}/healthz" >/dev/null 2>&1; then
    healthy=1
    break
  fi
  sleep 0.5
done
check "/healthz answers 200 (port ${port:-none})" test "$healthy" = 1
systemctl status s1-collector --no-pager 2>&1 | sed -n '1,8p'
check "it runs as s1-collector" test "$(ps -o uid= -C s1-collector | tr -d ' ')" = "$(id -u s1-collector)"
forwarded=0
for _ in $(seq 1 60); do
  forwarded=$(curl -s "http://127.0.0.1:${port:-9}/metrics" |
    awk '/^s1c_events_forwarded_total\{/ {n += $2} END {print n + 0}')
  [ "$forwarded" -gt 0 ] && break
  sleep 0.5
done
check "events are forwarded ($forwarded)" test "$forwarded" -gt 0
check "its checkpoints are s1-collector's, mode 0600" \
  test "$(stat -c '%U %a' /var/lib/s1-collector/lab/activities.json 2>&1)" = "s1-collector 600"
check "systemctl reload (SIGHUP) keeps it running" \
  bash -c 'systemctl reload s1-collector && sleep 1 && systemctl is-active --quiet s1-collector'
echo "---- upgrade while it runs (apt-get install --reinstall)"
pid_before=$(systemctl show -P MainPID s1-collector)
check "apt-get install --reinstall" bash -c \
  'cd /pkg && apt-get install -y -qq --reinstall ./s1-collector_*.deb >/tmp/apt.log 2>&1'
check "the postinst restarted the running service" \
  bash -c "systemctl is-active --quiet s1-collector && [ \"\$(systemctl show -P MainPID s1-collector)\" != $pid_before ]"
check "systemctl stop" systemctl stop s1-collector
check "it exited 0" test "$(systemctl show -P ExecMainStatus s1-collector)" = 0
journalctl -u s1-collector -o cat --no-pager | tail -4

echo "---- apt-get purge of the enabled service"
check "apt-get purge" bash -c 'apt-get purge -y -qq s1-collector >/tmp/apt.log 2>&1'
check "the link of systemctl enable is gone" \
  test ! -e /etc/systemd/system/multi-user.target.wants/s1-collector.service
check "the state directory is gone" test ! -e /var/lib/s1-collector
check "systemd no longer knows the unit" \
  bash -c '[ "$(systemctl show -P LoadState s1-collector)" = not-found ]'

if [ "$failures" -gt 0 ]; then
  journalctl -u s1-collector -o cat --no-pager >&2
  echo "service check: $failures check(s) failed" >&2
  exit 1
fi
echo "service check: every check passed"
