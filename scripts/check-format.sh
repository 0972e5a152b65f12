#!/usr/bin/env bash
# Formatting, checked in `make test`: swift-format (the toolchain's, with .swift-format) finds
# nothing to change, and no Swift line is longer than 150 columns (swift-format does not break
# string literals, so they are checked here too). `swift format -i -r -p Sources Tests Package.swift`
# fixes what it can.
set -euo pipefail
cd "$(dirname "$0")/.."
${SWIFT:-swift} format lint --strict --parallel --recursive Sources Tests Package.swift
long=$(find Sources Tests Package.swift -name '*.swift' -print0 | xargs -0 awk 'length > 150 { printf "%s:%d: %d columns\n", FILENAME, FNR, length }')
if [ -n "$long" ]; then
  echo "$long" >&2
  echo "lines over 150 columns: split them (a long string literal as \"...\" + \"...\")" >&2
  exit 1
fi
echo "format ok: swift-format finds nothing to change, no line over 150 columns"
