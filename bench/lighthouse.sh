#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, Debian's Chromium) on the reader's pages
# of the demo site, as a phone on a slow network meets them (Lighthouse's
# default mobile preset, simulated throttling): performance, accessibility,
# best practices and SEO, each out of 100. One row per page, judged on its
# lowest score (target 100); every audit that cost a point goes to stderr.
# Loopback only.
#
#   bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18487}
# 13.x needs a newer Node than Debian's.
LIGHTHOUSE_VERSION=12.2.3
LIGHTHOUSE_DIR=$BENCH_DATA/lighthouse-$LIGHTHOUSE_VERSION
LIGHTHOUSE=$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse

if ! command -v chromium >/dev/null; then
    echo "installing Chromium (Debian package)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x "$LIGHTHOUSE" ]; then
    echo "installing lighthouse@$LIGHTHOUSE_VERSION (npm) into $LIGHTHOUSE_DIR" >&2
    npm install --no-audit --no-fund --prefix "$LIGHTHOUSE_DIR" "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi
build --bin newsdesk

TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT
start_server "$PORT" "sqlite://$TMP/bench.db" --media "$TMP/media"
SITE=http://127.0.0.1:$PORT

# The pages a reader meets, from the demo content (content/).
PAGES=(
    "front page|/"
    "live story page|/news/junior-doctors-strike-live"
    "story page opening with a photo|/news/pickets-at-calderdale-royal-hospital"
    "topic page|/topics/calderdale"
    "search results|/search?q=picket"
)

echo "| measure | newsdesk | reference | ratio | target |"
echo "| --- | --- | --- | --- | --- |"
for page in "${PAGES[@]}"; do
    name=${page%%|*} path=${page#*|}
    curl -fsS -o /dev/null "$SITE$path"
    CHROME_PATH=$(command -v chromium) "$LIGHTHOUSE" "$SITE$path" --quiet \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking --disable-component-update --no-first-run --disable-sync --user-data-dir=$TMP/profile" \
        --output=json --output-path="$TMP/report.json" >&2
    # The row, and on stderr each audit that scored below 1 and counts.
    python3 - "$TMP/report.json" "$name" "$path" <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
name, path = sys.argv[2], sys.argv[3]
categories = report["categories"]
scores = {c["title"]: round(c["score"] * 100) for c in categories.values()}
lcp = report["audits"]["largest-contentful-paint"]["numericValue"]
cells = ", ".join(f"{title} {score}" for title, score in scores.items())
print(f"| Lighthouse, {name} ({path}): lowest of four scores "
      f"(mobile, simulated slow 4G) | {min(scores.values())} ({cells}; "
      f"LCP {lcp / 1000:.1f} s) | – |  | 100 |")
for category in categories.values():
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
            print(f"{path}: {category['title']}: {audit['title']} "
                  f"({audit.get('displayValue', audit['score'])})", file=sys.stderr)
EOF
done
