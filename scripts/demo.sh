#!/usr/bin/env bash
# Three ClinicSync sites on one machine over mutual TLS: creates their identities with
# `clinicsync init`, writes data/demo/<site>.yaml from Config/demo/<site>.yaml with each peer's real
# fingerprint, and starts the three daemons (logs in data/demo/<site>.log). `scripts/demo.sh stop`
# stops them with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
SITES="downtown uptown westside"
BIN=.build/debug/clinicsync

if [ "${1:-}" = "stop" ]; then
  for site in $SITES; do pkill -TERM -f "serve --config data/demo/$site.yaml" || true; done
  exit 0
fi

[ -x "$BIN" ] || swift build
mkdir -p data/demo
for site in $SITES; do
  "$BIN" init --config "Config/demo/$site.yaml" >/dev/null
done
for site in $SITES; do
  python3 - "$site" "$BIN" $SITES <<'PY'
import json, subprocess, sys
site, binary, sites = sys.argv[1], sys.argv[2], sys.argv[3:]
prints = {}
for other in sites:
    shown = subprocess.run([binary, "identity", "show", "--json", "--config", f"Config/demo/{other}.yaml"],
                           check=True, capture_output=True, text=True).stdout
    prints[other] = json.loads(shown)["fingerprint"]
lines, peer = [], None
for line in open(f"Config/demo/{site}.yaml"):
    if line.strip().startswith("- name:"):
        peer = line.split(":", 1)[1].strip()
    if line.strip().startswith("fingerprint:") and peer:
        line = line.split("fingerprint:")[0] + "fingerprint: " + prints[peer] + "\n"
    lines.append(line.replace("../../data/demo/", ""))
open(f"data/demo/{site}.yaml", "w").write("".join(lines))
print(f"{site}: {prints[site]}")
PY
done
for site in $SITES; do
  "$BIN" serve --config "data/demo/$site.yaml" 2>"data/demo/$site.log" &
done
sleep 1
echo "Started. Try: $BIN status --config data/demo/uptown.yaml    (scripts/demo.sh stop to stop)"
