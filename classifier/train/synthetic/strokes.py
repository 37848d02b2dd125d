"""Digits drawn as a finger or a mouse draws them on the canvas: strokes, colours, low resolution."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from classifier.core.settings import CANVAS_SIZE, IMAGE_SIZE
from classifier.serve.preprocessing import bounding_box

POLARITIES = ("white-on-black", "black-on-white", "colour-on-transparent")


# The share of drawn and styled training digits stored at low resolution and enlarged (`low_resolution`),
# as public sets of people's handwriting keep them (8x8 to 16x16 pixels; here 7 to 16).
LOW_RESOLUTION_SHARE = 0.2


# Training draws its digits on a canvas this many pixels wide: faster than the app's CANVAS_SIZE, and no worse
# to learn from, as small drawings are the harder lesson (docs/experiments.md, "Training strokes drawn on the
# app's 280-pixel canvas").
TRAINING_CANVAS = 112


def skeleton(digit28: np.ndarray, size: int) -> np.ndarray:
    """Return the one-pixel centre line of a test digit drawn at size x size pixels."""
    from skimage.morphology import skeletonize

    large = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BILINEAR))
    return skeletonize(large > 100)


def round_brush(centre_line: np.ndarray, width: float) -> np.ndarray:
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
    stroke = round_brush(skeleton(digit28, size), width)
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


def pen_stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: int) -> None:
    """One round-brush pen stroke through the points, as the canvas draws it."""
    draw.line(points, fill=255, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)


def arc(centre: tuple[float, float], radii: tuple[float, float], start: float, end: float, steps: int = 16) -> list:
    """Points along an ellipse from angle `start` to `end` (degrees, clockwise on screen from 3 o'clock)."""
    angles = np.deg2rad(np.linspace(start, end, steps))
    return [(centre[0] + radii[0] * np.cos(a), centre[1] + radii[1] * np.sin(a)) for a in angles]


def stroked(drawing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A white-on-black drawing (a typed digit) redrawn along its centre line with a round brush, as a finger or a
    mouse draws on the canvas: the font's own thick and thin strokes become one width, 5 to 25 % of the
    digit's longer side (bench/robustness.py). Returns white on black, uint8 RGB, padded so that the brush stays
    on the canvas."""
    from skimage.morphology import skeletonize

    ink = (drawing if drawing.ndim == 2 else drawing[..., 0]) > 127
    side = max(extent.stop - extent.start for extent in bounding_box(ink))
    width = max(2.0, float(rng.uniform(0.05, 0.25)) * side)
    return in_colours(round_brush(np.pad(skeletonize(ink), round(width)), width), "white-on-black", rng)


def canvas_rgb(ink: Image.Image) -> np.ndarray:
    """A white-on-black L image as the RGB array the canvas gives."""
    grey = np.asarray(ink)
    return np.dstack([grey, grey, grey])
