#!/usr/bin/env bash
# Gallery page benchmark (issue #12, "Media"): a story page carrying an update
# with six photos must keep its cached throughput within 10% of the same page
# without them. Both stories are made as an editor makes them, through the
# desk's forms (curl with a cookie jar), with the same headline, body and
# update text; one update carries six ~1600 px JPEGs with their alt text.
# Then wrk on both pages in interleaved rounds, as a browser asks
# (`Accept-Encoding: gzip, br`). Prints one Markdown row; loopback only.
#
#   bench/photos.sh                     # 3 rounds of 10 s, 64 connections
#   ROUNDS=1 WRK_SECONDS=5 bench/photos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

PORT=${PORT:-18485}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
WRK_SECONDS=${WRK_SECONDS:-10}
PHOTOS=6
# Slugs of equal length, so the two pages differ only by the gallery.
GALLERY=/news/bench-gallery
PLAIN=/news/bench-textual
BROWSER_ENCODING="gzip, br"

need_wrk_and_nginx
build --bin newsdesk

TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT

DB=$TMP/bench.db
start_server "$PORT" "sqlite://$DB" --media "$TMP/media"
add_bench_editor "sqlite://$DB"
SITE=http://127.0.0.1:$PORT
JAR=$TMP/cookies

# desk ARGS...: curl on the desk with the editor's cookie jar; prints the
# final page (redirects followed), fails on any error status.
desk() { curl --fail-with-body -sS -m 60 -b "$JAR" -c "$JAR" -L "$@"; }

# post ARGS...: a desk form post; a refused one shows the errors next to its
# fields.
post() {
    desk -o "$TMP/answer.html" "$@" || {
        sed -n 's/.*id="\([^"]*\)-error"><strong>Error:<\/strong> \([^<]*\).*/\1: \2/p' "$TMP/answer.html" >&2
        return 1
    }
}

# csrf_token PATH: the CSRF token on that desk page's forms. The page goes to
# a file first: curl writes its cookie jar only when it has read everything.
csrf_token() {
    desk -o "$TMP/form.html" "$SITE$1"
    sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$TMP/form.html" | head -1 | grep .
}

# Signing in: the token on the login page, then the form.
post -d "csrf_token=$(csrf_token /admin/login)" -d next=/admin \
    -d username=bench --data-urlencode "password=$BENCH_PASSWORD" "$SITE/admin/login"
desk -o "$TMP/dashboard.html" "$SITE/admin"
grep -q 'New story' "$TMP/dashboard.html" || { echo "signing in failed" >&2; exit 1; }

# The update's text, the same on both stories.
UPDATE_TEXT="Pickets gathered at the gates from six in the morning; the union says
turnout is the highest of the dispute, and the trust says clinics are open."

# new_story SLUG: the same story under SLUG, live, through the story form.
new_story() {
    post -F "csrf_token=$(csrf_token /admin/stories/new)" -F version= \
        -F "headline=Hospital staff walk out over pay" \
        -F "standfirst=A second day of action at the city's two hospitals." \
        -F "body=Staff at both hospitals began a 48-hour strike this morning.

The dispute is over a pay offer the union calls a real-terms cut." \
        -F "topics=Health, Strikes" -F "slug=$1" -F "byline=Bench Desk" \
        -F status=published -F live=live -F action=save "$SITE/admin/stories/new"
}

# publish SLUG [CURL FORM ARGS...]: the update, through the story's update form.
publish() {
    local slug=$1
    shift
    post -F "csrf_token=$(csrf_token "/admin/stories/$slug")" \
        -F "body=$UPDATE_TEXT" -F kind=update "$@" "$SITE/admin/stories/$slug/updates"
}

# Six photos like a newsroom's: 1600 px wide, smooth enough to compress as
# photographs do. Drawn with Pillow, installed from PyPI when python3 lacks it.
make_photos() {
    python3 -c 'import PIL' 2>/dev/null || python3 -m pip install --quiet pillow >&2
    python3 - "$TMP" "$PHOTOS" <<'PY'
import sys
from PIL import Image, ImageDraw
out, count = sys.argv[1], int(sys.argv[2])
for n in range(1, count + 1):
    image = Image.linear_gradient("L").resize((1600, 1067)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (i * 137 * n) % 1500, (i * 89 + n * 53) % 960
        draw.ellipse((x, y, x + 100 + 20 * n, y + 100), fill=(40 * n % 256, 90 + i * 10, 200 - 25 * n))
    image.save(f"{out}/photo-{n}.jpg", quality=85)
PY
}

# The gallery's form fields: photo, alt, then photo_2, alt_2 ... (the slots of
# src/handlers/admin/gallery_form.rs).
gallery_fields() {
    local n suffix
    for n in $(seq "$PHOTOS"); do
        suffix=$([ "$n" = 1 ] || echo "_$n")
        printf '%s\n' -F "photo$suffix=@$TMP/photo-$n.jpg;type=image/jpeg" \
            -F "alt$suffix=Pickets at the hospital gates, photo $n of $PHOTOS" \
            -F "credit$suffix=Bench Desk"
    done
}

make_photos
new_story "${GALLERY#/news/}"
new_story "${PLAIN#/news/}"
mapfile -t fields < <(gallery_fields)
publish "${GALLERY#/news/}" "${fields[@]}"
publish "${PLAIN#/news/}"

# Both pages must be what they claim: the gallery page shows six photos, the
# plain one none.
page_photos() {
    curl -fsS -m 5 -o "$TMP/page.html" "$SITE$1"
    { grep -o '<img[^>]*src="/media/' "$TMP/page.html" || true; } | wc -l
}
gallery_photos=$(page_photos "$GALLERY")
plain_photos=$(page_photos "$PLAIN")
if [ "$gallery_photos" != "$PHOTOS" ] || [ "$plain_photos" != 0 ]; then
    echo "expected $PHOTOS photos on $GALLERY and none on $PLAIN;" \
        "found $gallery_photos and $plain_photos" >&2
    exit 1
fi

# page_bytes PAGE: its size as a browser gets it, and the encoding.
page_bytes() {
    curl -fsS -m 5 -H "Accept-Encoding: $BROWSER_ENCODING" -o "$TMP/page" -D "$TMP/headers" "$SITE$1"
    local encoding
    encoding=$(tr -d '\r' <"$TMP/headers" | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
    echo "$(stat -c %s "$TMP/page") B ${encoding:-identity}"
}

# Asked once as wrk will ask, so the rounds find the compressed page cached.
gallery_bytes=$(page_bytes "$GALLERY")
plain_bytes=$(page_bytes "$PLAIN")

# Interleaved rounds (the order flips every round, so a drift in the
# machine's speed falls on both pages).
declare -A rps_of=()
for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="gallery plain"; else order="plain gallery"; fi
    for name in $order; do
        if [ "$name" = gallery ]; then page=$GALLERY; else page=$PLAIN; fi
        warn_if_busy
        run_wrk "$SITE$page" "$TMP/$name.wrk" --connections "$CONNECTIONS" \
            --duration "${WRK_SECONDS}s" -H "Accept-Encoding: $BROWSER_ENCODING"
        read -r rps _avg _p50 p99 _max _answered <<<"$(wrk_figures "$TMP/$name.wrk")"
        echo "  round $round, $name: $rps requests/s, p99 $p99" >&2
        rps_of[$name]+="$(fmt "$rps") "
    done
done

# shellcheck disable=SC2086 # the figures are space-separated lists
{
    with=$(median ${rps_of[gallery]}) without=$(median ${rps_of[plain]})
    echo "| measure | newsdesk | reference | ratio | target |"
    echo "| --- | --- | --- | --- | --- |"
    row "cached story page with a six-photo gallery ($gallery_bytes), $CONNECTIONS connections, Accept-Encoding: $BROWSER_ENCODING: req/s median of $ROUNDS (spread)" \
        "$(fmt "$with") ($(spread ${rps_of[gallery]}))" \
        "the same page without photos ($plain_bytes): $(fmt "$without") ($(spread ${rps_of[plain]}))" \
        "$(ratio "$with" "$without")" "≥ 0.90×"
}
