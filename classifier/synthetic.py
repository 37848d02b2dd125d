"""Realistic inputs made from MNIST and Fashion-MNIST: canvas drawings of digits and product photos of clothing.

The robustness benchmark and the tests make them from the official test sets to check that
preprocessing plus a model reads real input as well as it reads the test set. Training makes drawn
versions of the *training* digits (`drawn_digits`), so that the digit models learn what drawings look like.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from classifier import settings, tasks
from classifier.files import write_atomically
from classifier.settings import CANVAS_SIZE, IMAGE_SIZE, NUMBER_CANVAS

POLARITIES = ("white-on-black", "black-on-white", "colour-on-transparent")


def _skeleton(digit28: np.ndarray, size: int) -> np.ndarray:
    """Return the one-pixel centre line of a test digit drawn at size x size pixels."""
    from skimage.morphology import skeletonize

    large = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BILINEAR))
    return skeletonize(large > 100)


def canvas_digit(
    digit28: np.ndarray, rng: np.random.Generator, polarity: str | None = None, canvas_size: int = CANVAS_SIZE
) -> np.ndarray:
    """Redraw a 28x28 digit as a round-brush stroke on a CANVAS_SIZE (280) square canvas; return uint8 RGB or RGBA.

    The digit gets a random size (a third to nearly all of the canvas), a random place, a stroke
    width of 8 to 30 pixels and one of three polarities: white ink on black, dark ink on white, or
    coloured ink on a transparent background, as a canvas component returns it. A smaller
    `canvas_size` scales all of these down (training uses 112 pixels, which is faster).
    """
    polarity = polarity or POLARITIES[rng.integers(len(POLARITIES))]
    scale = canvas_size / CANVAS_SIZE
    size = int(rng.integers(canvas_size // 3, canvas_size - round(10 * scale)))
    width = float(rng.uniform(8, 30)) * scale
    skeleton = _skeleton(digit28, size)
    # A round brush: every pixel within half a stroke width of the centre line is ink.
    distance = ndimage.distance_transform_edt(~skeleton)
    stroke = np.clip(width / 2 - distance + 0.5, 0.0, 1.0)
    canvas = np.zeros((canvas_size, canvas_size))
    top, left = (int(rng.integers(0, canvas_size - size + 1)) for _ in range(2))
    canvas[top : top + size, left : left + size] = stroke
    if polarity == "white-on-black":
        grey = (canvas * 255).astype(np.uint8)
        return np.dstack([grey, grey, grey])
    if polarity == "black-on-white":
        grey = (255 - canvas * 255).astype(np.uint8)
        return np.dstack([grey, grey, grey])
    colour = rng.integers(0, 256, size=3)
    rgba = np.zeros((canvas_size, canvas_size, 4), dtype=np.uint8)
    rgba[..., :3] = colour
    rgba[..., 3] = (canvas * 255).astype(np.uint8)
    return rgba


def _digit_stroke(digit28: np.ndarray, size: int, width: float) -> np.ndarray:
    """A 28x28 digit as a round-brush stroke of `width` pixels, drawn `size` pixels tall and cropped to its ink; float 0..1."""
    skeleton = np.pad(_skeleton(digit28, size), round(width))
    stroke = np.clip(width / 2 - ndimage.distance_transform_edt(~skeleton) + 0.5, 0.0, 1.0)
    rows, columns = np.flatnonzero(stroke.any(axis=1)), np.flatnonzero(stroke.any(axis=0))
    return stroke[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def canvas_number(
    digits28: list[np.ndarray], rng: np.random.Generator, touching: bool = False, size: tuple[int, int] = NUMBER_CANVAS
) -> np.ndarray:
    """Write 28x28 digits left to right on a wide canvas (white ink on black, uint8 RGB), as a person writes a number.

    The digits share a random height and stroke width, each a little taller or shorter and higher or
    lower than the last. They are a random gap apart or, with `touching`, moved together until
    their strokes touch.
    """
    width, height = size
    count = len(digits28)
    digit_height = int(min(rng.uniform(0.35, 0.7) * height, 0.85 * width / (0.8 * count)))
    stroke_width = float(rng.uniform(0.06, 0.16)) * digit_height
    canvas = np.zeros((height, width))
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
            # Touching: slide the digit left until its ink meets the last one's (at most half its width).
            for _ in range(stroke.shape[1] // 2 if touching else 0):
                region = canvas[rows, left : left + stroke.shape[1]]
                if ((region[:, : stroke.shape[1]] > 0.5) & (stroke[:, : region.shape[1]] > 0.5)).any():
                    break
                left -= 1
        left = min(left, width - stroke.shape[1])
        region = canvas[rows, left : left + stroke.shape[1]]
        np.maximum(region, stroke, out=region)
        left += stroke.shape[1]
    grey = (canvas * 255).astype(np.uint8)
    return np.dstack([grey, grey, grey])


def photo_clothing(item28: np.ndarray, rng: np.random.Generator) -> bytes:
    """Turn a 28x28 test item back into a product photo; return JPEG bytes.

    The item becomes dark on a light, slightly off-white background, tinted with a colour, upscaled
    6 to 14 times, placed off-centre on a larger canvas, and JPEG-compressed.
    """
    scale = int(rng.integers(6, 15))
    background = rng.uniform(225, 252, size=3)
    tint = rng.uniform(0.35, 1.0, size=3)
    item = np.asarray(Image.fromarray(item28).resize((28 * scale, 28 * scale), Image.Resampling.BICUBIC), dtype=np.float64)
    coverage = np.clip(item / 255.0, 0.0, 1.0)[..., None]
    photo_item = background * (1 - coverage) + (background * tint * (1 - coverage * 0.85)) * coverage
    margin = int(28 * scale * rng.uniform(0.15, 0.6))
    height = width = 28 * scale + 2 * margin
    photo = np.ones((height, width, 3)) * background
    top, left = (int(rng.integers(0, 2 * margin + 1)) for _ in range(2))
    photo[top : top + 28 * scale, left : left + 28 * scale] = photo_item
    photo += rng.normal(0, 2.0, size=photo.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=int(rng.integers(60, 92)))
    return buffer.getvalue()


def _polyline(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: int) -> None:
    """One pen stroke through the points, with round ends and joints."""
    draw.line(points, fill=255, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)


def _flagged_one(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 1 as much of Europe writes it: a long flag from the top, down and to the left, often on a foot."""
    height = rng.uniform(0.5, 0.85) * size
    middle, top = rng.uniform(0.35, 0.65) * size, rng.uniform(0.05 * size, 0.95 * size - height)
    slant = rng.uniform(-0.15, 0.2) * height
    peak, foot = (middle + slant / 2, top), (middle - slant / 2, top + height)
    flag, angle = rng.uniform(0.35, 0.6) * height, np.deg2rad(rng.uniform(20, 50))
    _polyline(draw, [(peak[0] - flag * np.cos(angle), peak[1] + flag * np.sin(angle)), peak, foot], width)
    if rng.random() < 0.5:
        base = rng.uniform(0.3, 0.5) * height
        _polyline(draw, [(foot[0] - base / 2, foot[1]), (foot[0] + base / 2, foot[1])], width)


def _crossed_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 7 with a bar across its stem."""
    height = rng.uniform(0.5, 0.85) * size
    wide = rng.uniform(0.5, 0.8) * height
    left, top = rng.uniform(0.05 * size, 0.95 * size - wide), rng.uniform(0.05 * size, 0.95 * size - height)
    corner, end = (left + wide, top), (left + wide * rng.uniform(0.15, 0.45), top + height)
    _polyline(draw, [(left, top + rng.uniform(0, 0.1) * height), corner, end], width)
    along, half = rng.uniform(0.4, 0.6), rng.uniform(0.25, 0.4) * wide
    x, y = corner[0] + (end[0] - corner[0]) * along, corner[1] + (end[1] - corner[1]) * along
    _polyline(draw, [(x - half, y), (x + half, y)], width)


# Handwriting styles MNIST (mostly American writers) has few of: style -> (digit, how it is drawn).
STYLES = {"flagged-1": (1, _flagged_one), "crossed-7": (7, _crossed_seven)}


def styled_digit(style: str, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """A digit in one of STYLES, drawn with pen strokes of random size, place, slant and width (white on black, uint8)."""
    _, draw_style = STYLES[style]
    picture = Image.new("L", (canvas_size, canvas_size))
    width = round(rng.uniform(10, 26) * canvas_size / CANVAS_SIZE)
    draw_style(ImageDraw.Draw(picture), rng, canvas_size, max(width, 1))
    return np.asarray(picture)


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


def _drawn_chunk(arguments: tuple[tasks.Task, np.ndarray, int]) -> np.ndarray:
    from classifier.preprocessing import preprocess

    task, digits, seed = arguments
    rng = np.random.default_rng(seed)
    drawn = [preprocess(task, canvas_digit(digit, rng, "white-on-black", canvas_size=112)) for digit in digits]
    return (np.stack(drawn) * 255).round().astype(np.uint8)


def drawn_digits(task: tasks.Task, digits: np.ndarray, seed: int, workers: int | None = None) -> np.ndarray:
    """Return each 28x28 image redrawn as a canvas stroke and preprocessed as the task's app does, as uint8."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = np.array_split(digits, max(1, len(digits) // 2000))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        arguments = [(task, chunk, seed + index) for index, chunk in enumerate(chunks)]
        return np.concatenate(list(pool.map(_drawn_chunk, arguments)))


def write_example_photos(task: tasks.Task, images: np.ndarray, labels: np.ndarray, seed: int = 7) -> list[Path]:
    """Write one product photo per class of a photo task, made from its test images, to assets/examples/."""
    rng = np.random.default_rng(seed)
    paths = []
    for label, class_name in enumerate(task.class_names):
        item = images[np.flatnonzero(labels == label)[0]]
        path = settings.EXAMPLES_DIR / f"{class_name.lower().replace('/', '-').replace(' ', '-')}.jpg"
        write_atomically(path, photo_clothing(item, rng))
        paths.append(path)
    return paths
