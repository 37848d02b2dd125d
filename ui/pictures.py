"""Pictures for display, at their own small size for `pixel_figures` to show enlarged with visible pixels: a model's
28x28 input, feature maps, hidden units, why-maps and training images; and drawings with boxes, photo thumbnails."""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import streamlit as st
from PIL import Image

# A dark-to-bright colour scale (close to matplotlib's "magma"): activity is bright, silence dark.
_ANCHORS = np.array([[0, 0, 4], [80, 18, 123], [182, 54, 121], [251, 136, 97], [252, 253, 191]], dtype=np.float32)
MAGMA = np.stack(
    [np.interp(np.linspace(0, 1, 256), np.linspace(0, 1, len(_ANCHORS)), _ANCHORS[:, c]) for c in range(3)], 1
).astype(np.uint8)


def figure_html(picture: Image.Image, width: int, caption: str | None = None, colour: str | None = None) -> str:
    """One small picture as an HTML figure (a PNG data URI, `width` pixels wide, with its caption in `colour`, a CSS
    colour name), for `pixel_figures` and for views that lay several out in one `st.html` block (ui/inside.py)."""
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)
    source = base64.b64encode(buffer.getvalue()).decode("ascii")
    style = f' style="color:{html.escape(colour)}"' if colour else ""
    below = f"<figcaption{style}>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="pixels"><img src="data:image/png;base64,{source}" style="width:{width}px" alt="">{below}</figure>'


def pixel_figures(
    pictures: list[Image.Image], width: int, captions: list[str] | None = None, colours: list[str] | None = None
) -> None:
    """Show small pictures side by side (wrapping on a narrow screen), each `width` pixels wide with its pixels as
    sharp squares, with a caption under each.

    The pictures go inside the page as PNGs (data URIs), at their own small size, and the browser
    enlarges them: on every stroke no picture is fetched, and a few kilobytes travel instead of a JPEG
    of tens. The `pixels` classes are styled in app.py.
    """
    captions = captions or [None] * len(pictures)
    colours = colours or [None] * len(pictures)
    figures = "".join(
        figure_html(picture, width, caption, colour) for picture, caption, colour in zip(pictures, captions, colours)
    )
    st.html(f'<div class="pixels">{figures}</div>')


def pixel_figure(picture: Image.Image, width: int, caption: str | None = None) -> None:
    """Show one small picture as `pixel_figures` does."""
    pixel_figures([picture], width, [caption] if caption else None)


def grey28(image28: np.ndarray) -> Image.Image:
    """A 28x28 image in 0..1 as a greyscale picture at its own size (to show with `pixel_figure`)."""
    return Image.fromarray((np.clip(image28, 0.0, 1.0) * 255).astype(np.uint8))


def thumbnail(picture: Image.Image, size: int = 160) -> Image.Image:
    """Return a small RGB copy of an uploaded picture."""
    small = picture.convert("RGB")
    small.thumbnail((size, size))
    return small


def _coloured(values: np.ndarray, top: float) -> np.ndarray:
    """Values from 0 to `top` as MAGMA colours, (..., 3) uint8."""
    return MAGMA[(np.clip(values / max(top, 1e-6), 0.0, 1.0) * 255).astype(np.uint8)]


def feature_grid(maps: np.ndarray, columns: int = 8, scale: int = 1, gap: int = 1) -> Image.Image:
    """Every feature map of an (H, W, maps) layer as a small picture in a grid, on one colour scale per layer.

    Each map is enlarged `scale` times, and maps are `gap` white pixels apart. One scale for the whole
    layer (its largest value is brightest) shows which maps respond most.
    """
    height, width, count = maps.shape
    rows = -(-count // columns)
    tiles = np.moveaxis(_coloured(maps, float(maps.max())), 2, 0).repeat(scale, axis=1).repeat(scale, axis=2)
    # A white border right of and below every tile, and white tiles to fill the last row.
    tiles = np.pad(tiles, ((0, rows * columns - count), (0, gap), (0, gap), (0, 0)), constant_values=255)
    tall, wide = height * scale + gap, width * scale + gap
    grid = tiles.reshape(rows, columns, tall, wide, 3).transpose(0, 2, 1, 3, 4).reshape(rows * tall, columns * wide, 3)
    return Image.fromarray(np.ascontiguousarray(grid[: rows * tall - gap, : columns * wide - gap]))


def unit_strip(values: np.ndarray, columns: int = 32, scale: int = 4, gap: int = 1) -> Image.Image:
    """A layer of units (units,) as rows of small squares, brighter = more active."""
    return feature_grid(values.reshape(1, 1, -1), columns=columns, scale=scale, gap=gap)


def why_map(image28: np.ndarray, saliency: np.ndarray) -> Image.Image:
    """The 28x28 input in grey with what mattered for the answer laid over it in colour (only what helped it), 28x28."""
    helped = np.maximum(saliency, 0.0)
    strength = helped / max(float(helped.max()), 1e-6)
    grey = np.repeat((np.clip(image28, 0, 1) * 150)[..., None], 3, axis=2)
    colour = _coloured(strength, 1.0).astype(np.float32)
    alpha = np.clip(strength * 1.5, 0.0, 1.0)[..., None]
    blended = (grey * (1 - alpha) + colour * alpha).astype(np.uint8)
    return Image.fromarray(blended)


def neighbour_strip(images28: list[np.ndarray], gap: int = 2) -> Image.Image:
    """Training images (28x28 uint8) side by side, `gap` white pixels apart."""
    size = len(images28[0])
    strip = Image.new("L", (len(images28) * (size + gap) - gap, size), 255)
    for index, image in enumerate(images28):
        strip.paste(Image.fromarray(np.asarray(image, dtype=np.uint8)), (index * (size + gap), 0))
    return strip


def boxed_digits(drawing: np.ndarray, boxes: list[tuple[int, int, int, int]], labels: list[str]) -> Image.Image:
    """The drawing with a box around each digit read and its answer above the box."""
    from PIL import ImageDraw, ImageFont

    picture = Image.fromarray(np.asarray(drawing)).convert("RGB")
    pen = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=28)
    for (left, top, right, bottom), label in zip(boxes, labels):
        pen.rectangle((left - 4, top - 4, right + 4, bottom + 4), outline=(255, 75, 75), width=3)
        pen.text((left, max(0, top - 36)), label, fill=(255, 200, 60), font=font)
    return picture
