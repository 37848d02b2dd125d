"""Pictures for display: a model's 28x28 input shown large with visible pixels."""

from __future__ import annotations

import numpy as np
from PIL import Image


def pixelated(image28: np.ndarray, size: int = 168) -> Image.Image:
    """Return a 28x28 image in 0..1 enlarged with nearest-neighbour, so each pixel shows as a square."""
    grey = (np.clip(image28, 0.0, 1.0) * 255).astype(np.uint8)
    return Image.fromarray(grey).resize((size, size), Image.Resampling.NEAREST)


def thumbnail(picture: Image.Image, size: int = 160) -> Image.Image:
    """Return a small RGB copy of an uploaded picture."""
    small = picture.convert("RGB")
    small.thumbnail((size, size))
    return small
