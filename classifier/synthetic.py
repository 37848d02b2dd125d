"""Realistic inputs made from MNIST and Fashion-MNIST: canvas drawings of digits and product photos of clothing.

The robustness benchmark and the tests make them from the official test sets to check that
preprocessing plus a model reads real input as well as it reads the test set. Training makes drawn
versions of the *training* images (`redrawn_images`: canvas strokes of digits, product photos and
illustrations of clothing), so that the models learn what users' pictures look like.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from classifier import numbers, settings, tasks
from classifier.files import write_atomically
from classifier.preprocessing import bounding_box
from classifier.settings import CANVAS_SIZE, IMAGE_SIZE, NUMBER_CANVAS

# The numbers the number reader learns from (`number_lines`): at most this many digits, this share touching.
NUMBER_LINE_DIGITS, TOUCHING_LINES = 5, 0.85

POLARITIES = ("white-on-black", "black-on-white", "colour-on-transparent")
# The share of drawn and styled training digits stored at low resolution and enlarged (`low_resolution`),
# as public sets of people's handwriting keep them (8x8 to 16x16 pixels; here 7 to 16).
LOW_RESOLUTION_SHARE = 0.2
# Training draws its digits on a canvas this many pixels wide: faster than the app's CANVAS_SIZE, and no worse
# to learn from (README, "Real input": drawn on 280 pixels, the CNN read fewer canvas-like validation digits).
TRAINING_CANVAS = 112


def _skeleton(digit28: np.ndarray, size: int) -> np.ndarray:
    """Return the one-pixel centre line of a test digit drawn at size x size pixels."""
    from skimage.morphology import skeletonize

    large = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BILINEAR))
    return skeletonize(large > 100)


def _round_brush(centre_line: np.ndarray, width: float) -> np.ndarray:
    """The ink (float 0..1) of a round brush `width` pixels wide drawn along a one-pixel centre line:
    every pixel within half a stroke width of the line, with a one-pixel soft edge."""
    return np.clip(width / 2 - ndimage.distance_transform_edt(~centre_line) + 0.5, 0.0, 1.0)


def canvas_digit(
    digit28: np.ndarray, rng: np.random.Generator, polarity: str | None = None, canvas_size: int = CANVAS_SIZE
) -> np.ndarray:
    """Redraw a 28x28 digit as a round-brush stroke on a CANVAS_SIZE (280) square canvas; return uint8 RGB or RGBA.

    The digit gets a random size (a third to nearly all of the canvas), a random place, a stroke
    width of 8 to 30 pixels and one of three polarities: white ink on black, dark ink on white, or
    coloured ink on a transparent background, as a canvas component returns it. A smaller
    `canvas_size` scales all of these down (training uses TRAINING_CANVAS).
    """
    polarity = polarity or POLARITIES[rng.integers(len(POLARITIES))]
    scale = canvas_size / CANVAS_SIZE
    size = int(rng.integers(canvas_size // 3, canvas_size - round(10 * scale)))
    width = float(rng.uniform(8, 30)) * scale
    stroke = _round_brush(_skeleton(digit28, size), width)
    canvas = np.zeros((canvas_size, canvas_size))
    top, left = (int(rng.integers(0, canvas_size - size + 1)) for _ in range(2))
    canvas[top : top + size, left : left + size] = stroke
    return in_colours(canvas, polarity, rng)


def rescanned_digit(digit28: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 28x28 digit as a scan or an enlarged picture gives it: upscaled 4 to 12 times (bilinear or bicubic),
    sometimes softened by a blur of up to 2 pixels, white on black; uint8 RGB.

    Canvas strokes have crisp edges; these have the soft ones of a resampled image.
    """
    size = IMAGE_SIZE * int(rng.integers(4, 13))
    method = Image.Resampling.BILINEAR if rng.random() < 0.5 else Image.Resampling.BICUBIC
    grey = np.asarray(Image.fromarray(digit28).resize((size, size), method), dtype=np.float32)
    if rng.random() < 0.5:
        grey = ndimage.gaussian_filter(grey, float(rng.uniform(0.5, 2.0)))
    grey = np.clip(grey, 0, 255).astype(np.uint8)
    return np.dstack([grey, grey, grey])


def low_resolution(drawing: np.ndarray, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """A drawing as a low-resolution digit set stores it and a viewer enlarges it: white on black, uint8 RGB.

    The ink (any white-on-black grey or RGB array) is cropped to its box, made square (keeping its
    shape, or stretched towards the square as some scanners normalise it), shrunk to 7 to 16 pixels
    a side by area averaging and kept in 17 grey levels (as optical digit sets store a 4x4 count), then
    enlarged to a random size and place on a canvas, blocky (nearest) or smooth (bilinear, bicubic).
    """
    grey = drawing if drawing.ndim == 2 else drawing[..., :3].max(axis=2)
    rows, columns = np.flatnonzero(grey.max(axis=1) > 0), np.flatnonzero(grey.max(axis=0) > 0)
    ink = Image.fromarray(grey[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1])
    side = max(ink.size)
    width = round(ink.width + (side - ink.width) * rng.uniform(0, 1) ** 2)  # 1s are often widened
    ink = ink.resize((max(width, 1), ink.height), Image.Resampling.BILINEAR)
    square = Image.new("L", (side, side))
    square.paste(ink, ((side - ink.width) // 2, (side - ink.height) // 2))
    pixels = int(rng.integers(7, 17))
    small = np.asarray(square.resize((pixels, pixels), Image.Resampling.BOX), dtype=np.float32)
    small = np.round(small / 255 * 16) * (255 / 16)
    size = int(rng.integers(canvas_size // 3, canvas_size - canvas_size // 28))
    method = (Image.Resampling.NEAREST, Image.Resampling.BILINEAR, Image.Resampling.BICUBIC)[rng.integers(3)]
    large = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8)).resize((size, size), method)
    canvas = Image.new("L", (canvas_size, canvas_size))
    canvas.paste(large, tuple(int(v) for v in rng.integers(0, canvas_size - size + 1, size=2)))
    grey = np.asarray(canvas)
    return np.dstack([grey, grey, grey])


def in_colours(ink: np.ndarray, polarity: str, rng: np.random.Generator) -> np.ndarray:
    """Ink (an (H, W) float array in 0..1) as a canvas gives it in one of POLARITIES: uint8 RGB or RGBA."""
    if polarity == "white-on-black":
        grey = (ink * 255).astype(np.uint8)
        return np.dstack([grey, grey, grey])
    if polarity == "black-on-white":
        grey = (255 - ink * 255).astype(np.uint8)
        return np.dstack([grey, grey, grey])
    rgba = np.zeros((*ink.shape, 4), dtype=np.uint8)
    rgba[..., :3] = rng.integers(0, 256, size=3)
    rgba[..., 3] = (ink * 255).astype(np.uint8)
    return rgba


def _digit_stroke(digit28: np.ndarray, size: int, width: float) -> np.ndarray:
    """A 28x28 digit as a round-brush stroke of `width` pixels, drawn `size` pixels tall and cropped to its ink; float 0..1."""
    stroke = _round_brush(np.pad(_skeleton(digit28, size), round(width)), width)
    return stroke[bounding_box(stroke > 0)]


def canvas_number(
    digits28: list[np.ndarray], rng: np.random.Generator, touching: bool = False, size: tuple[int, int] = NUMBER_CANVAS
) -> np.ndarray:
    """Write 28x28 digits left to right on a wide canvas (white ink on black, uint8 RGB), as a person writes a number.

    The digits share a random height and stroke width, each a little taller or shorter and higher or
    lower than the last. They are a random gap apart or, with `touching`, moved together until
    their strokes touch.
    """
    grey = (np.max(number_layers(digits28, rng, touching, size), axis=0) * 255).astype(np.uint8)
    return np.dstack([grey, grey, grey])


def number_layers(
    digits28: list[np.ndarray], rng: np.random.Generator, touching: bool = False, size: tuple[int, int] = NUMBER_CANVAS
) -> np.ndarray:
    """The number `canvas_number` writes, one layer per digit: (digits, height, width) ink in 0..1."""
    width, height = size
    count = len(digits28)
    digit_height = int(min(rng.uniform(0.35, 0.7) * height, 0.85 * width / (0.8 * count)))
    stroke_width = float(rng.uniform(0.06, 0.16)) * digit_height
    layers = np.zeros((count, height, width))
    strokes = [_digit_stroke(digit, int(digit_height * rng.uniform(0.9, 1.1)), stroke_width) for digit in digits28]
    gaps = [0.0 if touching else float(rng.uniform(0.05, 0.35)) * digit_height for _ in strokes]
    total = sum(stroke.shape[1] for stroke in strokes) + sum(gaps[1:])
    left = int(rng.integers(0, max(1, int(width - total))))
    middle = height // 2 + int(rng.integers(-height // 10, height // 10 + 1))
    for index, (stroke, gap) in enumerate(zip(strokes, gaps)):
        top = int(
            np.clip(
                middle - stroke.shape[0] // 2 + rng.integers(-stroke.shape[0] // 20, stroke.shape[0] // 20 + 1),
                0,
                height - stroke.shape[0],
            )
        )
        rows = slice(top, top + stroke.shape[0])
        if index:
            left += round(gap)
            # Touching: slide the digit left until its ink meets the others' (at most half its width).
            for _ in range(stroke.shape[1] // 2 if touching else 0):
                region = layers[:index, rows, left : left + stroke.shape[1]].max(axis=0)
                if ((region[:, : stroke.shape[1]] > 0.5) & (stroke[:, : region.shape[1]] > 0.5)).any():
                    break
                left -= 1
        left = min(left, width - stroke.shape[1])
        layers[index, rows, left : left + stroke.shape[1]] = stroke
        left += stroke.shape[1]
    return layers


def number_lines(
    digits28: np.ndarray, labels: np.ndarray, count: int, rng: np.random.Generator, working_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """`count` numbers of 1 to NUMBER_LINE_DIGITS of these digits, as the number reader reads them, to train it on.

    Each is written as `canvas_number` writes it, TOUCHING_LINES of them touching, then made a line
    (numbers.drawing_line). Returns the lines (count, LINE_HEIGHT, LINE_WIDTH) as uint8 and their
    digits' labels (count, MAX_DIGITS), -1 after the last digit.
    """
    lines = np.zeros((count, numbers.LINE_HEIGHT, numbers.LINE_WIDTH), dtype=np.uint8)
    digits = np.full((count, numbers.MAX_DIGITS), -1, dtype=np.int32)
    for index in range(count):
        chosen = rng.integers(0, len(labels), int(rng.integers(1, NUMBER_LINE_DIGITS + 1)))
        drawing = canvas_number(list(digits28[chosen]), rng, touching=bool(rng.random() < TOUCHING_LINES))
        lines[index] = np.round(numbers.drawing_line(drawing, working_size) * 255)
        digits[index, : len(chosen)] = labels[chosen]
    return lines, digits


def photo_clothing(item28: np.ndarray, rng: np.random.Generator) -> bytes:
    """Turn a 28x28 test item back into a product photo; return JPEG bytes.

    The item becomes dark on a light, slightly off-white background, tinted with a colour, upscaled
    6 to 14 times, placed off-centre on a larger canvas, and JPEG-compressed.
    """
    scale = int(rng.integers(6, 15))
    background = rng.uniform(225, 252, size=3).astype(np.float32)
    tint = rng.uniform(0.35, 1.0, size=3).astype(np.float32)
    item = np.asarray(Image.fromarray(item28).resize((28 * scale, 28 * scale), Image.Resampling.BICUBIC), dtype=np.float32)
    coverage = np.clip(item * np.float32(1 / 255), 0.0, 1.0)[..., None]
    photo_item = background * (1 - coverage) + (background * tint * (1 - coverage * np.float32(0.85))) * coverage
    margin = int(28 * scale * rng.uniform(0.15, 0.6))
    photo = np.full((28 * scale + 2 * margin, 28 * scale + 2 * margin, 3), background, dtype=np.float32)
    top, left = (int(rng.integers(0, 2 * margin + 1)) for _ in range(2))
    photo[top : top + 28 * scale, left : left + 28 * scale] = photo_item
    return as_camera_jpeg(photo, rng)


# Sensor noise is a random window of one fixed field of Gaussian noise (wrapping round for larger pictures):
# drawing fresh noise for every picture was most of the time a product photo took to make (20 ms, now 8.8).
NOISE_FIELD, NOISE_LEVEL = 512, 2.0


@functools.cache
def _noise_field() -> np.ndarray:
    field = np.random.default_rng(0).standard_normal((NOISE_FIELD, NOISE_FIELD, 3), dtype=np.float32)
    return field * np.float32(NOISE_LEVEL)


def as_camera_jpeg(pixels: np.ndarray, rng: np.random.Generator) -> bytes:
    """An (H, W, 3) float RGB picture (0..255) as a camera and a web page store it: with sensor noise of
    NOISE_LEVEL grey levels, JPEG-compressed at a quality of 60 to 91."""
    height, width = pixels.shape[:2]
    top, left = (int(v) for v in rng.integers(0, NOISE_FIELD, size=2))
    rows = _noise_field().take(range(top, top + height), axis=0, mode="wrap")
    noise = rows.take(range(left, left + width), axis=1, mode="wrap")
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=int(rng.integers(60, 92)))
    return buffer.getvalue()


def pen_stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: int) -> None:
    """One round-brush pen stroke through the points, as the canvas draws it."""
    draw.line(points, fill=255, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)


def _arc(centre: tuple[float, float], radii: tuple[float, float], start: float, end: float, steps: int = 16) -> list:
    """Points along an ellipse from angle `start` to `end` (degrees, clockwise on screen from 3 o'clock)."""
    angles = np.deg2rad(np.linspace(start, end, steps))
    return [(centre[0] + radii[0] * np.cos(a), centre[1] + radii[1] * np.sin(a)) for a in angles]


def _frame(rng: np.random.Generator, size: int) -> tuple[float, float, float, float]:
    """A random box for one digit on the canvas: left, top, width, height (the width 0.5-0.8 of the height)."""
    height = rng.uniform(0.5, 0.85) * size
    wide = rng.uniform(0.5, 0.8) * height
    return rng.uniform(0.05 * size, 0.95 * size - wide), rng.uniform(0.05 * size, 0.95 * size - height), wide, height


def _flagged_one(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 1 as much of Europe writes it: a long flag from the top, down and to the left, often on a foot."""
    height = rng.uniform(0.5, 0.85) * size
    middle, top = rng.uniform(0.35, 0.65) * size, rng.uniform(0.05 * size, 0.95 * size - height)
    slant = rng.uniform(-0.15, 0.2) * height
    peak, foot = (middle + slant / 2, top), (middle - slant / 2, top + height)
    flag, angle = rng.uniform(0.35, 0.6) * height, np.deg2rad(rng.uniform(20, 50))
    pen_stroke(draw, [(peak[0] - flag * np.cos(angle), peak[1] + flag * np.sin(angle)), peak, foot], width)
    if rng.random() < 0.5:
        base = rng.uniform(0.3, 0.5) * height
        pen_stroke(draw, [(foot[0] - base / 2, foot[1]), (foot[0] + base / 2, foot[1])], width)


def _crossed_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 7 with a bar across its stem."""
    left, top, wide, height = _frame(rng, size)
    corner, end = (left + wide, top), (left + wide * rng.uniform(0.15, 0.45), top + height)
    pen_stroke(draw, [(left, top + rng.uniform(0, 0.1) * height), corner, end], width)
    along, half = rng.uniform(0.4, 0.6), rng.uniform(0.25, 0.4) * wide
    x, y = corner[0] + (end[0] - corner[0]) * along, corner[1] + (end[1] - corner[1]) * along
    pen_stroke(draw, [(x - half, y), (x + half, y)], width)


def _open_four(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 4 with an open top: a short down stroke turning into the bar, and a separate stem."""
    left, top, wide, height = _frame(rng, size)
    bar = top + height * rng.uniform(0.5, 0.65)
    stem = left + wide * rng.uniform(0.55, 0.75)
    pen_stroke(draw, [(left + wide * rng.uniform(0.1, 0.35), top), (left, bar), (left + wide, bar)], width)
    pen_stroke(draw, [(stem + wide * rng.uniform(0, 0.15), top + height * rng.uniform(0, 0.15)), (stem, top + height)], width)


def _straight_nine(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 9 as a loop with a straight stem down from its right side."""
    left, top, wide, height = _frame(rng, size)
    loop = height * rng.uniform(0.35, 0.5)
    centre = (left + wide / 2, top + loop / 2)
    pen_stroke(draw, _arc(centre, (wide / 2, loop / 2), 0, 360, 24), width)
    pen_stroke(draw, [(left + wide, centre[1]), (left + wide * rng.uniform(0.75, 1.0), top + height)], width)


def _looped_two(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 2 with a small loop where the diagonal meets the base."""
    left, top, wide, height = _frame(rng, size)
    head = _arc((left + wide / 2, top + height * 0.25), (wide / 2, height * 0.25), 190, 370, 12)
    corner = (left + wide * rng.uniform(0.05, 0.2), top + height * 0.9)
    loop = _arc((corner[0] + wide * 0.08, corner[1] - height * 0.05), (wide * 0.1, height * 0.08), 135, 495, 12)
    pen_stroke(draw, [*head, corner, *loop, (left + wide, top + height * rng.uniform(0.88, 1.0))], width)


def _eastern_arabic_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 7 as Arabic and Persian schools write it (٧): a V (no model trains on it: see ADAPTATION_STYLES)."""
    left, top, wide, height = _frame(rng, size)
    bottom = (left + wide * rng.uniform(0.4, 0.6), top + height)
    tops = top + rng.uniform(0, 0.1, size=2) * height
    pen_stroke(draw, [(left, tops[0]), bottom, (left + wide, tops[1])], width)


# Handwriting styles MNIST (mostly American writers) has few of: style -> (digit, how it is drawn).
# The digit models train on them (styled_digits).
STYLES = {
    "flagged-1": (1, _flagged_one),
    "crossed-7": (7, _crossed_seven),
    "open-4": (4, _open_four),
    "straight-9": (9, _straight_nine),
    "looped-2": (2, _looped_two),
}


# A style that no model trains on, so that "Adapt to my handwriting" has something to learn
# (tests/test_adapt.py, bench/adapt.py): the Eastern Arabic 7, which the digit models misread, mostly as 4.
# (A slashed 0 was the style until the CNN learned from typefaces that slash their zeros.)
ADAPTATION_STYLES = {"eastern-arabic-7": (7, _eastern_arabic_seven)}


def styled_digit(style: str, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """A digit in one of STYLES or ADAPTATION_STYLES, drawn with pen strokes of random size, place, slant and width.

    Returns the drawing white on black, uint8.
    """
    _, draw_style = {**STYLES, **ADAPTATION_STYLES}[style]
    picture = Image.new("L", (canvas_size, canvas_size))
    width = round(rng.uniform(10, 26) * canvas_size / CANVAS_SIZE)
    draw_style(ImageDraw.Draw(picture), rng, canvas_size, max(width, 1))
    return np.asarray(picture)


def typed_digit(digit: int, rng: np.random.Generator, fonts: list[Path]) -> np.ndarray:
    """A digit typed in one of the fonts, at random size, place, tilt and stroke width, white on a black canvas (RGB)."""
    from classifier.outliers import drawn_character

    return drawn_character(rng, str(digit), fonts)


def stroked(drawing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A white-on-black drawing (a typed digit) redrawn along its centre line with a round brush, as a finger or a
    mouse draws on the canvas: the font's own thick and thin strokes become one width, 5 to 25 % of the
    digit's longer side (bench/robustness.py). Returns white on black, uint8 RGB, padded so that the brush stays
    on the canvas."""
    from skimage.morphology import skeletonize

    ink = (drawing if drawing.ndim == 2 else drawing[..., 0]) > 127
    side = max(extent.stop - extent.start for extent in bounding_box(ink))
    width = max(2.0, float(rng.uniform(0.05, 0.25)) * side)
    return in_colours(_round_brush(np.pad(skeletonize(ink), round(width)), width), "white-on-black", rng)


def styled_digits(task: tasks.Task, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits in writing styles MNIST lacks, preprocessed as the app does: uint8 images and their labels.

    A third are drawn in STYLES (an equal share each), two thirds typed in the "tuning" fonts of
    classifier/outliers.py (printed and handwriting typefaces); its "held-out" fonts stay out of
    training so that bench/robustness.py can measure how well this generalises. LOW_RESOLUTION_SHARE
    of them are then stored at low resolution and enlarged again (`low_resolution`).
    """
    from classifier.outliers import fonts
    from classifier.preprocessing import as_uint8, preprocess

    rng = np.random.default_rng(seed)
    typefaces = fonts("tuning")
    styles = list(STYLES)
    images, labels = [], []
    for index in range(count):
        if index % 3:
            digit = int(rng.integers(10))
            picture = typed_digit(digit, rng, typefaces)
        else:
            style = styles[(index // 3) % len(styles)]
            digit = STYLES[style][0]
            picture = styled_digit(style, rng)
        if rng.random() < LOW_RESOLUTION_SHARE:
            picture = low_resolution(picture, rng)
        images.append(as_uint8(preprocess(task, picture)))
        labels.append(digit)
    return np.stack(images), np.asarray(labels, dtype=np.int32)


# Clothing emoji of Noto Color Emoji (a Debian font) and their Fashion-MNIST class: illustrations that no
# training or tuning step sees (the domain check's outlier objects are other emoji), for bench/robustness.py.
CLOTHING_EMOJI = {
    "👕": 0, "👚": 0, "👖": 1, "👗": 3, "🧥": 4, "👡": 5, "🩴": 5, "👔": 6, "👟": 7, "👜": 8, "👛": 8, "💼": 8, "👢": 9, "🥾": 9,
}  # fmt: skip


# Clothing drawn by people, that the clothing models learn from (styled_clothing): the emoji of eight open
# sets (Twemoji, OpenMoji, Microsoft's Fluent in its colour, flat and 3-D styles, EmojiOne, Mozilla's
# FxEmoji, Streamline), one PNG file per code point and set where the set draws it
# (assets/illustrations/README.md), and each one's Fashion-MNIST class (no pullover has an emoji).
# Noto's (CLOTHING_EMOJI), Apple's and Facebook's stay out: benchmarks.
ILLUSTRATIONS_DIR = settings.ASSETS_DIR / "illustrations"
ILLUSTRATION_SETS = ("twemoji", "openmoji", "fluent", "fluent-flat", "fluent-3d", "emojione", "fxemoji", "streamline")
ILLUSTRATION_CLASSES = {
    "1f455": 0, "1f45a": 0, "1f3bd": 0, "1f456": 1, "1f457": 3, "1f9e5": 4, "1f97c": 4, "1f461": 5, "1fa74": 5,
    "1f454": 6, "1f45f": 7, "1f45c": 8, "1f45b": 8, "1f4bc": 8, "1f45d": 8, "1f392": 8, "1f462": 9, "1f97e": 9,
}  # fmt: skip


def clothing_pictures() -> list[tuple[Image.Image, int]]:
    """The clothing illustrations of ILLUSTRATION_SETS as RGBA pictures, with their class."""
    return [
        (Image.open(path).convert("RGBA"), label)
        for folder in ILLUSTRATION_SETS
        for code, label in ILLUSTRATION_CLASSES.items()
        if (path := ILLUSTRATIONS_DIR / folder / f"{code}.png").exists()
    ]


def _turn_hue(rgb: np.ndarray, angle: float) -> np.ndarray:
    """Turn the colours of an (..., 3) array around the grey axis by `angle` radians (greys stay grey)."""
    axis = np.full(3, 1 / np.sqrt(3))
    cross = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rotation = np.cos(angle) * np.eye(3) + np.sin(angle) * cross + (1 - np.cos(angle)) * np.outer(axis, axis)
    return rgb @ rotation.T


def _lit(rgb: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Flat colours shaded as a 3-D render's: lit from a random side (darker away from it, and towards the
    item's edges) with a soft highlight near the light."""
    height, width = mask.shape
    rows, columns = np.mgrid[0:height, 0:width] / max(height, width)
    angle = rng.uniform(0, 2 * np.pi)
    towards = (columns - 0.5) * np.cos(angle) + (rows - 0.5) * np.sin(angle)  # -0.7..0.7, larger nearer the light
    inside = ndimage.distance_transform_edt(mask)
    depth = np.clip(inside / (inside.max() + 1e-6) * 3, 0, 1)  # 0 at the edge, 1 a third of the way in
    light = rng.uniform(0.45, 0.8) + rng.uniform(0.3, 0.7) * (towards + 0.7) / 1.4 * (0.6 + 0.4 * depth)
    centre = (0.5 + 0.3 * np.cos(angle), 0.5 + 0.3 * np.sin(angle))
    highlight = np.exp(-((columns - centre[0]) ** 2 + (rows - centre[1]) ** 2) / 0.02) * rng.uniform(0, 70)
    return np.clip(rgb * light[..., None] + (highlight * depth)[..., None], 0, 255)


def restyled_clothing(picture: Image.Image, rng: np.random.Generator) -> np.ndarray | bytes:
    """A clothing illustration as people upload one: an RGBA array (transparent background) or JPEG bytes.

    It is often recoloured, sometimes lit from one side as a 3-D render is (`_lit`), mirrored half the
    time, turned up to 35 degrees, scaled so that its longer side is 60 to 360 pixels, sometimes given a
    soft drop shadow, and put on a transparent, white or light-coloured background with a random margin.
    """
    rgba = np.asarray(picture, dtype=np.float32)
    if rng.random() < 0.6:
        colour = _turn_hue(rgba[..., :3], float(rng.uniform(0, 2 * np.pi))) * rng.uniform(0.7, 1.15)
        rgba = np.dstack([np.clip(colour, 0, 255), rgba[..., 3]])
    if rng.random() < 0.4:
        rgba = np.dstack([_lit(rgba[..., :3], rgba[..., 3] > 0, rng), rgba[..., 3]])
    picture = Image.fromarray(rgba.astype(np.uint8), "RGBA")
    if rng.random() < 0.5:
        picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    picture = picture.rotate(float(rng.uniform(-35, 35)), expand=True, resample=Image.Resampling.BICUBIC)
    picture = picture.crop(picture.getbbox() or (0, 0, *picture.size))
    scale = float(rng.uniform(60, 360)) / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    picture = picture.resize(size, Image.Resampling.BICUBIC)
    margin = int(max(picture.size) * rng.uniform(0.05, 0.5)) + 2
    canvas = Image.new("RGBA", (picture.width + 2 * margin, picture.height + 2 * margin))
    if rng.random() < 0.25:
        alpha = ndimage.gaussian_filter(np.asarray(picture.getchannel("A"), dtype=np.float32), max(picture.size) / 60)
        shadow = Image.fromarray((alpha * rng.uniform(0.2, 0.5)).astype(np.uint8))
        offset = tuple(margin + int(v) for v in rng.integers(1, max(2, margin // 2), size=2))
        canvas.paste(Image.new("RGBA", picture.size, (0, 0, 0, 255)), offset, shadow)
    canvas.alpha_composite(picture, (margin, margin))
    background = rng.random()
    if background < 0.35:
        return np.asarray(canvas)
    fill = (255, 255, 255) if background < 0.75 else tuple(int(v) for v in rng.uniform(215, 252, size=3))
    photo = Image.alpha_composite(Image.new("RGBA", canvas.size, (*fill, 255)), canvas).convert("RGB")
    return as_camera_jpeg(np.asarray(photo, dtype=np.float32), rng)


def styled_clothing(task: tasks.Task, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` clothing illustrations (clothing_pictures, restyled), preprocessed as the app does: uint8 images and labels.

    Each class that has an illustration gets an equal share.
    """
    from classifier.preprocessing import as_uint8, open_image, preprocess

    rng = np.random.default_rng(seed)
    pictures = clothing_pictures()
    if not pictures:
        raise FileNotFoundError(f"No clothing illustrations in {ILLUSTRATIONS_DIR}: see its README.md.")
    by_class: dict[int, list[Image.Image]] = {}
    for picture, label in pictures:
        by_class.setdefault(label, []).append(picture)
    classes = sorted(by_class)
    images, labels = [], []
    for index in range(count):
        label = classes[index % len(classes)]
        made = restyled_clothing(by_class[label][rng.integers(len(by_class[label]))], rng)
        images.append(as_uint8(preprocess(task, open_image(made) if isinstance(made, bytes) else made)))
        labels.append(label)
    return np.stack(images), np.asarray(labels, dtype=np.int32)


def _styled_chunk(arguments: tuple[tasks.Task, int, int]) -> tuple[np.ndarray, np.ndarray]:
    task, count, seed = arguments
    return (styled_digits if task.input_kind == "drawing" else styled_clothing)(task, count, seed)


def styled_images(task: tasks.Task, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """What a task's `styled_fraction` trains on: digits in writing styles MNIST lacks, or clothing illustrations.

    From 4,000 on, they are made on every core, in chunks of about 2,000 with seeds of their own.
    """
    from concurrent.futures import ProcessPoolExecutor

    counts = [len(chunk) for chunk in np.array_split(np.arange(count), max(1, count // 2000))]
    if len(counts) < 2:
        return _styled_chunk((task, count, seed))
    with ProcessPoolExecutor() as pool:
        parts = list(pool.map(_styled_chunk, [(task, part, seed + 1000 * index) for index, part in enumerate(counts)]))
    return np.concatenate([part[0] for part in parts]), np.concatenate([part[1] for part in parts])


# How a test image of each kind of input (a task's `input_kind`) is turned into what a user gives the app.
REALISTIC_KINDS = {"drawing": "canvas-like", "photo": "photo-like"}


def realistic(task: tasks.Task, image28: np.ndarray, rng: np.random.Generator) -> np.ndarray | bytes:
    """A test image as a user would give it: a canvas drawing (an RGB or RGBA array) or a product photo (JPEG bytes)."""
    return canvas_digit(image28, rng) if task.input_kind == "drawing" else photo_clothing(image28, rng)


def naive_resize(image: np.ndarray | bytes) -> np.ndarray:
    """What most demo apps do: shrink the whole picture to 28x28 greyscale (the comparison baseline)."""
    picture = Image.open(io.BytesIO(image)) if isinstance(image, bytes) else Image.fromarray(image)
    if picture.mode == "RGBA":
        picture = Image.fromarray(np.asarray(picture)[..., 3])
    size = (IMAGE_SIZE, IMAGE_SIZE)
    return np.asarray(picture.convert("L").resize(size, Image.Resampling.BILINEAR), dtype=np.float32) / 255.0


def illustrated_clothing(item28: np.ndarray, rng: np.random.Generator, size: int = 160) -> np.ndarray:
    """Turn a 28x28 item into a clothing illustration, as found on the web: an (H, W, 4) uint8 RGBA array.

    The item is upscaled and painted in two to four flat colours, often with a dark outline, sometimes
    with a soft drop shadow, turned up to 30 degrees, on a transparent, white or light-coloured background.
    """
    item = Image.fromarray(item28).resize((size, size), Image.Resampling.BICUBIC)
    item = item.rotate(float(rng.uniform(-30, 30)) if rng.random() < 0.5 else 0.0, resample=Image.Resampling.BILINEAR)
    grey = np.asarray(item, dtype=np.float32) / 255.0
    mask = grey > rng.uniform(0.05, 0.2)
    if not mask.any():
        mask = grey > 0
    # Flat colours: the item's grey levels in 2-4 bands, each a colour of one random hue, lighter or darker.
    levels = int(rng.integers(2, 5))
    bands = np.minimum((grey * levels).astype(int), levels - 1)
    hue = rng.uniform(0, 255, size=3)
    shades = np.linspace(rng.uniform(0.3, 0.6), rng.uniform(0.9, 1.3), levels)
    colour = np.clip(hue[None, None] * shades[bands][..., None] + rng.uniform(0, 40), 0, 255)
    rgba = np.zeros((size, size, 4), dtype=np.float32)
    rgba[..., :3], rgba[..., 3] = colour, mask * 255.0
    if rng.random() < 0.6:
        width = int(rng.integers(1, 5))
        edge = ndimage.binary_dilation(mask, iterations=width) & ~ndimage.binary_erosion(mask, iterations=1)
        rgba[edge] = (*rng.uniform(0, 60, size=3), 255.0)
    picture = Image.fromarray(rgba.astype(np.uint8), "RGBA")
    margin = size // 4
    canvas = Image.new("RGBA", (size + 2 * margin, size + 2 * margin))
    if rng.random() < 0.3:
        offset = tuple(int(v) for v in rng.integers(3, 12, size=2))
        shadow = Image.fromarray((ndimage.gaussian_filter(mask.astype(np.float32), 4) * 90).astype(np.uint8))
        canvas.paste(Image.new("RGBA", (size, size), (0, 0, 0, 255)), (margin + offset[0], margin + offset[1]), shadow)
    canvas.alpha_composite(picture, (margin, margin))
    background = rng.random()
    if background < 0.4:
        return np.asarray(canvas)
    fill = (255, 255, 255) if background < 0.8 else tuple(int(v) for v in rng.uniform(215, 250, size=3))
    return np.asarray(Image.alpha_composite(Image.new("RGBA", canvas.size, (*fill, 255)), canvas))


def redrawn(task: tasks.Task, image28: np.ndarray, rng: np.random.Generator) -> np.ndarray | bytes:
    """A training image as users give it, for training: a canvas stroke (or, LOW_RESOLUTION_SHARE of them, the
    digit stored at low resolution and enlarged), or a product photo or an illustration."""
    if task.input_kind == "drawing":
        if rng.random() < LOW_RESOLUTION_SHARE:
            return low_resolution(image28, rng, canvas_size=TRAINING_CANVAS)
        return canvas_digit(image28, rng, "white-on-black", canvas_size=TRAINING_CANVAS)
    return photo_clothing(image28, rng) if rng.random() < 0.5 else illustrated_clothing(image28, rng)


def _redrawn_chunk(arguments: tuple[tasks.Task, np.ndarray, int, bool]) -> np.ndarray:
    from classifier.preprocessing import open_image, preprocess

    task, images, seed, as_users = arguments
    make = realistic if as_users else redrawn
    rng = np.random.default_rng(seed)
    made = []
    for image in images:
        picture = make(task, image, rng)
        made.append(preprocess(task, open_image(picture) if isinstance(picture, bytes) else picture))
    return (np.stack(made) * 255).round().astype(np.uint8)


def redrawn_images(
    task: tasks.Task, images: np.ndarray, seed: int, workers: int | None = None, as_users: bool = False
) -> np.ndarray:
    """Return each 28x28 image redrawn (see `redrawn`; with `as_users`, see `realistic`) and preprocessed as the
    task's app does, as uint8, on every core."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = np.array_split(images, max(1, len(images) // 2000))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        arguments = [(task, chunk, seed + index, as_users) for index, chunk in enumerate(chunks)]
        return np.concatenate(list(pool.map(_redrawn_chunk, arguments)))


def write_example_photos(task: tasks.Task, images: np.ndarray, labels: np.ndarray, seed: int = 7) -> list[Path]:
    """Write one product photo per class of a photo task, made from its test images, to assets/examples/."""
    rng = np.random.default_rng(seed)
    paths = []
    for label, class_name in enumerate(task.class_names):
        item = images[np.flatnonzero(labels == label)[0]]
        path = settings.example_path(class_name)
        write_atomically(path, photo_clothing(item, rng))
        paths.append(path)
    return paths
