#!/usr/bin/env bash
# Photo processing benchmark: a generated 12-megapixel JPEG through the whole
# upload pipeline (recognise, check, decode, turn upright, resize to 480, 960
# and 1600 px, encode JPEG and WebP, write, record), in release, compared
# with decoding the same JPEG alone. No server, no network.
#
#   bench/media.sh          # median of 5 runs
#   RUNS=9 bench/media.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

RUNS=${RUNS:-5}

build --example media

echo "| measure | newsdesk | reference | ratio | target |"
echo "| --- | --- | --- | --- | --- |"
warn_if_busy
"$EXAMPLES"/media "$RUNS"
