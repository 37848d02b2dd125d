"""Lines of several handwritten digits, apart or touching, that the number reader learns from."""

from __future__ import annotations

import numpy as np

from classifier.core.settings import NUMBER_CANVAS
from classifier.serve import numbers
from classifier.serve.preprocessing import bounding_box
from classifier.train.synthetic.strokes import round_brush, skeleton

# The numbers the number reader learns from (`number_lines`): at most this many digits, this share touching.
NUMBER_LINE_DIGITS, TOUCHING_LINES = 5, 0.85


def _digit_stroke(digit28: np.ndarray, size: int, width: float) -> np.ndarray:
    """A 28x28 digit as a round-brush stroke of `width` pixels, drawn `size` pixels tall and cropped to its ink; float 0..1."""
    stroke = round_brush(np.pad(skeleton(digit28, size), round(width)), width)
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
