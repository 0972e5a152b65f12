#!/usr/bin/env bash
# Installs ClinicSync as a systemd service: release binary, unit, example configuration and the
# `clinicsync` system user. Safe to run again (an upgrade): it never overwrites the configuration,
# the database or the keys. Run as root from the repository: `make install`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo make install)" >&2; exit 1; }

# CLINICSYNC_BINARY installs an already built binary instead (e.g. one built on another machine).
binary=${CLINICSYNC_BINARY:-}
if [ -z "$binary" ]; then
  swift build -c release --product clinicsync
  binary=.build/release/clinicsync
fi
install -D -m 0755 "$binary" /usr/local/bin/clinicsync

getent group clinicsync >/dev/null || groupadd --system clinicsync
id -u clinicsync >/dev/null 2>&1 || useradd --system --gid clinicsync --home-dir /var/lib/clinicsync \
  --no-create-home --shell /usr/sbin/nologin --comment "ClinicSync daemon" clinicsync

install -d -m 0750 -o root -g clinicsync /etc/clinicsync
if [ ! -f /etc/clinicsync/clinicsync.yaml ]; then
  install -m 0640 -o root -g clinicsync Config/production.yaml /etc/clinicsync/clinicsync.yaml
  echo "Wrote /etc/clinicsync/clinicsync.yaml: set site.id (and peers) before starting."
fi
install -d -m 0700 -o clinicsync -g clinicsync /var/lib/clinicsync
install -D -m 0644 systemd/clinicsync.service /etc/systemd/system/clinicsync.service
install -D -m 0644 README.md /usr/local/share/doc/clinicsync/README.md
install -D -m 0644 docs/protocol.md /usr/local/share/doc/clinicsync/protocol.md
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
cat <<'NEXT'
Installed. Next:
  1. edit /etc/clinicsync/clinicsync.yaml (site.id, peers)
  2. sudo -u clinicsync clinicsync init --config /etc/clinicsync/clinicsync.yaml   # prints the fingerprint
  3. give that fingerprint to the other sites; put theirs under peers
  4. systemctl enable --now clinicsync && systemctl status clinicsync
NEXT
