"""Array helpers that every layer uses."""

from __future__ import annotations

import numpy as np


def as_uint8(array: np.ndarray) -> np.ndarray:
    """Scale a bool, integer or float array to uint8: floats in 0..1, integers in 0..255 or 0..65535."""
    if array.dtype == bool:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.integer):
        top = 255 if array.max(initial=0) <= 255 else 65535
        return (array.astype(np.float32) * (255 / top)).round().astype(np.uint8)
    array = np.nan_to_num(array.astype(np.float32))
    scale = 1.0 if array.max(initial=0) > 1.0 else 255.0
    return np.clip(array * scale, 0, 255).round().astype(np.uint8)
