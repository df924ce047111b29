# `make test` is the one test command (README, CI): it installs what the tests
# need and is missing, then runs every test.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: test test-tools

# Every SQL statement the integration suite (tests/app) runs is recorded
# here; tests/query_plans.rs, which cargo runs after it, explains each one
# against a generated archive and fails on a full scan of a large table (or
# when the log is missing or empty).
STATEMENT_LOG := $(CURDIR)/target/statements.log

test: test-tools
	@mkdir -p target && rm -f $(STATEMENT_LOG)
	NEWSDESK_STATEMENT_LOG=$(STATEMENT_LOG) cargo test --locked

# Chromium and its driver for the browser tests, Java and the Nu HTML Checker
# for the HTML validity test, axe-core for the accessibility test (both from
# npm, package-lock.json), Varnish (with vmod_xkey from varnish-modules) and
# Pushpin (with zurl, and condure rather than mongrel2: deploy/pushpin.conf
# names it) for the edge tests: installed only when missing. The edge tests
# start their own Varnish and Pushpin (deploy/run-edge.sh), so the services a
# fresh install starts are stopped and disabled: they would hold ports 6081,
# 7999 and 5560-5563, the defaults of deploy/run-edge.sh.
test-tools:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v java >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver default-jre-headless; \
	fi
	@[ -f node_modules/vnu-jar/build/dist/vnu.jar ] && [ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund
	@if ! command -v varnishd >/dev/null || ! command -v pushpin >/dev/null || ! command -v condure >/dev/null || \
		! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq varnish varnish-modules pushpin condure && \
		if [ -d /run/systemd/system ]; then \
			$(SUDO) systemctl disable --now varnish varnishncsa pushpin zurl >/dev/null 2>&1 || true; \
		else \
			for s in varnish pushpin zurl; do [ ! -x /etc/init.d/$$s ] || $(SUDO) /etc/init.d/$$s stop >/dev/null 2>&1 || true; done; \
		fi; \
	fi
