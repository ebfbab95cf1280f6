#!/usr/bin/env bash
# End-to-end benchmark of s1-collector against the project's simulator and
# intake sink on 127.0.0.1. See bench/README.md.
#
#   bench/run.sh [--events N] [--gzip on|off|both] [--modes run,backfill,limit]
#                [--build-dir DIR] [--no-build] [--smoke] [--repeat K]
#   bench/run.sh --consoles 50 [--streams 2] [--seconds 60] [--warmup 20] [--interval 10]
#                [--live-rate 1] [--nofile N]
#
# The regime, for either form (default: plain HTTP, the simulator as fast as it
# can serve, API pages gzipped, the default corpus):
#   [--tls] [--api-pages-per-second R] [--api-gzip on|off] [--realistic]
# --tls: both doubles serve HTTPS with a certificate from a throwaway CA, which
# the collector trusts (ca_file); --api-pages-per-second R: the simulator answers
# at most R list pages a second; --api-gzip off: it never compresses them;
# --realistic: its less repetitive corpus. With any of them, a "regime:" line
# above the table says which regime was measured.
#
# COLLECTOR=PATH measures another s1-collector binary (e.g. a variant build).
# KEEP_LOG=FILE keeps the many-consoles collector log (timestamped lines).
# Figures come from /usr/bin/time -v (CPU user+sys, peak RSS, wall) and from the
# servers' own counters (/_sim/stats, /_sink/stats); nothing is timed inside a test.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=1000000
GZIP=on
MODES=limit,run,backfill
BUILD_DIR="$ROOT/build-bench"
BUILD=1
REPEAT=1
CONSOLES=0
SECONDS_STEADY=60
WARMUP=20
INTERVAL=10
LIVE_RATE=1
STREAMS=2
NOFILE=""
JOBS=${JOBS:-2}
TLS=off
API_PAGES_PER_SECOND=0
API_GZIP=on
DATA=default
REGIME_GIVEN=0

while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --gzip) GZIP=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --smoke) EVENTS=20000; shift ;;
    --consoles) CONSOLES=$2; shift 2 ;;
    --seconds) SECONDS_STEADY=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --live-rate) LIVE_RATE=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --nofile) NOFILE=$2; shift 2 ;;
    --tls) TLS=on; REGIME_GIVEN=1; shift ;;
    --api-pages-per-second) API_PAGES_PER_SECOND=$2; REGIME_GIVEN=1; shift 2 ;;
    --api-gzip) API_GZIP=$2; REGIME_GIVEN=1; shift 2 ;;
    --realistic) DATA=realistic; REGIME_GIVEN=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $STREAMS in 1|2|3) ;; *) echo "run.sh: --streams must be 1, 2 or 3" >&2; exit 2 ;; esac
if [ -n "$NOFILE" ] && ! [[ $NOFILE =~ ^[0-9]+$ ]]; then
  echo "run.sh: --nofile wants a number of descriptors" >&2
  exit 2
fi
if ! [[ $API_PAGES_PER_SECOND =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "run.sh: --api-pages-per-second wants a number >= 0 (0 = unpaced)" >&2
  exit 2
fi
case $API_GZIP in on|off) ;; *) echo "run.sh: --api-gzip must be on or off" >&2; exit 2 ;; esac

if [ "$BUILD" = 1 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DS1C_BUILD_TESTS=ON \
    -DS1C_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" -j"$JOBS" --target s1-collector s1-simulator intake-sink \
    limit-pipeline >/dev/null
fi
COLLECTOR=${COLLECTOR:-$(find "$BUILD_DIR/src/app" -maxdepth 1 -name s1-collector -type f | head -1)}
SIM="$BUILD_DIR/tests/sim/s1-simulator"
SINK="$BUILD_DIR/tests/sim/intake-sink"
LIMIT="$BUILD_DIR/bench/limit-pipeline"
for b in "$COLLECTOR" "$SIM" "$SINK"; do [ -x "$b" ] || { echo "run.sh: missing $b" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/s1c-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --tls: a throwaway CA and a certificate for 127.0.0.1 and localhost (RSA
# 2048, as most public certificates are), made with the openssl command.
SCHEME=http
TLS_ARGS=()
CURL_TLS=()
CA_JSON=""
if [ "$TLS" = on ]; then
  command -v openssl >/dev/null || { echo "run.sh: --tls needs the openssl command" >&2; exit 1; }
  tls="$WORK/tls"
  mkdir -p "$tls"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=s1c-bench-ca \
      -keyout "$tls/ca.key" -out "$tls/ca.pem"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
      "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
    openssl req -new -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$tls/server.key" \
      -out "$tls/server.csr"
    openssl x509 -req -days 1 -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
      -CAcreateserial -extfile "$tls/server.ext" -out "$tls/server.pem"
  } >"$tls/openssl.log" 2>&1 || { echo "run.sh: openssl failed:" >&2; cat "$tls/openssl.log" >&2; exit 1; }
  SCHEME=https
  TLS_ARGS=(--tls-cert "$tls/server.pem" --tls-key "$tls/server.key")
  CURL_TLS=(--cacert "$tls/ca.pem")
  CA_JSON=" \"ca_file\": \"$tls/ca.pem\","
fi
# How the simulator serves, beyond its corpus; only what differs from its
# defaults, so that a build from before these flags still runs the default.
SIM_REGIME_ARGS=()
[[ $API_PAGES_PER_SECOND =~ ^0+([.]0+)?$ ]] || SIM_REGIME_ARGS+=(--pages-per-second "$API_PAGES_PER_SECOND")
[ "$API_GZIP" = off ] && SIM_REGIME_ARGS+=(--gzip off)
[ "$DATA" = realistic ] && SIM_REGIME_ARGS+=(--realistic)
regime_note() {
  local pps=$API_PAGES_PER_SECOND
  [[ $pps =~ ^0+([.]0+)?$ ]] && pps=unpaced
  echo "regime: tls=$TLS api_pages_per_second=$pps api_gzip=$API_GZIP data=$DATA"
}

wait_port() {  # FILE -> prints the port
  for _ in $(seq 1 1200); do
    [ -s "$1" ] && { cat "$1"; return; }
    sleep 0.1
  done
  echo "run.sh: server did not start ($1)" >&2
  exit 1
}

# json_num BODY KEY: the first "KEY":<number> in BODY (flat enough for our stats).
json_num() { grep -o "\"$2\":[0-9]*" <<<"$1" | head -1 | cut -d: -f2; }
# stream_num BODY OBJECT STREAM: "OBJECT":{..."STREAM":N...}
stream_num() {
  local obj
  obj=$(grep -o "\"$2\":{[^}]*}" <<<"$1" | head -1)
  local n
  n=$(grep -o "\"$3\":[0-9]*" <<<"$obj" | head -1 | cut -d: -f2)
  echo "${n:-0}"
}

# time_field FILE NAME: a field of /usr/bin/time -v output.
time_field() { grep -F "$2" "$1" | head -1 | awk -F': ' '{print $2}'; }
wall_seconds() {  # h:mm:ss or m:ss.ss -> seconds
  awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }' <<<"$1"
}

load_note() { awk '{printf "load average %s %s %s", $1, $2, $3}' /proc/loadavg; }

start_servers() {  # ARGS for the simulator...
  "$SIM" --token bench-token --port-file "$WORK/sim.port" --threads "${SIM_THREADS:-16}" "$@" \
    "${SIM_REGIME_ARGS[@]}" "${TLS_ARGS[@]}" >/dev/null 2>"$WORK/sim.err" &
  PIDS+=($!)
  SIM_PID=$!
  "$SINK" --key bench-key=bench --out-dir "$WORK/sink" --discard --threads "${SIM_THREADS:-16}" \
    --port-file "$WORK/sink.port" "${TLS_ARGS[@]}" >/dev/null 2>"$WORK/sink.err" &
  PIDS+=($!)
  SINK_PID=$!
  SIM_PORT=$(wait_port "$WORK/sim.port")
  SINK_PORT=$(wait_port "$WORK/sink.port")
}

sim_stats() { curl -s "${CURL_TLS[@]}" "$SCHEME://127.0.0.1:$SIM_PORT/_sim/stats"; }
sink_stats() { curl -s "${CURL_TLS[@]}" "$SCHEME://127.0.0.1:$SINK_PORT/_sink/stats"; }

write_config() {  # FILE GZIP(true|false) STATE_DIR
  cat >"$1" <<EOF
{
  "state_dir": "$3",
  "log": {"level": "warn"},
  "defaults": {
    "intake_url": "$SCHEME://127.0.0.1:$SINK_PORT",$CA_JSON
    "intake_gzip": $2,
    "page_size": 1000,
    "start_from": "2025-12-31T00:00:00Z",
    "requests_per_second": 1000
  },
  "consoles": [
    {"name": "bench", "url": "$SCHEME://127.0.0.1:$SIM_PORT", "api_token": "bench-token",
     "intake_key": "bench-key",
     "streams": {"activities": {"enabled": true}, "threats": {"enabled": false}}}
  ]
}
EOF
}

ROWS=()
LIMIT_RATE=""
LIMIT_TLS=()
[ "$TLS" = on ] && LIMIT_TLS=(--cacert "$tls/ca.pem")
# measure NAME GZIP CMD...: runs CMD under /usr/bin/time -v and records one table row.
measure() {
  local name=$1 gz=$2
  shift 2
  local before_sim before_sink after_sim after_sink
  before_sim=$(sim_stats)
  before_sink=$(sink_stats)
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
    echo "run.sh: $name failed:" >&2
    tail -20 "$WORK/err.txt" >&2
    exit 1
  }
  after_sim=$(sim_stats)
  after_sink=$(sink_stats)
  local user sys rss wall
  user=$(time_field "$WORK/time.txt" "User time (seconds)")
  sys=$(time_field "$WORK/time.txt" "System time (seconds)")
  rss=$(time_field "$WORK/time.txt" "Maximum resident set size (kbytes)")
  wall=$(wall_seconds "$(time_field "$WORK/time.txt" "Elapsed (wall clock) time")")
  local served events bytes_in bytes_out decoded
  served=$(($(stream_num "$after_sim" events_served activities) - $(stream_num "$before_sim" events_served activities)))
  bytes_in=$(($(stream_num "$after_sim" bytes_served activities) - $(stream_num "$before_sim" bytes_served activities)))
  events=$(($(json_num "$after_sink" events) - $(json_num "$before_sink" events)))
  bytes_out=$(($(json_num "$after_sink" bytes_received) - $(json_num "$before_sink" bytes_received)))
  decoded=$(($(json_num "$after_sink" bytes_decoded) - $(json_num "$before_sink" bytes_decoded)))
  if [ "$name" != limit ] && [ "$events" != "$EVENTS" ]; then
    echo "run.sh: $name delivered $events events, expected $EVENTS" >&2
    exit 1
  fi
  # Throughput counts events fetched from the API: the limit pipeline posts a
  # prebuilt body per page, so its sink count is not the same thing.
  local row
  row=$(awk -v n="$name" -v gz="$gz" -v ev="$served" -v w="$wall" -v u="$user" -v s="$sys" \
    -v rss="$rss" -v bi="$bytes_in" -v bo="$bytes_out" -v dec="$decoded" -v lim="$LIMIT_RATE" '
    BEGIN {
      rate = w > 0 ? ev / w : 0
      cpu = u + s
      per_m = ev > 0 ? cpu * 1000000 / ev : 0
      ratio = bo > 0 ? dec / bo : 0
      vs = (n != "limit" && lim != "" && lim > 0) ? sprintf("%.0f%%", 100 * rate / lim) : "-"
      printf "%-10s %-4s %9d %7.2f %9.0f %7.2f %8.2f %8.1f %10.1f %10.1f %6.2f %7s|%.0f\n",
        n, gz, ev, w, rate, cpu, per_m, rss / 1024, bi / 1048576, bo / 1048576, ratio, vs, rate
    }')
  if [ "$name" = limit ]; then LIMIT_RATE=${row##*|}; fi
  ROWS+=("${row%|*}")
}

print_table() {
  echo
  [ "$REGIME_GIVEN" = 1 ] && regime_note
  local size="~1.15 KB"
  [ "$DATA" = realistic ] && size="~1.26 KB"
  echo "s1-collector benchmark: $EVENTS activities ($size each), $(nproc) cores, $(load_note) at the end"
  printf "%-10s %-4s %9s %7s %9s %7s %8s %8s %10s %10s %6s %7s\n" pipeline gzip events wall_s \
    events/s cpu_s cpu_s/1M rss_MB api_MB_in intake_MB ratio vs_limit
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "(cpu_s = user+sys of the pipeline process only; api_MB_in = wire bytes served by the"
  echo " simulator; intake_MB = wire bytes posted to the sink; ratio = decoded/wire intake bytes)"
}

# ---------------------------------------------------------------- throughput
if [ "$CONSOLES" = 0 ]; then
  start_servers --activities "$EVENTS" --threats 0 --alerts 0 --start 2026-01-01T00:00:00Z \
    --span-seconds 86400
  HAVE_BACKFILL=0
  if "$COLLECTOR" --help 2>&1 | grep -q '^ *backfill'; then HAVE_BACKFILL=1; fi
  case $GZIP in on) GZ_LIST="on" ;; off) GZ_LIST="off" ;; both) GZ_LIST="on off" ;; *) exit 2 ;; esac
  for gz in $GZ_LIST; do
    zflag=$([ "$gz" = on ] && echo true || echo false)
    LIMIT_RATE=""
    for rep in $(seq 1 "$REPEAT"); do
      if [[ ",$MODES," == *,limit,* ]] && [ -x "$LIMIT" ]; then
        measure limit "$gz" "$LIMIT" --api "$SCHEME://127.0.0.1:$SIM_PORT" --token bench-token \
          --intake "$SCHEME://127.0.0.1:$SINK_PORT" --key bench-key --gzip "$([ "$gz" = on ] && echo 1 || echo 0)" \
          --from 2025-12-31T00:00:00.000000Z "${LIMIT_TLS[@]}"
      fi
      if [[ ",$MODES," == *,run,* ]]; then
        state="$WORK/state-run-$gz-$rep"
        write_config "$WORK/run-$gz.json" "$zflag" "$state"
        measure run "$gz" "$COLLECTOR" run --once -c "$WORK/run-$gz.json"
      fi
      if [[ ",$MODES," == *,backfill,* ]] && [ "$HAVE_BACKFILL" = 1 ]; then
        state="$WORK/state-backfill-$gz-$rep"
        write_config "$WORK/backfill-$gz.json" "$zflag" "$state"
        measure backfill "$gz" "$COLLECTOR" backfill -c "$WORK/backfill-$gz.json" --console bench \
          --stream activities --from 2025-12-31T00:00:00Z --to 2026-01-03T00:00:00Z
      fi
    done
  done
  print_table
  [ "$HAVE_BACKFILL" = 1 ] || echo "(backfill: not measured, this s1-collector has no backfill command)"
  exit 0
fi

# ------------------------------------------------------------ many consoles
# N consoles x K streams (activities, then threats, then unified_alerts) in
# one process, all pointing at one live simulator; each console has its own
# name, so its own checkpoints.
STREAM_NAMES=(activities threats unified_alerts)
STREAM_NAMES=("${STREAM_NAMES[@]:0:$STREAMS}")
# The live feed runs through warm-up and steady state, then stops, so that
# what the sink received can be compared with what the simulator made.
LIVE_SECONDS=$((WARMUP + SECONDS_STEADY + 5))
SIM_T0=$(date +%s)
# Unified alerts gain live rows only when their corpus is not empty: one
# object (dated --start, long before the collector's start_from).
UAM_ARGS=(--unified-alerts 0)
[ "$STREAMS" = 3 ] && UAM_ARGS=(--unified-alerts 1)
# Each console holds at most one connection per stream to the simulator,
# plus its token-expiry probe, so up to (K+1)N <= 4N; the sink up to KN.
SIM_THREADS=$((CONSOLES * 4 + 16)) start_servers --activities 0 --threats 0 --alerts 0 \
  "${UAM_ARGS[@]}" --live-rate "$LIVE_RATE" --live-seconds "$LIVE_SECONDS"
# Every live row is new: the streams start a second before the live feed did.
START_FROM=$(date -u -d "@$((SIM_T0 - 1))" +%Y-%m-%dT%H:%M:%SZ)
{
  echo '{'
  echo "  \"state_dir\": \"$WORK/state-many\","
  echo '  "log": {"level": "info"},'
  echo "  \"defaults\": {\"intake_url\": \"$SCHEME://127.0.0.1:$SINK_PORT\", \"poll_interval_seconds\": $INTERVAL,$CA_JSON"
  echo "               \"start_from\": \"$START_FROM\"},"
  echo '  "consoles": ['
  streams_json=""
  for st in "${STREAM_NAMES[@]}"; do
    streams_json+="${streams_json:+, }\"$st\": {\"enabled\": true}"
  done
  # A stream left out keeps its default: activities and threats are on.
  [ "$STREAMS" = 1 ] && streams_json+=", \"threats\": {\"enabled\": false}"
  for i in $(seq 1 "$CONSOLES"); do
    sep=$([ "$i" -lt "$CONSOLES" ] && echo , || true)
    echo "    {\"name\": \"console-$i\", \"url\": \"$SCHEME://127.0.0.1:$SIM_PORT\", \"api_token\": \"bench-token\","
    echo "     \"intake_key\": \"bench-key\", \"streams\": {$streams_json}}$sep"
  done
  echo '  ]'
  echo '}'
} >"$WORK/many.json"
chmod 600 "$WORK/many.json"  # inline secrets: the loader warns otherwise

# --nofile N: the collector starts with soft RLIMIT_NOFILE N, its hard limit
# unchanged (as systemd starts a service: soft 1024, hard higher).
LIMIT_WRAP=()
[ -n "$NOFILE" ] && LIMIT_WRAP=(prlimit "--nofile=$NOFILE:" --)
# Each log line gets a receive timestamp (bash's $EPOCHREALTIME, microseconds).
"${LIMIT_WRAP[@]}" "$COLLECTOR" run -c "$WORK/many.json" 2>&1 >/dev/null | while IFS= read -r line; do
  echo "$EPOCHREALTIME $line"
done >"$WORK/many.log" &
sleep 1
COLLECTOR_PID=$(pgrep -n -f "run -c $WORK/many.json")
PIDS+=("$COLLECTOR_PID")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
now_us() { local t=$EPOCHREALTIME; NOW_US=${t//[.,]/}; }
# Peak threads and open descriptors, sampled once a second from /proc
# (bash builtins only: the sampling forks nothing).
PEAK_THREADS=0
PEAK_FDS=0
sample_until() {  # END_US
  while :; do
    local fds=(/proc/"$COLLECTOR_PID"/fd/*) k v rest
    [ -e "${fds[0]}" ] || { echo "run.sh: the collector exited, see its log:" >&2; tail -20 "$WORK/many.log" >&2; exit 1; }
    ((${#fds[@]} > PEAK_FDS)) && PEAK_FDS=${#fds[@]}
    while read -r k v rest; do
      [ "$k" = Threads: ] && { ((v > PEAK_THREADS)) && PEAK_THREADS=$v; break; }
    done <"/proc/$COLLECTOR_PID/status"
    now_us
    ((NOW_US < $1)) || return 0
    sleep 1
  done
}
now_us
sample_until $((NOW_US + WARMUP * 1000000))
t0=$(ticks "$COLLECTOR_PID")
w0=$EPOCHREALTIME
now_us
sample_until $((NOW_US + SECONDS_STEADY * 1000000))
t1=$(ticks "$COLLECTOR_PID")
w1=$EPOCHREALTIME
rss=$(awk '/VmHWM/ {print $2}' "/proc/$COLLECTOR_PID/status")
limits=$(awk '/Max open files/ {print $4 "/" $5}' "/proc/$COLLECTOR_PID/limits")

# Everything delivered? Once the live feed has stopped, every console must
# receive every live row of its streams once (all read the same simulator).
live_added() {
  local stats total=0 st
  stats=$(sim_stats)
  for st in "${STREAM_NAMES[@]}"; do total=$((total + $(stream_num "$stats" live_events_added "$st"))); done
  echo "$total"
}
# The feed stops about 5 s after the steady state; the last rows take up to
# one interval more. Waits until the feed has stopped and the sink has them
# all (at most S + 65 s).
expected=0
received=0
previous=-1
now_us
drain_end=$((NOW_US + (INTERVAL + 65) * 1000000))
while now_us && ((NOW_US < drain_end)); do
  added=$(live_added)
  expected=$((CONSOLES * added))
  received=$(json_num "$(sink_stats)" events)
  if [ "$added" = "$previous" ] && [ "$received" -ge "$expected" ]; then break; fi
  previous=$added
  sleep 1
done
kill -TERM "$COLLECTOR_PID"
sleep 2
hz=$(getconf CLK_TCK)
awk -v t0="$t0" -v t1="$t1" -v w0="$w0" -v w1="$w1" -v hz="$hz" -v rss="$rss" -v iv="$INTERVAL" \
  -v n="$CONSOLES" -v k="$STREAMS" -v names="${STREAM_NAMES[*]}" -v warm="$WARMUP" \
  -v rate="$LIVE_RATE" -v load="$(load_note)" -v threads="$PEAK_THREADS" -v fds="$PEAK_FDS" \
  -v limits="$limits" -v nofile="${NOFILE:-inherited}" -v expected="$expected" \
  -v received="$received" -v regime="$([ "$REGIME_GIVEN" = 1 ] && regime_note)" '
  /Delivered events\./ {
    key = ""
    for (i = 2; i <= NF; i++) if ($i ~ /^(console|stream)=/) key = key $i " "
    t = $1
    if (key in last && t > start + warm) {
      gap = t - last[key]
      if (gap > worst) { worst = gap; worst_key = key }
      ++gaps
    }
    last[key] = t
    seen[key] = 1
  }
  $2 ~ /^(warn|warning|error|critical)$/ {
    ++errors
    if (errors <= 3) first_errors = first_errors "  " $0 "\n"
  }
  /Too many open files/ { ++emfile }
  NR == 1 { start = $1 }
  END {
    streams = 0; for (kk in seen) ++streams
    cpu = (t1 - t0) / hz
    printf "\n"
    if (regime != "") print regime
    printf "%d consoles x %d streams (%s), poll_interval_seconds=%d, live rate %s rows/s per stream, %s\n",
      n, k, names, iv, rate, load
    printf "open-file limit soft/hard: started with %s soft, running with %s\n", nofile, limits
    printf "streams seen delivering: %d of %d; polls measured: %d\n", streams, k * n, gaps
    printf "steady-state CPU: %.2f s over %.1f s wall = %.2f%% of one core; peak RSS %.1f MB\n",
      cpu, w1 - w0, 100 * cpu / (w1 - w0), rss / 1024
    printf "peak threads %d, peak open descriptors %d (sampled once a second)\n", threads, fds
    if (rate * iv < 1)
      print "worst gap between two deliveries of one stream: not measured (fewer live rows than polls: a gap spans polls that found nothing; keep live rate x interval >= 1)"
    else if (gaps == 0)
      print "worst gap between two deliveries of one stream: not measured (no stream delivered twice after the warm-up)"
    else
      printf "worst gap between two deliveries of one stream: %.2f s = interval + %.2f s (%s)\n",
        worst, worst - iv, worst_key
    printf "delivered %d of %d live events (%s); log: %d warning/error lines, %d \"Too many open files\"\n",
      received, expected, received == expected ? "all, once" : (received > expected ? "DUPLICATES" : "INCOMPLETE"),
      errors, emfile
    if (errors > 0) printf "%s", first_errors
  }' "$WORK/many.log"
if [ -n "${KEEP_LOG:-}" ]; then cp "$WORK/many.log" "$KEEP_LOG"; fi
