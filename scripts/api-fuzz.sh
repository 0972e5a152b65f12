#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a virtual environment under .build/) against a live daemon: the
# peer API over plain HTTP on loopback (as a configured peer, with its secret) and the control API
# (its Unix socket bridged to a loopback port). Fails on any 5xx, undocumented status, or answer
# that does not match docs/openapi.yaml. Usage: scripts/api-fuzz.sh [MAX_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-25}"
VENV=.build/schemathesis-venv
if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi
swift build --product clinicsync >/dev/null
BIN="$(swift build --show-bin-path)/clinicsync"

WORK="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PEER_PORT=$(free_port); METRICS_PORT=$(free_port); CONTROL_PORT=$(free_port); ABSENT_PORT=$(free_port)
SECRET="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
cat > "$WORK/clinicsync.yaml" <<YAML
site:
  id: target
  database: target.sqlite
server:
  listen: 127.0.0.1:$PEER_PORT
  plaintext: true
metrics:
  listen: 127.0.0.1:$METRICS_PORT
console:
  enabled: false
control:
  socket: control.sock
sync:
  interval_seconds: 3600
  timeout_seconds: 5
log:
  level: error
peers:
  - name: fuzzer
    url: http://127.0.0.1:$ABSENT_PORT
    secret: $SECRET
    fingerprint: sha256:0000000000000000000000000000000000000000000000000000000000000000
YAML
"$BIN" init --config "$WORK/clinicsync.yaml" >/dev/null
"$BIN" appointment add --config "$WORK/clinicsync.yaml" --patient-id p1 --patient-name Fuzz --therapist Sam \
    --starts-at 2026-12-01T09:30:00Z --minutes 60 >/dev/null
"$BIN" serve --config "$WORK/clinicsync.yaml" 2>"$WORK/serve.log" &
DAEMON=$!
python3 - "$WORK/control.sock" "$CONTROL_PORT" <<'PY' &
import asyncio, sys
async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
async def bridge(reader, writer):
    upstream_reader, upstream_writer = await asyncio.open_unix_connection(sys.argv[1])
    await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
async def main():
    server = await asyncio.start_server(bridge, "127.0.0.1", int(sys.argv[2]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
BRIDGE=$!
cleanup() { kill "$BRIDGE" 2>/dev/null || true; kill "$DAEMON" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$METRICS_PORT/ready" >/dev/null 2>&1 && break
    sleep 0.1
done

# positive_data_acceptance is left out: a well-formed request can still be refused on its meaning
# (a vector naming a site the callee never heard of, a change breaking a domain rule) with a 4xx.
COMMON=(--max-examples "$EXAMPLES" --seed 1 --checks all --exclude-checks positive_data_acceptance
        --request-timeout 10 --suppress-health-check all --output-truncate true)
status=0
# From the scratch directory: schemathesis keeps a cache (.schemathesis/) where it runs.
SPEC="$PWD/docs/openapi.yaml"
ST="$PWD/$VENV/bin/st"
(cd "$WORK" && "$ST" run "$SPEC" --url "http://127.0.0.1:$PEER_PORT" --include-tag peer \
    -H "Authorization: Bearer $SECRET" -H "ClinicSync-Site: fuzzer" "${COMMON[@]}") || status=1
(cd "$WORK" && "$ST" run "$SPEC" --url "http://127.0.0.1:$CONTROL_PORT" --include-tag control "${COMMON[@]}") || status=1
kill -0 "$DAEMON" 2>/dev/null || { echo "the daemon died:"; cat "$WORK/serve.log"; status=1; }
exit $status
