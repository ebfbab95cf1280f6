#!/usr/bin/env bash
# Runs inside a clean debian:bookworm container (tests/packaging/install_test.sh):
# installs the package the way a user would, checks what it put where, runs
# check-config as the service user, removes and purges it. Then the same on a
# machine with systemd (the user made by systemd-sysusers, `systemd-analyze
# verify` and `security` on the installed unit). Any failed check exits 1.
#   in_container.sh DIR   DIR holds exactly one s1-collector_*.deb
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

cd "$1"
deb=$(echo s1-collector_*.deb)
[ -f "$deb" ] || { echo "FAIL: no s1-collector_*.deb in $1" >&2; exit 1; }

failures=0
step() { echo "---- $*"; }
ok() { echo "ok    $*"; }
fail() {
  echo "FAIL  $*" >&2
  failures=$((failures + 1))
}
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
# expect_file PATH OWNER:GROUP MODE (octal, as stat %a prints it)
expect_file() {
  local got
  if [ ! -e "$1" ]; then
    fail "$1 exists"
    return
  fi
  got="$(stat -c '%U:%G %a' "$1")"
  if [ "$got" = "$2 $3" ]; then ok "$1 $got"; else fail "$1 is $got, want $2 $3"; fi
}
expect_absent() {
  if [ -e "$1" ] || [ -L "$1" ]; then fail "$1 is gone"; else ok "$1 is gone"; fi
}
package_status() { dpkg-query -W -f='${db:Status-Abbrev}' s1-collector 2>/dev/null | tr -d ' '; }
# Every regular file and link the package ships, as absolute paths.
package_files() { dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}'; }

expect_user() {
  local entry
  entry=$(getent passwd s1-collector) || {
    fail "user s1-collector exists"
    return
  }
  IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
  check "user s1-collector is a system user (uid $uid < 1000)" test "$uid" -lt 1000
  check "its group is s1-collector" test "$(getent group "$gid" | cut -d: -f1)" = s1-collector
  check "its home is /var/lib/s1-collector" test "$home" = /var/lib/s1-collector
  check "it has no login shell ($shell)" test "$shell" = /usr/sbin/nologin
}

install_package() {
  step "apt-get install ./$deb"
  apt-get install -y -qq --no-install-recommends "./$deb" >/tmp/apt.log 2>&1 || {
    cat /tmp/apt.log >&2
    fail "apt-get install ./$deb"
    exit 1
  }
  grep -A3 "^s1-collector:" /tmp/apt.log || true  # the postinst's hint
  check "dpkg says installed" test "$(package_status)" = ii
}

expect_installed_files() {
  step "files, owners and modes"
  expect_file /usr/bin/s1-collector root:root 755
  expect_file /lib/systemd/system/s1-collector.service root:root 644
  expect_file /usr/lib/sysusers.d/s1-collector.conf root:root 644
  expect_file /usr/lib/tmpfiles.d/s1-collector.conf root:root 644
  expect_file /etc/s1-collector root:root 755
  expect_file /etc/s1-collector/config.json.example root:root 644
  expect_file /etc/s1-collector/credentials root:root 700
  expect_file /var/lib/s1-collector s1-collector:s1-collector 700
  expect_file /usr/share/doc/s1-collector/copyright root:root 644
  expect_file /usr/share/doc/s1-collector/changelog.gz root:root 644
  expect_file /usr/share/doc/s1-collector/operations.md root:root 644
  expect_file /usr/share/doc/s1-collector/monitoring/s1-collector.rules.yml root:root 644
  expect_file /usr/share/doc/s1-collector/monitoring/s1-collector.dashboard.json root:root 644
  check "ExecStart runs /usr/bin/s1-collector" \
    grep -qx 'ExecStart=/usr/bin/s1-collector run -c /etc/s1-collector/config.json' \
    /lib/systemd/system/s1-collector.service
  check "the unit runs as User=s1-collector" grep -qx 'User=s1-collector' \
    /lib/systemd/system/s1-collector.service
  check "config.json.example is a conffile" \
    grep -q '/etc/s1-collector/config.json.example' /var/lib/dpkg/info/s1-collector.conffiles
  check "no config.json was written" test ! -e /etc/s1-collector/config.json
  check "the service is not enabled" \
    test ! -e /etc/systemd/system/multi-user.target.wants/s1-collector.service
  check "s1-collector --version runs (shared libraries resolved)" s1-collector --version
  expect_user
}

# The example config, as an administrator would use it: secrets in
# /etc/s1-collector/credentials (root-only, handed over by LoadCredential=,
# copied here as systemd would), env secrets in the environment; checked as
# the service user.
check_config_as_service_user() {
  step "s1-collector check-config on the example, as the service user"
  install -m 0644 /etc/s1-collector/config.json.example /etc/s1-collector/config.json
  local secret
  for secret in eu-intake-key eu-inventory-intake-key us-lab-api-token; do
    (umask 077 && printf 'pkgtest-secret-%s' "$secret" >"/etc/s1-collector/credentials/$secret")
  done
  local creds=/run/credentials/s1-collector.service
  install -d -m 0500 -o s1-collector -g s1-collector "$creds"
  install -m 0400 -o s1-collector -g s1-collector /etc/s1-collector/credentials/* "$creds/"
  local out rc=0
  out=$(env CREDENTIALS_DIRECTORY="$creds" S1_TOKEN_EU=pkgtest-secret-token-eu \
    SEKOIA_KEY_S1_ALERTS=pkgtest-secret-alerts SEKOIA_INTAKE_KEY_US=pkgtest-secret-us \
    setpriv --reuid=s1-collector --regid=s1-collector --clear-groups \
    s1-collector check-config -c /etc/s1-collector/config.json 2>&1) || rc=$?
  echo "$out" | sed -n '1,4p'
  check "check-config exits 0 (got $rc)" test "$rc" = 0
  check "check-config says the file is valid" grep -q "is valid" <<<"$out"
  check "check-config prints no secret" bash -c '! grep -q pkgtest-secret <<<"$1"' _ "$out"
  rc=0
  setpriv --reuid=s1-collector --regid=s1-collector --clear-groups \
    s1-collector check-config -c /etc/s1-collector/config.json >/dev/null 2>&1 || rc=$?
  check "without its secrets check-config exits 78 (got $rc)" test "$rc" = 78
  rm -rf "$creds"
}

reinstall_keeps_edits() {
  step "reinstall: edited conffile and config.json are kept"
  echo '// edited by the administrator' >>/etc/s1-collector/config.json.example
  local before
  before=$(sha256sum /etc/s1-collector/config.json)
  apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold "./$deb" >/tmp/apt.log 2>&1 ||
    {
      cat /tmp/apt.log >&2
      fail "apt-get install --reinstall"
    }
  check "the edited config.json.example is kept" \
    grep -q 'edited by the administrator' /etc/s1-collector/config.json.example
  check "config.json is untouched" test "$(sha256sum /etc/s1-collector/config.json)" = "$before"
}

remove_and_purge() {
  step "apt-get remove"
  apt-get remove -y -qq s1-collector >/tmp/apt.log 2>&1 || {
    cat /tmp/apt.log >&2
    fail "apt-get remove"
  }
  check "dpkg says removed, config files left" test "$(package_status)" = rc
  expect_absent /usr/bin/s1-collector
  expect_absent /lib/systemd/system/s1-collector.service
  check "config.json stays" test -f /etc/s1-collector/config.json
  check "the state directory stays" test -d /var/lib/s1-collector

  step "apt-get purge"
  apt-get purge -y -qq s1-collector >/tmp/apt.log 2>&1 || {
    cat /tmp/apt.log >&2
    fail "apt-get purge"
  }
  check "dpkg no longer knows the package" bash -c '! dpkg-query -W s1-collector >/dev/null 2>&1'
  local f left=0
  for f in $(package_files); do
    if [ -e "$f" ] || [ -L "$f" ]; then
      fail "$f is still there after purge"
      left=1
    fi
  done
  [ "$left" = 1 ] || ok "no file of the package is left"
  expect_absent /var/lib/s1-collector
  # What the administrator wrote is theirs: purge leaves it, and nothing else.
  check "only the administrator's files stay in /etc/s1-collector" \
    test "$(cd /etc/s1-collector && find . -mindepth 1 | sort | tr '\n' ' ')" = \
    "./config.json ./credentials ./credentials/eu-intake-key ./credentials/eu-inventory-intake-key ./credentials/us-lab-api-token "
  rm -rf /etc/s1-collector
}

step "bookworm $(cat /etc/debian_version), no systemd"
apt-get update -qq
install_package
check "the user came from useradd (no systemd-sysusers here)" bash -c '! command -v systemd-sysusers'
expect_installed_files
check_config_as_service_user
reinstall_keeps_edits
remove_and_purge

step "the same with systemd installed"
userdel s1-collector  # a machine that never had the package
apt-get install -y -qq --no-install-recommends systemd >/dev/null 2>&1
install_package
expect_installed_files
step "systemd-analyze verify"
if out=$(systemd-analyze verify /lib/systemd/system/s1-collector.service 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify: no findings"
else
  echo "$out" >&2
  fail "systemd-analyze verify"
fi
step "systemd-analyze security"
out=$(systemd-analyze security --offline=true --no-pager /lib/systemd/system/s1-collector.service 2>&1 || true)
overall=$(grep 'Overall exposure level' <<<"$out" || true)
echo "$overall"
check "exposure is OK or better" grep -Eq ' (OK|SAFE|PERFECT)( |$)' <<<"$overall"
check_config_as_service_user
remove_and_purge

echo
if [ "$failures" -gt 0 ]; then
  echo "package test: $failures check(s) failed" >&2
  exit 1
fi
echo "package test: every check passed"
