#!/usr/bin/env python3
"""Live sync latency: write-to-visible time in a three-site line A - B - C over mutual TLS on
127.0.0.1 (A and C are not peers: C sees A's writes only through B's relay), release build.

Each write is one appointment inserted into A's database by another program (Python's sqlite3;
the capture triggers record it as they would a write by clinicsync), at random gaps of 0.2-1.2 s.
The time from its commit to the row appearing at B (one hop) and at C (two hops) is read by polling
their databases read-only every 5 ms. The sync interval is an hour, so only live sync can explain a
delivery. Targets at the far end of the line (C): p50 under 1 s, p99 under 3 s.

Usage: scripts/bench-live-sync.py [writes]   (default 100; CLINICSYNC_BIN picks the binary)
"""
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("CLINICSYNC_BIN", os.path.join(ROOT, ".build/release/clinicsync")))
WRITES = int(sys.argv[1]) if len(sys.argv) > 1 else 100
SITES = {"a": 17520, "b": 17521, "c": 17522}
LINKS = {"a": ["b"], "b": ["a", "c"], "c": ["b"]}
ZERO = "sha256:" + "0" * 64


def config(work, site, fingerprints):
    peers = "".join(
        f"  - name: {peer}\n    url: https://127.0.0.1:{SITES[peer]}\n    fingerprint: {fingerprints.get(peer, ZERO)}\n"
        for peer in LINKS[site])
    fleet = "".join(f"  - site: {other}\n    fingerprint: {fingerprints.get(other, ZERO)}\n"
                    for other in SITES if other != site and other not in LINKS[site])
    path = os.path.join(work, f"{site}.yaml")
    with open(path, "w") as file:
        file.write(f"site:\n  id: {site}\n  database: {site}.sqlite\nserver:\n  listen: 127.0.0.1:{SITES[site]}\n"
                   f"metrics:\n  listen: 127.0.0.1:{SITES[site] + 100}\nconsole:\n  enabled: false\ncontrol:\n  socket: {site}.sock\n"
                   f"sync:\n  interval_seconds: 3600\ncompaction:\n  interval_seconds: 0\n"
                   f"peers:\n{peers}" + (f"fleet:\n{fleet}" if fleet else ""))
    return path


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    if not os.access(BIN, os.X_OK):
        subprocess.run(["swift", "build", "-c", "release", "--product", "clinicsync"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as work:
        fingerprints = {}
        for site in SITES:
            path = config(work, site, {})
            subprocess.run([BIN, "init", "--config", path], check=True, capture_output=True)
            shown = subprocess.run([BIN, "identity", "show", "--json", "--config", path], check=True, capture_output=True)
            fingerprints[site] = json.loads(shown.stdout)["fingerprint"]
        daemons = []
        try:
            for site in SITES:
                log = open(os.path.join(work, f"{site}.log"), "w")
                daemons.append(subprocess.Popen([BIN, "serve", "--config", config(work, site, fingerprints)], stderr=log))
            time.sleep(2)  # every daemon ready, and their first rounds (at start) done
            writer = sqlite3.connect(os.path.join(work, "a.sqlite"), timeout=10)
            readers = {site: sqlite3.connect(f"file:{os.path.join(work, site + '.sqlite')}?mode=ro", uri=True, timeout=10)
                       for site in ("b", "c")}
            latency = {"b": [], "c": []}
            for index in range(WRITES):
                time.sleep(random.uniform(0.2, 1.2))
                row = str(uuid.uuid4())
                writer.execute(
                    "INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status) "
                    "VALUES (?, ?, 'Bench Patient', 'T', 'a', '2026-12-01T09:30:00Z', 60, 4, 'scheduled')", (row, f"p{index}"))
                writer.commit()
                committed = time.perf_counter()
                pending = {"b", "c"}
                while pending:
                    for site in list(pending):
                        if readers[site].execute("SELECT 1 FROM appointments WHERE id = ?", (row,)).fetchone():
                            latency[site].append(time.perf_counter() - committed)
                            pending.discard(site)
                    if time.perf_counter() - committed > 30:
                        for site in SITES:
                            print(f"--- {site}.log (last lines)", file=sys.stderr)
                            print("".join(open(os.path.join(work, f"{site}.log")).readlines()[-8:]), file=sys.stderr)
                        sys.exit(f"write {index} did not reach {sorted(pending)} within 30 s: live sync is not working")
                    time.sleep(0.005)
        finally:
            for daemon in daemons:
                daemon.terminate()
            for daemon in daemons:
                daemon.wait(timeout=30)
    for site, hops in (("b", "one hop"), ("c", "two hops")):
        values = latency[site]
        print(f"write at A visible at {site.upper()} ({hops}): p50 {percentile(values, 0.5) * 1000:.0f} ms, "
              f"p99 {percentile(values, 0.99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms ({len(values)} writes)")
    far = latency["c"]
    met = percentile(far, 0.5) < 1 and percentile(far, 0.99) < 3
    print(f"targets at the far end (C): p50 < 1000 ms, p99 < 3000 ms: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
