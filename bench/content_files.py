"""Writes COUNT Markdown content files (README, "Content format") into DIR for
the import benchmark (bench/import.sh): ordinary stories over ten years with
topics, bylines and READ MORE links to earlier ones, one in ten a live story
with updates. The same seed writes the same files.

    python3 bench/content_files.py DIR COUNT [SEED]
"""

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = """council residents hospital school road plans police market town valley
river station bus housing budget scheme flood families workers strike shop
centre library park club match season fans ward nurses doctors patients
trust funding report figures week year morning evening spokesperson warned
said added confirmed opened closed announced approved rejected delayed""".split()
PLACES = ["Huddersfield", "Halifax", "Brighouse", "Todmorden", "Hebden Bridge", "Elland"]
TOPICS = ["Health", "Transport", "Education", "Politics", "Business", "Sport",
          "Weather", "Crime", "Housing", "Environment"] + PLACES
BYLINES = ["Sarah Holt, Health Correspondent", "James Whitworth, Chief Reporter",
           "Priya Desai, Calderdale Reporter", "Tom Barker, Sports Editor",
           "Ruth Okafor, Political Reporter"]
START = datetime(2015, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 10 * 365 * 24 * 3600


def sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"{text[0].upper()}{text[1:]} in {rng.choice(PLACES)}."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 5)))


def stamp(at):
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def story(rng, index, count, earlier):
    published = START + timedelta(seconds=SPAN_SECONDS * (index + rng.random()) // count)
    headline = sentence(rng, rng.randint(6, 10)).rstrip(".")
    live = rng.random() < 0.1
    topics = ", ".join(f'"{t}"' for t in rng.sample(TOPICS, rng.randint(1, 3)))
    lines = [
        "+++",
        f'headline = "{headline}"',
        f'standfirst = "{sentence(rng, rng.randint(15, 25))}"',
        f'byline = "{rng.choice(BYLINES)}"',
        f"topics = [{topics}]",
        f"published = {stamp(published)}",
    ]
    if live:
        lines.append('live = "ended"')
    lines += ["+++"] + [paragraph(rng) + "\n" for _ in range(rng.randint(3, 8))]
    for slug, linked in rng.sample(earlier, min(len(earlier), rng.randint(0, 2))):
        lines.append(f"READ MORE: [{linked}](/news/{slug})\n")
    if live:
        at = published
        for _ in range(rng.randint(10, 40)):
            at += timedelta(minutes=rng.randint(1, 30))
            lines += [
                "+++ update",
                f"time = {stamp(at)}",
                'kind = "update"',
                f'author = "{rng.choice(BYLINES)}"',
                "+++",
                paragraph(rng) + "\n",
            ]
    return headline, "\n".join(lines) + "\n"


def main():
    directory, count = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    directory.mkdir(parents=True, exist_ok=True)
    earlier = []
    for index in range(count):
        slug = f"story-{index:06d}"
        headline, text = story(rng, index, count, earlier[-2000:])
        (directory / f"{slug}.md").write_text(text)
        earlier.append((slug, headline))


main()
