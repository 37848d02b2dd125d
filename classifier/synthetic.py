"""Realistic inputs made from MNIST and Fashion-MNIST: canvas drawings of digits and product photos of clothing.

The robustness benchmark and the tests make them from the official test sets to check that
preprocessing plus a model reads real input as well as it reads the test set. Training makes drawn
versions of the *training* digits (`drawn_digits`), so that the digit models learn what drawings look like.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

from classifier import settings, tasks
from classifier.files import write_atomically
from classifier.settings import CANVAS_SIZE, IMAGE_SIZE

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
