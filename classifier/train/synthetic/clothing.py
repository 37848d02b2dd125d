"""Clothing as users photograph or draw it: product photos and emoji illustrations."""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image
from scipy import ndimage

from classifier.core import settings, tasks


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
# drawing fresh noise for every picture would be most of the time a product photo takes to make.
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
    from classifier.core.arrays import as_uint8
    from classifier.serve.preprocessing import open_image, preprocess

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
