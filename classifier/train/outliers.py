"""Pictures that are *not* what a task's models know, made offline, to choose and test the domain check.

For drawing tasks (digits): letters and symbols rendered from fonts that Debian packages ship, drawn
as white strokes on a black canvas; procedurally drawn scribbles and shapes; the other dataset's items;
noise. For photo tasks (clothing): everyday objects (fruit, animals, vehicles, tools, food) from the
Noto Color Emoji font, placed on a light background like a product photo; the other dataset's digits
as photos; shapes and noise. Each source is split into a "tuning" part and a "held-out" part (other
fonts, other objects), so that a benchmark can show whether a check generalises beyond what chose it.

Every generator returns what a user would give the app: an (H, W, 3 or 4) uint8 array or JPEG bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from classifier.core.settings import ASSETS_DIR, CANVAS_SIZE
from classifier.train.synthetic.clothing import as_camera_jpeg, photo_clothing
from classifier.train.synthetic.strokes import arc, canvas_rgb, pen_stroke
from classifier.train.synthetic.typefaces import EMOJI_FONT, drawn_character, fonts

# Letters that no one can tell from a digit when drawn (O and 0, l and 1, S and 5...) are left out.
LETTERS = "ACEFHJKLMNPRTUVWXYacdefhkmnprtuvwxy"
SYMBOLS = "+=?!#&%@$*<>{}~"
# Everyday objects, not clothing: fruit and food, animals, vehicles, tools and things.
TUNING_OBJECTS = "🍌🍎🍐🍊🍋🍉🍇🍓🥕🌽🥦🍄🍞🧀🍕🍔🐱🐶🐭🐰🦊🐻🐼🐸🐵🐔🐧🐦🚗🚕🚌🚲🛵✈🚀⛵🔨🔧🪛✂🔑💡📱💻⌚📷🎸⚽🏀🌻🌲"
HELD_OUT_OBJECTS = "🍍🥝🍑🍒🥥🥑🍆🥔🌶🥐🐴🐮🐷🐘🦒🐢🐍🐙🦀🐝🚂🚜🚑🚒🏍🚁🛴⚓🪚🔩🧲🪓📚🎹🎺🏈🎾🧸🪑🛏🚪🌵🌷🍀🏠⏰🔦📦"


def scribble(rng: np.random.Generator) -> np.ndarray:
    """One to three random smooth strokes (a random walk with momentum), white on a black canvas."""
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    pen = ImageDraw.Draw(canvas)
    width = int(rng.integers(8, 30))
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(40, CANVAS_SIZE - 40, size=2)
        heading, turn = rng.uniform(0, math.tau), rng.uniform(-0.4, 0.4)
        points = [(x, y)]
        for _ in range(int(rng.integers(20, 70))):
            turn = float(np.clip(turn + rng.normal(0, 0.15), -0.6, 0.6))
            heading += turn
            x = float(np.clip(x + 8 * math.cos(heading), 10, CANVAS_SIZE - 10))
            y = float(np.clip(y + 8 * math.sin(heading), 10, CANVAS_SIZE - 10))
            points.append((x, y))
        pen_stroke(pen, points, width)
    return canvas_rgb(canvas)


def scrawl(rng: np.random.Generator) -> np.ndarray:
    """Scribbles of another make than `scribble`, each picture one of: a zigzag, loops in a row (a cursive "eeee"),
    a tangle of straight strokes, hatching, or a curve through random points; white on a black canvas.

    The domain check learns from both makes and `bench/domain_sources.py` holds each out in turn: an
    outlier maker it has never seen tells whether it learned scribbles or only one program's scribbles.
    """
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    pen = ImageDraw.Draw(canvas)
    width = int(rng.integers(8, 30))
    kind = SCRAWLS[rng.integers(len(SCRAWLS))]
    left, top = rng.uniform(10, CANVAS_SIZE / 3, size=2)
    wide, high = rng.uniform(CANVAS_SIZE / 3, CANVAS_SIZE - 20 - left), rng.uniform(CANVAS_SIZE / 4, CANVAS_SIZE - 20 - top)
    if kind == "zigzag":
        count = int(rng.integers(5, 10))
        xs = np.linspace(left, left + wide, count)
        ys = np.where(np.arange(count) % 2, top, top + high) + rng.normal(0, high * 0.08, count)
        strokes = [list(zip(xs, ys))]
    elif kind == "loops":
        turns = np.linspace(0, math.tau * rng.uniform(2.5, 6), 120)
        radius = high / 2
        xs = left + turns / turns[-1] * (wide - radius) + radius * np.cos(turns + math.pi) * rng.uniform(0.3, 0.6)
        strokes = [list(zip(xs + radius * 0.5, top + radius + radius * np.sin(turns)))]
    elif kind == "tangle":
        corners = rng.uniform([left, top], [left + wide, top + high], size=(int(rng.integers(6, 11)), 2))
        strokes = [[tuple(point) for point in corners]]
    elif kind == "hatching":
        lines, slope = int(rng.integers(3, 8)), rng.uniform(-0.6, 0.6) * high
        wide = min(max(wide, lines * width * 2.5 + abs(slope)), CANVAS_SIZE - 10 - left)
        strokes = [
            [(x, top + rng.uniform(0, 0.15) * high), (x + slope, top + high * rng.uniform(0.85, 1))]
            for x in np.linspace(left, left + wide - abs(slope), lines)
        ]
    else:  # a smooth curve through random points
        points = rng.uniform([left, top], [left + wide, top + high], size=(int(rng.integers(6, 10)), 2))
        steps = np.linspace(0, len(points) - 1, 80)
        xs, ys = (np.interp(steps, np.arange(len(points)), points[:, axis]) for axis in (0, 1))
        kernel = np.ones(9) / 9
        strokes = [list(zip(np.convolve(xs, kernel, "valid"), np.convolve(ys, kernel, "valid")))]
    for stroke in strokes:
        pen_stroke(pen, [tuple(float(v) for v in np.clip(point, 5, CANVAS_SIZE - 5)) for point in stroke], width)
    return canvas_rgb(canvas)


SCRAWLS = ("zigzag", "loops", "tangle", "hatching", "curve")


def _ellipse(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> list[tuple[float, float]]:
    return arc((cx, cy), (rx, ry), start, end, 14)


# LETTERS and some SYMBOLS as a hand writes them, stroke by stroke, in a box 1 wide whose capitals and ascenders run from y = 0
# to the baseline at y = 1 (lower case from 0.4; descenders to 1.4). Angles of arcs as `arc` takes them.
_BOWL = _ellipse(0.45, 0.7, 0.45, 0.3, 0, 360)
_HUMP = _ellipse(0.5, 0.62, 0.5, 0.22, 180, 360)
PEN_LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.22, 0.6), (0.78, 0.6)]],
    "C": [_ellipse(0.5, 0.5, 0.5, 0.5, -40, -320)],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.75, 0.5)]],
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.5), (0.75, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "J": [[(0.35, 0), (1, 0)], [(0.75, 0), (0.75, 0.7), *_ellipse(0.45, 0.7, 0.3, 0.3, 0, 180)]],
    "K": [[(0, 0), (0, 1)], [(1, 0), (0, 0.55), (1, 1)]],
    "L": [[(0, 0), (0, 1), (0.8, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "P": [[(0, 1), (0, 0), (0.55, 0), *_ellipse(0.55, 0.25, 0.45, 0.25, -90, 90), (0, 0.5)]],
    "R": [[(0, 1), (0, 0), (0.55, 0), *_ellipse(0.55, 0.25, 0.45, 0.25, -90, 90), (0, 0.5)], [(0.4, 0.5), (1, 1)]],
    "T": [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]],
    "U": [[(0, 0), (0, 0.6), *_ellipse(0.5, 0.6, 0.5, 0.4, 180, 0), (1, 0)]],
    "V": [[(0, 0), (0.5, 1), (1, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "a": [_BOWL, [(0.9, 0.4), (0.9, 1)]],
    "c": [_ellipse(0.5, 0.7, 0.45, 0.3, -40, -320)],
    "d": [_BOWL, [(0.9, 0), (0.9, 1)]],
    "e": [[(0.05, 0.7), (0.95, 0.7), *_ellipse(0.5, 0.7, 0.45, 0.3, 0, -320)]],
    "f": [[*_ellipse(0.75, 0.2, 0.25, 0.2, -20, -180), (0.5, 1)], [(0.2, 0.45), (0.8, 0.45)]],
    "h": [[(0, 0), (0, 1)], [(0, 0.62), *_HUMP, (1, 1)]],
    "k": [[(0, 0), (0, 1)], [(0.8, 0.4), (0, 0.75), (0.85, 1)]],
    "m": [
        [(0, 0.4), (0, 1)],
        [*_ellipse(0.25, 0.58, 0.25, 0.18, 180, 360), (0.5, 1)],
        [*_ellipse(0.75, 0.58, 0.25, 0.18, 180, 360), (1, 1)],
    ],
    "n": [[(0, 0.4), (0, 1)], [(0, 0.62), *_HUMP, (1, 1)]],
    "p": [[(0, 0.4), (0, 1.4)], _ellipse(0.5, 0.7, 0.5, 0.3, 0, 360)],
    "r": [[(0, 0.4), (0, 1)], _ellipse(0.45, 0.62, 0.45, 0.22, 180, 310)],
    "t": [[(0.4, 0), (0.4, 0.9), *_ellipse(0.6, 0.9, 0.2, 0.1, 180, 90)], [(0, 0.4), (0.8, 0.4)]],
    "u": [[(0, 0.4), *_ellipse(0.45, 0.75, 0.45, 0.25, 180, 0)], [(0.9, 0.4), (0.9, 1)]],
    "v": [[(0, 0.4), (0.5, 1), (1, 0.4)]],
    "w": [[(0, 0.4), (0.25, 1), (0.5, 0.55), (0.75, 1), (1, 0.4)]],
    "x": [[(0, 0.4), (1, 1)], [(1, 0.4), (0, 1)]],
    "y": [[(0, 0.4), (0.5, 0.95)], [(1, 0.4), (0.3, 1.4)]],
    "+": [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    "=": [[(0, 0.35), (1, 0.35)], [(0, 0.65), (1, 0.65)]],
    "#": [[(0.35, 0), (0.25, 1)], [(0.75, 0), (0.65, 1)], [(0, 0.33), (1, 0.33)], [(0, 0.67), (1, 0.67)]],
    "*": [[(0.5, 0), (0.5, 1)], [(0.07, 0.25), (0.93, 0.75)], [(0.93, 0.25), (0.07, 0.75)]],
    "<": [[(1, 0.1), (0, 0.5), (1, 0.9)]],
    ">": [[(0, 0.1), (1, 0.5), (0, 0.9)]],
    "~": [[*_ellipse(0.25, 0.5, 0.25, 0.15, 180, 360), *_ellipse(0.75, 0.5, 0.25, 0.15, 180, 0)]],
    "?": [[*_ellipse(0.5, 0.25, 0.45, 0.25, 180, 450), (0.5, 0.75)], [(0.5, 0.95), (0.5, 0.97)]],
    "!": [[(0.5, 0), (0.5, 0.7)], [(0.5, 0.95), (0.5, 0.97)]],
    "%": [[(1, 0), (0, 1)], _ellipse(0.2, 0.2, 0.15, 0.15, 0, 360), _ellipse(0.8, 0.8, 0.15, 0.15, 0, 360)],
}


def pen_letter(rng: np.random.Generator) -> np.ndarray:
    """A letter or symbol of PEN_LETTERS written with pen strokes drawn by code, not typed in a font: its strokes
    bent a little, as a hand does, the whole letter at random width, slant, tilt, size, place and pen width;
    white on a black canvas. Typefaces' letters (`drawn_character`) are another source, so that the check can be
    measured on typefaces it never saw with the pen letters learned, and the other way round."""
    strokes = list(PEN_LETTERS.values())[rng.integers(len(PEN_LETTERS))]
    height = rng.uniform(0.3, 0.6) * CANVAS_SIZE  # capital height: lower case is 0.6 of it, descenders go below
    wide, slant, tilt = rng.uniform(0.5, 1.1) * height, rng.uniform(-0.35, 0.25), np.deg2rad(rng.uniform(-12, 12))
    wobble = rng.uniform(0.02, 0.07)
    placed = []
    for stroke in strokes:
        # A few offsets along each stroke, the points between moved by the mix of the nearest two: corners
        # move on their own, an arc bends smoothly instead of shaking.
        knots = min(len(stroke), 4)
        offsets = rng.normal(0, wobble, (knots, 2))
        along = np.linspace(0, knots - 1, len(stroke))
        moved = [np.interp(along, np.arange(knots), offsets[:, axis]) for axis in (0, 1)]
        points = np.array(stroke, dtype=float) + np.stack(moved, axis=1)
        x, y = points[:, 0] * wide - slant * (points[:, 1] - 1) * height, points[:, 1] * height
        placed.append(np.stack([x * np.cos(tilt) - y * np.sin(tilt), x * np.sin(tilt) + y * np.cos(tilt)], axis=1))
    every = np.concatenate(placed)
    low, high = every.min(axis=0), every.max(axis=0)
    scale = min(1.0, (CANVAS_SIZE - 40) / max(high - low))
    offset = rng.uniform(20, CANVAS_SIZE - 20 - (high - low) * scale) - low * scale
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    pen, width = ImageDraw.Draw(canvas), int(rng.integers(8, 30))
    for points in placed:
        pen_stroke(pen, [tuple(map(float, point * scale + offset)) for point in points], width)
    return canvas_rgb(canvas)


def _star(centre: tuple[float, float], radius: float, points: int, turn: float) -> list[tuple[float, float]]:
    corners = []
    for index in range(2 * points + 1):
        distance = radius if index % 2 == 0 else radius * 0.45
        angle = turn + index * math.pi / points
        corners.append((centre[0] + distance * math.sin(angle), centre[1] - distance * math.cos(angle)))
    return corners


def _shape_outline(kind: str, rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """The strokes of one shape, in canvas pixels: no circles or lines, which would be a 0 or a 1."""
    c = CANVAS_SIZE / 2 + rng.uniform(-30, 30, size=2)
    r = float(rng.uniform(50, 115))
    turn = float(rng.uniform(-0.3, 0.3))
    if kind == "triangle":
        return [[(c[0] + r * math.sin(turn + k * math.tau / 3), c[1] - r * math.cos(turn + k * math.tau / 3)) for k in range(4)]]
    if kind == "square":
        return [
            [
                (
                    c[0] + r * math.sin(turn + math.pi / 4 + k * math.pi / 2),
                    c[1] - r * math.cos(turn + math.pi / 4 + k * math.pi / 2),
                )
                for k in range(5)
            ]
        ]
    if kind == "star":
        return [_star((c[0], c[1]), r, int(rng.integers(5, 7)), turn)]
    if kind == "heart":
        steps = np.linspace(0, math.tau, 40)
        return [
            [
                (
                    c[0] + r * 0.06 * 16 * math.sin(t) ** 3,
                    c[1] - r * 0.06 * (13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)),
                )
                for t in steps
            ]
        ]
    if kind == "spiral":
        steps = np.linspace(0, 3 * math.tau, 80)
        return [
            [
                (c[0] + r * t / (3 * math.tau) * math.cos(t + turn), c[1] + r * t / (3 * math.tau) * math.sin(t + turn))
                for t in steps
            ]
        ]
    if kind == "house":
        left, right, top, bottom = c[0] - r * 0.7, c[0] + r * 0.7, c[1] - r * 0.2, c[1] + r * 0.8
        return [[(left, bottom), (left, top), (c[0], c[1] - r), (right, top), (right, bottom), (left, bottom)]]
    if kind == "smiley":
        face = [(c[0] + r * math.cos(t), c[1] + r * math.sin(t)) for t in np.linspace(0, math.tau, 40)]
        mouth = [(c[0] + 0.5 * r * math.cos(t), c[1] + 0.5 * r * math.sin(t)) for t in np.linspace(0.3, math.pi - 0.3, 15)]
        eyes = [[(c[0] + dx * r, c[1] - 0.3 * r), (c[0] + dx * r, c[1] - 0.25 * r)] for dx in (-0.35, 0.35)]
        return [face, mouth, *eyes]
    if kind == "arrow":
        return [
            [(c[0] - r, c[1]), (c[0] + r, c[1])],
            [(c[0] + r * 0.5, c[1] - r * 0.4), (c[0] + r, c[1]), (c[0] + r * 0.5, c[1] + r * 0.4)],
        ]
    # A hash: two crossing pairs of bars.
    return [[(c[0] - r, c[1] + d), (c[0] + r, c[1] + d)] for d in (-r / 3, r / 3)] + [
        [(c[0] + d, c[1] - r), (c[0] + d, c[1] + r)] for d in (-r / 3, r / 3)
    ]


SHAPES = ("triangle", "square", "star", "heart", "spiral", "house", "smiley", "arrow", "hash")


def drawn_shape(rng: np.random.Generator) -> np.ndarray:
    """A shape (triangle, star, heart, house, smiley...) drawn as round-brush strokes on a black canvas."""
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    pen = ImageDraw.Draw(canvas)
    width = int(rng.integers(8, 30))
    for stroke in _shape_outline(SHAPES[rng.integers(len(SHAPES))], rng):
        pen_stroke(pen, stroke, width)
    return canvas_rgb(canvas)


def noise_picture(rng: np.random.Generator) -> np.ndarray:
    """Blotches of random grey: smoothed noise over the whole picture, or a few random filled blobs."""
    if rng.random() < 0.5:
        small = rng.random((int(rng.integers(3, 12)),) * 2)
        grey = Image.fromarray((small * 255).astype(np.uint8)).resize((CANVAS_SIZE, CANVAS_SIZE), Image.Resampling.BICUBIC)
        return canvas_rgb(grey)
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    pen = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(2, 7))):
        x, y, r = *rng.uniform(20, CANVAS_SIZE - 20, size=2), rng.uniform(10, 60)
        pen.ellipse([x - r, y - r * rng.uniform(0.3, 1), x + r, y + r], fill=int(rng.integers(120, 256)))
    return canvas_rgb(canvas)


def item_on_canvas(item28: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 28x28 image of the other dataset (bright on black) scaled onto the canvas at a random size and place."""
    size = int(rng.integers(CANVAS_SIZE // 3, CANVAS_SIZE - 10))
    grey = Image.fromarray(item28).resize((size, size), Image.Resampling.BILINEAR)
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    canvas.paste(grey, tuple(int(v) for v in rng.integers(0, CANVAS_SIZE - size + 1, size=2)))
    return canvas_rgb(canvas)


# Emoji artwork: Noto Color Emoji (a font), and Twemoji and OpenMoji (PNG pictures in assets/emoji/, made by
# scripts/make_emoji.py). Each is a source of the domain check's outliers of its own, so that bench/domain_sources.py
# can hold one artwork out when it measures how the check does on objects drawn by another hand.
ARTWORKS = ("noto", "twemoji", "openmoji")
EMOJI_SIDE = 109  # Noto Color Emoji's bitmaps are 109 pixels high; the other artworks' pictures are scaled to it


def emoji_picture(character: str, artwork: str = "noto") -> Image.Image:
    """An emoji of one artwork, cropped to its ink, RGBA, about EMOJI_SIDE pixels on its longer side."""
    if artwork == "noto":
        font = ImageFont.truetype(str(EMOJI_FONT), EMOJI_SIDE)
        glyph = Image.new("RGBA", (160, 160))
        ImageDraw.Draw(glyph).text((80, 80), character, font=font, anchor="mm", embedded_color=True)
    else:
        name = "-".join(f"{ord(c):x}" for c in character if c != "\ufe0f")
        glyph = Image.open(ASSETS_DIR / "emoji" / artwork / f"{name}.png").convert("RGBA")
        glyph = glyph.crop(glyph.getbbox() or (0, 0, *glyph.size))
        scale = EMOJI_SIDE / max(glyph.size)
        return glyph.resize((max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))), Image.Resampling.LANCZOS)
    return glyph.crop(glyph.getbbox() or (0, 0, *glyph.size))


def object_photo(rng: np.random.Generator, objects: str, transparent: bool = False, artwork: str = "noto") -> bytes:
    """An everyday object (an emoji picture of `artwork`) on a light background, as a product photo: JPEG bytes.

    With `transparent`, the object alone on a transparent background, as PNG bytes.
    """
    glyph = emoji_picture(objects[rng.integers(len(objects))], artwork)
    glyph = glyph.rotate(float(rng.uniform(-20, 20)), expand=True, resample=Image.Resampling.BICUBIC)
    scale = float(rng.uniform(2, 5))
    glyph = glyph.resize((max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))), Image.Resampling.BICUBIC)
    margin = int(max(glyph.size) * rng.uniform(0.1, 0.5))
    if transparent:
        picture = Image.new("RGBA", (glyph.width + 2 * margin, glyph.height + 2 * margin))
        picture.alpha_composite(glyph, (margin, margin))
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        return buffer.getvalue()
    background = tuple(int(v) for v in rng.uniform(215, 252, size=3))
    photo = Image.new("RGB", (glyph.width + 2 * margin, glyph.height + 2 * margin), background)
    photo.paste(glyph, (margin, margin), glyph)
    return as_camera_jpeg(np.asarray(photo, dtype=np.float32), rng)


def digit_photo(digit28: np.ndarray, rng: np.random.Generator) -> bytes:
    """A handwritten digit photographed like a product: dark ink on a light background, JPEG bytes."""
    return photo_clothing(digit28, rng)


def _objects(objects: str, artwork: str) -> Callable[[np.random.Generator], bytes]:
    return lambda rng: object_photo(rng, objects, artwork=artwork)


def sources(input_kind: str, part: str, other_images: np.ndarray) -> dict[str, Callable[[np.random.Generator], object]]:
    """The outlier generators for a kind of input ("drawing" or "photo") and a part ("tuning" or "held-out").

    `other_images` are 28x28 images of the other dataset (clothing for digits, digits for clothing).
    """
    half = len(other_images) // 2
    others = other_images[:half] if part == "tuning" else other_images[half:]

    def other(rng: np.random.Generator) -> np.ndarray:
        return others[rng.integers(len(others))]

    if input_kind == "drawing":
        typefaces = fonts(part)
        return {
            "letters": lambda rng: drawn_character(rng, LETTERS, typefaces),
            "symbols": lambda rng: drawn_character(rng, SYMBOLS, typefaces),
            "scribbles": scribble,
            "scrawls": scrawl,
            # Tuning only: its held-out counterpart is the typefaces' letters, which it never learns.
            **({"pen-letters": pen_letter} if part == "tuning" else {}),
            "shapes": drawn_shape,
            "clothing": lambda rng: item_on_canvas(other(rng), rng),
            "noise": noise_picture,
        }
    objects = TUNING_OBJECTS if part == "tuning" else HELD_OUT_OBJECTS
    return {
        **{f"objects-{artwork}": _objects(objects, artwork) for artwork in ARTWORKS},
        "digits": lambda rng: digit_photo(other(rng), rng),
        "shapes": lambda rng: 255 - drawn_shape(rng),
        "noise": noise_picture,
    }
