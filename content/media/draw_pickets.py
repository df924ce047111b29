"""Draws the demo's two picket-line illustrations, pickets-hri.jpg and
pickets-calderdale.jpg, beside this script.

They are drawn, not photographed, so the repository can carry them under its
own licence. Run from anywhere, with Pillow from PyPI (made with 13.0):

    pip install pillow
    python3 content/media/draw_pickets.py

The drawing is deterministic: the same Pillow gives the same bytes, since
every "random" choice comes from a seeded generator and the text uses
Pillow's own bundled font. Each scene is drawn at twice its size and scaled
down, which smooths the edges.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1000
SCALE = 2
HERE = Path(__file__).resolve().parent

SKIN = [(241, 204, 177), (224, 172, 137), (198, 134, 94), (141, 85, 54), (96, 60, 40)]
COATS = [(38, 62, 99), (120, 33, 44), (52, 92, 64), (70, 70, 74), (156, 104, 42),
         (34, 34, 40), (88, 60, 110), (23, 96, 120)]
HAIR = [(40, 30, 25), (90, 60, 35), (20, 20, 20), (150, 110, 60), (110, 100, 95)]
HI_VIS = (214, 232, 40)


def s(value):
    """A length in the final image, at drawing scale."""
    return int(round(value * SCALE))


def font(size):
    return ImageFont.load_default(size=s(size))


def sky(draw, top, bottom, horizon):
    for y in range(s(horizon)):
        t = y / s(horizon)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
        draw.line([(0, y), (s(WIDTH), y)], fill=colour)


def centred_text(draw, box, text, size, fill):
    left, top, right, bottom = box
    face = font(size)
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=face, stroke_width=s(0.8))
    x = (s(left) + s(right) - (x1 - x0)) / 2 - x0
    y = (s(top) + s(bottom) - (y1 - y0)) / 2 - y0
    draw.text((x, y), text, font=face, fill=fill, stroke_width=s(0.8), stroke_fill=fill)


def placard(draw, x, top, words, seed):
    """A placard on a stick, its board's top-left corner at (x, top)."""
    rng = random.Random(seed)
    width, height = 150, 95
    draw.rectangle([s(x + width / 2 - 4), s(top + height), s(x + width / 2 + 4), s(top + height + 160)],
                   fill=(150, 115, 70))
    board = (250, 250, 246) if rng.random() < 0.7 else (255, 226, 70)
    draw.rectangle([s(x), s(top), s(x + width), s(top + height)], fill=board, outline=(60, 60, 60),
                   width=s(2))
    lines = words.split("\n")
    line_height = height / (len(lines) + 1)
    for i, line in enumerate(lines):
        middle = top + line_height * (i + 1)
        centred_text(draw, (x + 6, middle - 18, x + width - 6, middle + 18), line, 24, (25, 25, 60))


def figure(draw, x, ground, rng, holds=None, hi_vis=False, height=260):
    """A standing figure, feet on `ground`, centred on x; `holds` a placard's words.
    Returns its skin colour, for hands drawn later."""
    skin, coat, hair = rng.choice(SKIN), rng.choice(COATS), rng.choice(HAIR)
    body_w = height * 0.30
    head_r = height * 0.085
    legs_top = ground - height * 0.42
    shoulders = ground - height * 0.80
    # Legs and shoes.
    for side in (-1, 1):
        leg_x = x + side * body_w * 0.2
        draw.rectangle([s(leg_x - body_w * 0.12), s(legs_top), s(leg_x + body_w * 0.12), s(ground - 8)],
                       fill=(45, 45, 55))
        draw.ellipse([s(leg_x - body_w * 0.18), s(ground - 14), s(leg_x + body_w * 0.2), s(ground + 2)],
                     fill=(25, 25, 25))
    # Coat, with a hi-vis tabard over it for some.
    draw.rounded_rectangle([s(x - body_w / 2), s(shoulders), s(x + body_w / 2), s(legs_top + height * 0.08)],
                           radius=s(body_w * 0.3), fill=coat)
    if hi_vis:
        draw.rectangle([s(x - body_w * 0.38), s(shoulders + height * 0.06), s(x + body_w * 0.38),
                        s(legs_top)], fill=HI_VIS)
        draw.rectangle([s(x - body_w * 0.38), s(shoulders + height * 0.2), s(x + body_w * 0.38),
                        s(shoulders + height * 0.23)], fill=(200, 200, 200))
    # Scarf and head.
    draw.rectangle([s(x - body_w * 0.3), s(shoulders - 4), s(x + body_w * 0.3), s(shoulders + 14)],
                   fill=rng.choice(COATS))
    head_y = shoulders - head_r - 4
    draw.ellipse([s(x - head_r), s(head_y - head_r), s(x + head_r), s(head_y + head_r)], fill=skin)
    draw.chord([s(x - head_r), s(head_y - head_r - 2), s(x + head_r), s(head_y + head_r * 0.4)],
               start=180, end=360, fill=hair)
    # Arms: one raised to a placard's stick beside the head, or both down.
    down = (-1, 1)
    if holds:
        stick_x = x + body_w * 0.75
        placard(draw, stick_x - 75, shoulders - 230, holds, seed=int(x))
        grip = shoulders - 10
        draw.line([(s(x + body_w * 0.4), s(shoulders + 20)), (s(stick_x), s(grip))], fill=coat,
                  width=s(16))
        draw.ellipse([s(stick_x - 9), s(grip - 9), s(stick_x + 9), s(grip + 9)], fill=skin)
        down = (-1,)
    for side in down:
        draw.line([(s(x + side * body_w * 0.5), s(shoulders + 20)),
                   (s(x + side * body_w * 0.62), s(legs_top + 10))], fill=coat, width=s(16))
    return skin


def hospital(draw, left, top, right, bottom, rng):
    """A hospital block with rows of windows and a glazed entrance canopy."""
    draw.rectangle([s(left), s(top), s(right), s(bottom)], fill=(214, 196, 168))
    draw.rectangle([s(left), s(top), s(right), s(top + 18)], fill=(170, 150, 125))
    rows = int((bottom - top - 150) // 70)
    for row in range(rows):
        y = top + 45 + row * 70
        for col in range(int((right - left - 40) // 80)):
            x = left + 30 + col * 80
            lit = rng.random() < 0.25
            draw.rectangle([s(x), s(y), s(x + 48), s(y + 40)],
                           fill=(250, 236, 170) if lit else (120, 150, 175))


def scene_hri():
    """Nine pickets along the pavement in front of a hospital's main entrance."""
    rng = random.Random(1201)
    image = Image.new("RGB", (s(WIDTH), s(HEIGHT)))
    draw = ImageDraw.Draw(image)
    sky(draw, (150, 190, 225), (242, 222, 196), 620)
    hospital(draw, 80, 170, 1520, 620, rng)
    # The main entrance: glazed doors under a canopy with its sign.
    draw.rectangle([s(640), s(470), s(960), s(620)], fill=(96, 132, 156))
    for x in range(660, 960, 60):
        draw.line([(s(x), s(470)), (s(x), s(620))], fill=(210, 220, 228), width=s(3))
    draw.polygon([(s(600), s(470)), (s(1000), s(470)), (s(980), s(440)), (s(620), s(440))],
                 fill=(60, 90, 140))
    centred_text(draw, (620, 380, 980, 432), "MAIN ENTRANCE", 34, (255, 255, 255))
    draw.rectangle([s(620), s(380), s(980), s(432)], outline=(255, 255, 255), width=s(2))
    # Pavement and a strip of grass.
    draw.rectangle([s(0), s(620), s(WIDTH), s(700)], fill=(110, 150, 80))
    draw.rectangle([s(0), s(700), s(WIDTH), s(HEIGHT)], fill=(168, 166, 160))
    for x in range(0, WIDTH, 120):
        draw.line([(s(x), s(700)), (s(x - 60), s(HEIGHT))], fill=(150, 148, 142), width=s(2))
    placards = {1: "ON\nSTRIKE", 3: "SAFE\nCONTRACTS", 5: "PATIENT\nSAFETY", 7: "ON\nSTRIKE"}
    for i in range(9):
        x = 130 + i * 167 + rng.uniform(-15, 15)
        figure(draw, x, 930 + rng.uniform(-12, 12), rng, holds=placards.get(i),
               hi_vis=i in (2, 6), height=rng.uniform(250, 285))
    return image


def scene_calderdale():
    """Five pickets behind a long banner at a hospital gate, hills behind."""
    rng = random.Random(1202)
    image = Image.new("RGB", (s(WIDTH), s(HEIGHT)))
    draw = ImageDraw.Draw(image)
    sky(draw, (176, 186, 198), (226, 228, 226), 520)
    # Hills and trees.
    draw.polygon([(0, s(430)), (s(420), s(300)), (s(900), s(400)), (s(1300), s(290)), (s(WIDTH), s(360)),
                  (s(WIDTH), s(620)), (0, s(620))], fill=(96, 138, 86))
    for _ in range(14):
        x, y = rng.uniform(40, 1560), rng.uniform(380, 470)
        draw.ellipse([s(x - 40), s(y - 60), s(x + 40), s(y + 20)], fill=(58, 102, 62))
        draw.rectangle([s(x - 5), s(y + 10), s(x + 5), s(y + 40)], fill=(90, 70, 50))
    hospital(draw, 420, 260, 1240, 600, rng)
    # Gate posts and railings.
    draw.rectangle([s(0), s(600), s(WIDTH), s(HEIGHT)], fill=(160, 158, 152))
    for x in range(0, WIDTH, 28):
        draw.line([(s(x), s(560)), (s(x), s(650))], fill=(40, 45, 50), width=s(4))
    draw.line([(0, s(570)), (s(WIDTH), s(570))], fill=(40, 45, 50), width=s(5))
    draw.line([(0, s(640)), (s(WIDTH), s(640))], fill=(40, 45, 50), width=s(5))
    for x in (300, 1300):
        draw.rectangle([s(x - 25), s(500), s(x + 25), s(660)], fill=(120, 110, 100))
    # The pickets, then the banner in front of them.
    xs = [330, 560, 800, 1040, 1270]
    skins = [figure(draw, x + rng.uniform(-20, 20), 930, rng, hi_vis=i == 2, height=rng.uniform(330, 360))
             for i, x in enumerate(xs)]
    draw.rectangle([s(250), s(700), s(260), s(950)], fill=(150, 115, 70))
    draw.rectangle([s(1340), s(700), s(1350), s(950)], fill=(150, 115, 70))
    draw.rectangle([s(255), s(710), s(1345), s(840)], fill=(250, 250, 246), outline=(60, 60, 60),
                   width=s(3))
    centred_text(draw, (270, 720, 1330, 830), "JUNIOR DOCTORS ON STRIKE", 72, (150, 20, 40))
    # Each picket's hands on the banner's top edge.
    for x, skin in zip(xs, skins):
        for hand in (-28, 28):
            draw.ellipse([s(x + hand - 11), s(700), s(x + hand + 11), s(722)], fill=skin)
    return image


def save(image, name):
    small = image.resize((WIDTH, HEIGHT), Image.LANCZOS)
    path = HERE / name
    small.save(path, "JPEG", quality=85, optimize=True)
    print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    save(scene_hri(), "pickets-hri.jpg")
    save(scene_calderdale(), "pickets-calderdale.jpg")
