#!/usr/bin/env bash
# Checks the unit file with systemd-analyze: `verify` (syntax, directives, the binary it runs) and
# the offline `security` exposure score. Uses the freshly built binary in place of /usr/local/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "verify.sh: systemd-analyze not found (apt-get install systemd)" >&2; exit 1; }
binary="$(pwd)/.build/debug/clinicsync"
[ -x "$binary" ] || swift build --product clinicsync
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/clinicsync#$binary#" systemd/clinicsync.service > "$work/clinicsync.service"
systemd-analyze verify "$work/clinicsync.service"
systemd-analyze security --offline=true --threshold=30 "$work/clinicsync.service" | tail -n 1
echo "systemd unit verified"
