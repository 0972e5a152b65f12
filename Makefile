# ClinicSync: `make run` and `make test` do all the set-up on a fresh Debian machine.

SWIFT ?= swift
CONFIG ?= Config/clinicsync.yaml
APT_PACKAGES = libsqlite3-dev libcurl4-openssl-dev sqlite3 zlib1g-dev python3 python3-venv curl
BROWSER_PACKAGES = chromium chromium-driver
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test browser-test screenshots check-imports format api-fuzz verify-unit install bench bench-sync bench-live-sync clean

# Installs the system packages the build and tests need, only if one is missing.
deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

# Runs the site daemon on its embedded default (Config/clinicsync.yaml: ./data/local.sqlite,
# peer API on 127.0.0.1:7420, no peers) until Ctrl-C.
run: build
	$(SWIFT) run clinicsync init --config $(CONFIG)
	$(SWIFT) run clinicsync serve --config $(CONFIG)

# The layering check first (each target imports only what Package.swift declares for it; SwiftPM's
# own check, also on, lets a transitive dependency through), the formatting check, then every test.
test: deps
	scripts/check-imports.py
	scripts/check-format.sh
	$(SWIFT) test --explicit-target-dependency-import-check error
	scripts/api-fuzz.sh 25
	$(MAKE) browser-test

# The console in headless Chromium (Debian's chromium and chromium-driver; Selenium from PyPI).
browser-test: deps
	@if ! dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing $(BROWSER_PACKAGES)"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(BROWSER_PACKAGES); \
	fi
	@test -f .build/browser-venv/.selenium || { python3 -m venv .build/browser-venv && .build/browser-venv/bin/pip install --quiet --disable-pip-version-check 'selenium>=4.15,<5' && touch .build/browser-venv/.selenium; }
	.build/browser-venv/bin/python scripts/browser-test.py

# Renews the README's screenshots of the console (the browser test, writing to docs/screenshots).
screenshots:
	SCREENSHOTS=docs/screenshots $(MAKE) browser-test

check-imports:
	scripts/check-imports.py

# Rewrites the sources as swift-format would have them (scripts/check-format.sh checks it).
format:
	$(SWIFT) format -i -r -p Sources Tests Package.swift

# schemathesis (from PyPI, into .build/schemathesis-venv) against a live daemon's peer and control
# APIs, checked against docs/openapi.yaml. More examples: `make api-fuzz EXAMPLES=500`.
EXAMPLES ?= 100
api-fuzz: deps
	scripts/api-fuzz.sh $(EXAMPLES)

# systemd-analyze verify and the offline security score of systemd/clinicsync.service.
verify-unit: deps
	systemd/verify.sh

# Installs the service (as root): release binary, unit, /etc/clinicsync, the clinicsync user.
install: deps
	systemd/install.sh

# Store throughput (release build); see the README's "Performance" section.
bench: deps
	$(SWIFT) run -c release clinicsync-benchmarks 100000 100000

# Sync throughput and bytes on the wire between two sites on loopback (100,000 changes).
bench-sync: deps
	scripts/bench-sync.sh 100000 1000000

# Live sync: write-to-visible latency in a three-site line (p50 and p99 at each hop).
bench-live-sync: deps
	scripts/bench-live-sync.py 100

clean:
	rm -rf .build data
