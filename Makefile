# ClinicSync: `make run` and `make test` do all the set-up on a fresh Debian machine.

SWIFT ?= swift
CONFIG ?= Config/clinicsync.yaml
APT_PACKAGES = libsqlite3-dev libcurl4-openssl-dev sqlite3
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test bench clean

# Installs the system packages the build and tests need, only if one is missing.
deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

# Creates the local site on its embedded default (Config/clinicsync.yaml, ./data/local.sqlite)
# and shows what it holds.
run: build
	$(SWIFT) run clinicsync init --config $(CONFIG)
	$(SWIFT) run clinicsync appointment list --config $(CONFIG)

test: deps
	$(SWIFT) test

# Store throughput (release build); see the README's "Performance" section.
bench: deps
	$(SWIFT) run -c release clinicsync-benchmarks 20000

clean:
	rm -rf .build data
