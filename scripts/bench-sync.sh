#!/usr/bin/env bash
# Sync of N appointments (10 field changes each, one change-log entry each) from one site's daemon
# to an empty site over mutual TLS on 127.0.0.1, release build: changes/s, bytes on the wire
# against the gzip size of the same rows as JSON lines, peak memory of both processes. Then the
# source's log is grown to M entries and `status` and a /metrics scrape are timed.
# Usage: scripts/bench-sync.sh [appointments] [log entries]   (defaults 100000 and 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
M=${2:-1000000}
BIN=$(realpath "${CLINICSYNC_BIN:-.build/release/clinicsync}")
[ -x "$BIN" ] || swift build -c release --product clinicsync
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT_A=17420; PORT_B=17421; METRICS_A=17430; METRICS_B=17431

config() { # site port metrics peer peer_port peer_fingerprint
  cat > "$WORK/$1.yaml" <<YAML
site:
  id: $1
  database: $1.sqlite
server:
  listen: 127.0.0.1:$2
metrics:
  listen: 127.0.0.1:$3
console:
  enabled: false
control:
  socket: $1.sock
sync:
  interval_seconds: 86400
  batch_changes: 5000
compaction:
  interval_seconds: 0
peers:
  - name: $4
    url: https://127.0.0.1:$5
    fingerprint: ${6:-sha256:0000000000000000000000000000000000000000000000000000000000000000}
YAML
}
fingerprint() { "$BIN" identity show --json --config "$WORK/$1.yaml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])'; }

config source $PORT_A $METRICS_A sink $PORT_B
config sink $PORT_B $METRICS_B source $PORT_A
"$BIN" init --config "$WORK/source.yaml" >/dev/null
"$BIN" init --config "$WORK/sink.yaml" >/dev/null
SOURCE_FP=$(fingerprint source); SINK_FP=$(fingerprint sink)
config source $PORT_A $METRICS_A sink $PORT_B "$SINK_FP"
config sink $PORT_B $METRICS_B source $PORT_A "$SOURCE_FP"

python3 - "$WORK/source.sqlite" "$N" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
rows = [(str(uuid.uuid4()), f"p{i % 500}", f"Patient {i % 500}", f"Therapist {i % 7}", "source",
         "2026-12-01T09:30:00Z", 60, 4, "scheduled", f"note {i}" if i % 3 == 0 else None) for i in range(int(sys.argv[2]))]
db.executemany("INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status, notes) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
PY
sqlite3 -json "$WORK/source.sqlite" "SELECT * FROM appointments" \
  | python3 -c 'import json,sys; [print(json.dumps(r, separators=(",", ":"))) for r in json.load(sys.stdin)]' \
  | gzip -c | wc -c > "$WORK/gzip-bytes"
"$BIN" serve --config "$WORK/source.yaml" 2>"$WORK/source.log" &
SOURCE_PID=$!
sleep 1

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
source_peak=$(awk '/VmHWM/ {print $2}' /proc/$SOURCE_PID/status)
python3 - "$WORK/report.json" "$start" "$end" "$(cat "$WORK/gzip-bytes")" "$peak" "$source_peak" <<'PY'
import json, sys
peer = json.load(open(sys.argv[1]))["peers"][0]
seconds = float(sys.argv[3]) - float(sys.argv[2])
fields = peer["received"] * 10
gzip_bytes = int(sys.argv[4])
print(f"sync over mutual TLS: {peer['received']:,} changes ({fields:,} field changes) in {seconds:.2f} s "
      f"= {fields / seconds:,.0f} field changes/s (target: 1,000,000 in under 20 s)")
print(f"bytes on the wire (bodies received): {peer['bytes_in']:,} vs {gzip_bytes:,} for the rows as gzip JSON lines "
      f"= ratio {peer['bytes_in'] / gzip_bytes:.2f} (target <= 1.5)")
print(f"peak RSS: syncing process {int(sys.argv[5]) / 1024:.0f} MB, serving daemon {int(sys.argv[6]) / 1024:.0f} MB (target < 200 MB each)")
PY

# Grow the source's log to M entries (single-field updates, as front-desk edits would be).
python3 - "$WORK/source.sqlite" "$N" "$M" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rounds = max(0, (int(sys.argv[3]) - int(sys.argv[2])) // int(sys.argv[2]))
for r in range(rounds):
    db.execute("UPDATE appointments SET notes = ? || id", (f"round {r} ",))
    db.commit()
print(f"source log: {db.execute('SELECT COUNT(*) FROM change_log').fetchone()[0]:,} entries")
PY
python3 - "$BIN" "$WORK/source.yaml" "$METRICS_A" <<'PY'
import subprocess, sys, time, urllib.request
def best(f, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times), sorted(times)[n // 2]
status = best(lambda: subprocess.run([sys.argv[1], "status", "--config", sys.argv[2]], check=True, capture_output=True))
scrape = best(lambda: urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[3]}/metrics").read())
print(f"clinicsync status: best {status[0] * 1000:.0f} ms, median {status[1] * 1000:.0f} ms (target < 200 ms)")
print(f"/metrics scrape: best {scrape[0] * 1000:.0f} ms, median {scrape[1] * 1000:.0f} ms (target < 50 ms)")
PY
