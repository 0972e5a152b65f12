#!/usr/bin/env bash
# Measures a sync of N appointments (10 changes each) from one site to another on loopback:
# changes per second and bytes on the wire, with and without gzip. Uses the release binary and
# plain HTTP (loopback only) so that the figures are the protocol's, not TLS's.
# Usage: scripts/bench-sync.sh [appointments]   (default 10000, i.e. 100,000 changes)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
BIN=${CLINICSYNC_BIN:-.build/release/clinicsync}
[ -x "$BIN" ] || swift build -c release --product clinicsync
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT_A=17420
PORT_B=17421

config() { # site port peer peer_port compression
  cat > "$WORK/$1.yaml" <<YAML
site:
  id: $1
  database: $1.sqlite
server:
  listen: 127.0.0.1:$2
  plaintext: true
control:
  socket: $1.sock
sync:
  interval_seconds: 86400
  compression: $5
peers:
  - name: $3
    url: http://127.0.0.1:$4
YAML
}

config source $PORT_A sink $PORT_B true
"$BIN" init --config "$WORK/source.yaml" >/dev/null
python3 - "$WORK/source.sqlite" "$N" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
rows = [(str(uuid.uuid4()), f"p{i % 500}", f"Patient {i % 500}", f"Therapist {i % 7}", "source",
         "2026-12-01T09:30:00Z", 60, 4, "scheduled", f"note {i}" if i % 3 == 0 else None) for i in range(int(sys.argv[2]))]
db.executemany("INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status, notes) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
PY
"$BIN" changes --config "$WORK/source.yaml" --limit 1 >/dev/null   # stamps the captured writes
"$BIN" serve --config "$WORK/source.yaml" 2>"$WORK/source.log" &
SOURCE_PID=$!
sleep 1

for compression in true false; do
  rm -f "$WORK"/sink.sqlite*
  config sink $PORT_B source $PORT_A $compression
  "$BIN" init --config "$WORK/sink.yaml" >/dev/null
  start=$(date +%s.%N)
  "$BIN" sync now --json --config "$WORK/sink.yaml" > "$WORK/report.json" &
  SINK_PID=$!
  peak=0
  while kill -0 $SINK_PID 2>/dev/null; do   # the syncing process's peak resident memory, sampled
    rss=$(awk '/VmHWM/ {print $2}' /proc/$SINK_PID/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.2
  done
  wait $SINK_PID
  end=$(date +%s.%N)
  echo "peak memory of the syncing process: ${peak} KiB; serving daemon: $(awk '/VmHWM/ {print $2}' /proc/$SOURCE_PID/status) KiB"
  python3 - "$WORK/report.json" "$start" "$end" "$compression" <<'PY'
import json, sys
peer = json.load(open(sys.argv[1]))["peers"][0]
seconds = float(sys.argv[3]) - float(sys.argv[2])
print(f"compression={sys.argv[4]:5}  changes={peer['received']}  seconds={seconds:.2f}  "
      f"changes/s={peer['received'] / seconds:,.0f}  bytes_in={peer['bytes_in']:,}  "
      f"bytes/change={peer['bytes_in'] / max(1, peer['received']):.1f}")
PY
done
