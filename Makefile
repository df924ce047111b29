# `make test` is the one test command (README, CI): it installs what the tests
# need and is missing, then runs every test.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: test test-tools

test: test-tools
	cargo test --locked

# Chromium and its driver for the browser tests, Java and the Nu HTML Checker
# for the HTML validity test: installed only when missing.
test-tools:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v java >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver default-jre-headless; \
	fi
	@[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || npm ci --no-audit --no-fund
