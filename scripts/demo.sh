#!/usr/bin/env bash
# See s1-collector work without a SentinelOne console: builds everything,
# starts the bundled SentinelOne simulator and a Sekoia intake sink on
# 127.0.0.1, runs `s1-collector run` until the simulator's backlog is
# delivered, prints what arrived per stream and per intake, and stops
# everything cleanly. Every stream is on; unified alerts go to their own
# intake key, as a Sekoia.io intake parses one format.
#   scripts/demo.sh [--activities N] [--threats N]
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIVITIES=20000
THREATS=500
while [ $# -gt 0 ]; do
  case "$1" in
    --activities) ACTIVITIES=$2; shift 2 ;;
    --threats) THREATS=$2; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--activities N] [--threats N]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target s1-collector s1-simulator intake-sink >/dev/null

OUT=$(pwd)/demo-out
rm -rf "$OUT"
mkdir -p "$OUT/state" "$OUT/sink"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_port() {  # FILE
  for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.05; done
  echo "demo: a server did not start; see $OUT/*.log" >&2; exit 1
}

STREAMS="activities threats alerts unified_alerts agents groups"
echo "== Starting the SentinelOne simulator ($ACTIVITIES activities, $THREATS threats, alerts,"
echo "   unified alerts, agents, groups) and the intake sink (two intake keys)"
"$BUILD_DIR/tests/sim/s1-simulator" --port 0 --port-file "$OUT/sim.port" --token demo-api-token \
  --activities "$ACTIVITIES" --threats "$THREATS" --alerts 200 --unified-alerts 400 --agents 300 \
  --groups 20 --seed 42 >"$OUT/simulator.log" 2>&1 &
pids+=($!)
"$BUILD_DIR/tests/sim/intake-sink" --port 0 --port-file "$OUT/sink.port" --key demo-intake-key=demo \
  --key demo-alerts-intake-key=demo-unified-alerts --out-dir "$OUT/sink" >"$OUT/sink.log" 2>&1 &
pids+=($!)
wait_for_port "$OUT/sim.port"
wait_for_port "$OUT/sink.port"
SIM="http://127.0.0.1:$(cat "$OUT/sim.port")"
SINK="http://127.0.0.1:$(cat "$OUT/sink.port")"

umask 077  # The config holds the (demo) secrets inline.
cat >"$OUT/config.json" <<JSON
{
  // Written by scripts/demo.sh: one console (the simulator), every stream,
  // unified alerts to their own intake key (the sink stands for both intakes).
  "state_dir": "$OUT/state",
  "defaults": {"start_from": "2025-12-31T00:00:00Z", "poll_interval_seconds": 2},
  "consoles": [
    {
      "name": "demo",
      "url": "$SIM",
      "api_token": "demo-api-token",
      "intake_key": "demo-intake-key",
      "intake_url": "$SINK",
      "streams": {
        "activities": {"enabled": true},
        "threats": {"enabled": true},
        "alerts": {"enabled": true},
        "unified_alerts": {"enabled": true, "intake_key": "demo-alerts-intake-key"},
        "agents": {"enabled": true},
        "groups": {"enabled": true}
      }
    }
  ]
}
JSON

expected=0
for stream in $STREAMS; do
  n=$(curl -sf "$SIM/_sim/corpus?stream=$stream" | wc -l)
  expected=$((expected + n))
done

echo "== Running: s1-collector run -c $OUT/config.json  (until $expected events are delivered)"
start=$(date +%s%N)
"$BUILD_DIR/src/app/s1-collector" run -c "$OUT/config.json" >"$OUT/collector.log" 2>&1 &
collector=$!
pids+=($collector)
delivered=0
for _ in $(seq 1 1200); do
  delivered=$({ cat "$OUT"/sink/*.ndjson 2>/dev/null || true; } | wc -l)
  [ "$delivered" -ge "$expected" ] && break
  sleep 0.1
done
end=$(date +%s%N)
kill -TERM "$collector"
wait "$collector" || { echo "demo: the collector exited with an error; see $OUT/collector.log" >&2; exit 1; }

echo
echo "== What arrived, per stream"
for stream in $STREAMS; do
  n=$(curl -sf "$SIM/_sim/corpus?stream=$stream" | wc -l)
  # events_done in the stream's checkpoint: what the intake acknowledged.
  acked=$(tr -d ' \n' <"$OUT/state/demo/$stream.json" | sed -n 's/.*"events_done":\([0-9]*\).*/\1/p')
  printf '  %-15s %6d served by the simulator, %6d delivered and checkpointed\n' "$stream:" "$n" "${acked:-0}"
done
echo
echo "== Per intake key"
for f in "$OUT"/sink/*.ndjson; do
  printf '  %-40s %6d events\n' "$(basename "$f")" "$(wc -l <"$f")"
done
echo "  delivered to the intake: $delivered events (expected $expected) in $(( (end - start) / 1000000 )) ms"
echo "  intake sink stats: $(curl -sf "$SINK/_sink/stats")"
echo
echo "== One delivered unified alert (first line of $OUT/sink/demo-unified-alerts.ndjson, first 400 bytes)"
head -n 1 "$OUT/sink/demo-unified-alerts.ndjson" | cut -c1-400
echo
echo "== Checkpoints"
for f in "$OUT"/state/demo/*.json; do echo "  $f: $(tr -d ' \n' <"$f" | cut -c1-200)"; done
echo
echo "== Collector log: $OUT/collector.log (last lines)"
tail -n 5 "$OUT/collector.log"
[ "$delivered" -ge "$expected" ] || { echo "demo: not everything arrived" >&2; exit 1; }
echo
echo "Demo OK."
