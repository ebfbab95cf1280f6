#!/usr/bin/env bash
# See s1-collector work without a SentinelOne console: builds everything,
# starts the bundled SentinelOne simulator and a Sekoia intake sink on
# 127.0.0.1, runs `s1-collector run` until the simulator's backlog is
# delivered, prints what arrived, and stops everything cleanly.
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

echo "== Starting the SentinelOne simulator ($ACTIVITIES activities, $THREATS threats) and the intake sink"
"$BUILD_DIR/tests/sim/s1-simulator" --port 0 --port-file "$OUT/sim.port" --token demo-api-token \
  --activities "$ACTIVITIES" --threats "$THREATS" --seed 42 >"$OUT/simulator.log" 2>&1 &
pids+=($!)
"$BUILD_DIR/tests/sim/intake-sink" --port 0 --port-file "$OUT/sink.port" --key demo-intake-key=demo \
  --out-dir "$OUT/sink" >"$OUT/sink.log" 2>&1 &
pids+=($!)
wait_for_port "$OUT/sim.port"
wait_for_port "$OUT/sink.port"
SIM="http://127.0.0.1:$(cat "$OUT/sim.port")"
SINK="http://127.0.0.1:$(cat "$OUT/sink.port")"

umask 077  # The config holds the (demo) secrets inline.
cat >"$OUT/config.json" <<JSON
{
  // Written by scripts/demo.sh: one console (the simulator), one intake (the sink).
  "state_dir": "$OUT/state",
  "defaults": {"start_from": "2025-12-31T00:00:00Z", "poll_interval_seconds": 2},
  "consoles": [
    {
      "name": "demo",
      "url": "$SIM",
      "api_token": "demo-api-token",
      "intake_key": "demo-intake-key",
      "intake_url": "$SINK"
    }
  ]
}
JSON

expected=0
for stream in activities threats; do
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
echo "== What arrived at the intake"
for stream in activities threats; do
  n=$(curl -sf "$SIM/_sim/corpus?stream=$stream" | wc -l)
  # events_done in the stream's checkpoint: what the intake acknowledged.
  acked=$(tr -d ' \n' <"$OUT/state/demo/$stream.json" | sed -n 's/.*"events_done":\([0-9]*\).*/\1/p')
  echo "  $stream: $n served by the simulator, ${acked:-0} delivered and checkpointed"
done
echo "  delivered to the intake: $delivered events (expected $expected) in $(( (end - start) / 1000000 )) ms"
echo "  intake sink stats: $(curl -sf "$SINK/_sink/stats")"
echo
echo "== One delivered event (first line of $OUT/sink/demo.ndjson, first 400 bytes)"
head -n 1 "$OUT/sink/demo.ndjson" | cut -c1-400
echo
echo "== Checkpoints"
for f in "$OUT"/state/demo/*.json; do echo "  $f: $(tr -d ' \n' <"$f" | cut -c1-200)"; done
echo
echo "== Collector log: $OUT/collector.log (last lines)"
tail -n 5 "$OUT/collector.log"
[ "$delivered" -ge "$expected" ] || { echo "demo: not everything arrived" >&2; exit 1; }
echo
echo "Demo OK."
