#!/usr/bin/env bash
# Import benchmark: FILES generated content files (bench/content_files.py, the
# same files for the same FILES and SEED) through `newsdesk import` into a new
# database, then once more with nothing changed. Prints Markdown rows; no
# server, no network.
#
#   bench/import.sh                 # 10,000 files
#   FILES=2000 bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

FILES=${FILES:-10000}

build --bin newsdesk

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 bench/content_files.py "$TMP/content" "$FILES" "$SEED"
updates=$(cat "$TMP/content"/*.md | grep -c '^+++ update$')
megabytes=$(du -sm "$TMP/content" | cut -f1)

# import_seconds: `newsdesk import` of the files, in seconds; its report on stderr.
import_seconds() {
    local started
    warn_if_busy
    started=$(date +%s.%N)
    "$NEWSDESK_BIN" import "$TMP/content" --database "sqlite://$TMP/import.db" --content "$TMP/content" >&2
    awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

first=$(import_seconds)
again=$(import_seconds)
files=$(thousands "$FILES")
row "import of $files content files into a new database (s; $(thousands "$updates") live updates, $megabytes MB)" \
    "$first s" "–" "" "≤ 10 s"
row "import of the same $files files again, nothing changed (s)" "$again s" "–" "" "≤ 10 s"
