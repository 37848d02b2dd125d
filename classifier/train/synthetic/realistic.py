"""Whole sets of realistic inputs: test and training images redrawn or rephotographed, in parallel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from classifier.core import settings, tasks
from classifier.core.files import write_atomically
from classifier.core.settings import IMAGE_SIZE
from classifier.train.synthetic.clothing import illustrated_clothing, photo_clothing, styled_clothing
from classifier.train.synthetic.strokes import LOW_RESOLUTION_SHARE, TRAINING_CANVAS, canvas_digit, low_resolution
from classifier.train.synthetic.styles import styled_digits


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


def redrawn(task: tasks.Task, image28: np.ndarray, rng: np.random.Generator) -> np.ndarray | bytes:
    """A training image as users give it, for training: a canvas stroke (or, LOW_RESOLUTION_SHARE of them, the
    digit stored at low resolution and enlarged), or a product photo or an illustration."""
    if task.input_kind == "drawing":
        if rng.random() < LOW_RESOLUTION_SHARE:
            return low_resolution(image28, rng, canvas_size=TRAINING_CANVAS)
        return canvas_digit(image28, rng, "white-on-black", canvas_size=TRAINING_CANVAS)
    return photo_clothing(image28, rng) if rng.random() < 0.5 else illustrated_clothing(image28, rng)


def _redrawn_chunk(arguments: tuple[tasks.Task, np.ndarray, int, bool]) -> np.ndarray:
    from classifier.serve.preprocessing import open_image, preprocess

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
