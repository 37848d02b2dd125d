"""Handwriting styles MNIST has few of, drawn by code as pen strokes, and digits typed in handwriting typefaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from classifier.core import tasks
from classifier.core.settings import CANVAS_SIZE
from classifier.train.synthetic.strokes import LOW_RESOLUTION_SHARE, arc, low_resolution, pen_stroke
from classifier.train.synthetic.typefaces import drawn_character, fonts


def _frame(rng: np.random.Generator, size: int) -> tuple[float, float, float, float]:
    """A random box for one digit on the canvas: left, top, width, height (the width 0.5-0.8 of the height)."""
    height = rng.uniform(0.5, 0.85) * size
    wide = rng.uniform(0.5, 0.8) * height
    return rng.uniform(0.05 * size, 0.95 * size - wide), rng.uniform(0.05 * size, 0.95 * size - height), wide, height


def _one_stem(
    rng: np.random.Generator, size: int, middle: tuple[float, float], slant: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """The stem of a 1 at a random height, place (its middle within `middle`, shares of the canvas) and slant
    (shares of its height): its top, its foot and its height."""
    height = rng.uniform(0.5, 0.85) * size
    centre, top = rng.uniform(*middle) * size, rng.uniform(0.05 * size, 0.95 * size - height)
    lean = rng.uniform(*slant) * height
    return (centre + lean / 2, top), (centre - lean / 2, top + height), height


def _flagged_one(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 1 as much of Europe writes it: a long flag from the top, down and to the left, often on a foot."""
    peak, foot, height = _one_stem(rng, size, (0.35, 0.65), (-0.15, 0.2))
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
    pen_stroke(draw, arc(centre, (wide / 2, loop / 2), 0, 360, 24), width)
    pen_stroke(draw, [(left + wide, centre[1]), (left + wide * rng.uniform(0.75, 1.0), top + height)], width)


def _looped_two(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 2 with a small loop where the diagonal meets the base."""
    left, top, wide, height = _frame(rng, size)
    head = arc((left + wide / 2, top + height * 0.25), (wide / 2, height * 0.25), 190, 370, 12)
    corner = (left + wide * rng.uniform(0.05, 0.2), top + height * 0.9)
    loop = arc((corner[0] + wide * 0.08, corner[1] - height * 0.05), (wide * 0.1, height * 0.08), 135, 495, 12)
    pen_stroke(draw, [*head, corner, *loop, (left + wide, top + height * rng.uniform(0.88, 1.0))], width)


def _eastern_arabic_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 7 as Arabic and Persian schools write it (٧): a V (no model trains on it: see ADAPTATION_STYLES)."""
    left, top, wide, height = _frame(rng, size)
    bottom = (left + wide * rng.uniform(0.4, 0.6), top + height)
    tops = top + rng.uniform(0, 0.1, size=2) * height
    pen_stroke(draw, [(left, tops[0]), bottom, (left + wide, tops[1])], width)


def _bend(start, end, bulge: float, steps: int = 10) -> list[tuple[float, float]]:
    """Points along a quadratic curve from start to end whose middle is pushed `bulge` pixels to the right
    of the way from start to end (to the left when negative): a stroke a hand does not draw quite straight."""
    (x0, y0), (x1, y1) = start, end
    length = max(np.hypot(x1 - x0, y1 - y0), 1e-6)
    control = ((x0 + x1) / 2 - bulge * (y1 - y0) / length, (y0 + y1) / 2 + bulge * (x1 - x0) / length)
    t = np.linspace(0, 1, steps)[:, None]
    curve = (1 - t) ** 2 * np.array(start) + 2 * (1 - t) * t * np.array(control) + t**2 * np.array(end)
    return [(float(x), float(y)) for x, y in curve]


def _hooked_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 7 whose bar starts with a short downward hook on the left, as East Asian schools and a brush write it.

    The hook runs from a tenth to over half of the height, straight or bent, down or down towards the stem; the
    stem goes down from the bar's right end, from steeply slanted to upright, straight or bowed. An upright stem
    and a long hook make the 7 look like a 9 whose loop is open at the bottom.
    """
    left, top, wide, height = _frame(rng, size)
    hook = rng.uniform(0.1, 0.55) * height
    bar_start = (left + rng.uniform(0.0, 0.1) * wide, top + rng.uniform(0, 0.08) * height)
    corner = (left + wide, top + rng.uniform(-0.06, 0.08) * height)
    end = (left + wide * rng.uniform(0.2, 1.0), top + height)
    start = (bar_start[0] + rng.uniform(-0.1, 0.55) * wide, bar_start[1] + hook)
    points = _bend(start, bar_start, rng.uniform(-0.1, 0.1) * hook, 6)
    points += [corner, *_bend(corner, end, rng.uniform(-0.12, 0.12) * height)[1:]]
    pen_stroke(draw, points, width)


def _crossed_hooked_seven(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A hooked 7 with a bar across its stem: two styles the models learn, put together."""
    left, top, wide, height = _frame(rng, size)
    hook = rng.uniform(0.1, 0.4) * height
    corner, end = (left + wide, top), (left + wide * rng.uniform(0.2, 0.7), top + height)
    pen_stroke(draw, [(left + rng.uniform(-0.05, 0.1) * wide, top + hook), (left, top), corner, end], width)
    along, half = rng.uniform(0.4, 0.6), rng.uniform(0.25, 0.4) * wide
    x, y = corner[0] + (end[0] - corner[0]) * along, corner[1] + (end[1] - corner[1]) * along
    pen_stroke(draw, [(x - half, y), (x + half, y)], width)


def _curled_nine(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 9 like a "g": its loop left open (on the right, below or on the left), and the stem curling back
    to the left at the bottom, a little or far."""
    left, top, wide, height = _frame(rng, size)
    loop = height * rng.uniform(0.3, 0.55)
    centre = (left + wide / 2, top + loop / 2)
    gap, middle = rng.uniform(20, 110), rng.uniform(-45, 160)  # where the loop is open, clockwise from 3 o'clock
    pen_stroke(draw, arc(centre, (wide / 2, loop / 2), middle + gap / 2, middle + 360 - gap / 2, 24), width)
    stem_top = (left + wide * rng.uniform(0.85, 1.05), top + loop * rng.uniform(0.0, 0.5))
    bottom = (left + wide * rng.uniform(0.6, 1.05), top + height * rng.uniform(0.8, 0.95))
    tail = (bottom[0] - wide * rng.uniform(0.3, 0.9), bottom[1] - height * rng.uniform(0.0, 0.2))
    curl = _bend(bottom, tail, rng.uniform(0.1, 0.3) * wide, 8)
    pen_stroke(draw, [*_bend(stem_top, bottom, rng.uniform(-0.1, 0.1) * height), *curl[1:]], width)


def _low_flag_one(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 1 with a long, low flag: a shallow stroke from far down the left up to the top of the stem."""
    peak, foot, height = _one_stem(rng, size, (0.4, 0.65), (-0.1, 0.15))
    flag, angle = rng.uniform(0.55, 0.85) * height, np.deg2rad(rng.uniform(35, 60))
    pen_stroke(draw, [(peak[0] - flag * np.sin(angle) * 0.7, peak[1] + flag * np.cos(angle)), peak, foot], width)


def _angular_six(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 6 whose top is a straight or nearly straight stroke down to the left, into a loop that may stay a little open."""
    left, top, wide, height = _frame(rng, size)
    radii = (wide / 2, height * rng.uniform(0.2, 0.3))
    centre = (left + wide / 2, top + height - radii[1])
    start = (left + wide * rng.uniform(0.55, 1.0), top)
    entry = (left + wide * rng.uniform(0.0, 0.1), centre[1])
    loop = arc(centre, radii, 180, 180 - rng.uniform(300, 370), 20)
    pen_stroke(draw, [*_bend(start, entry, rng.uniform(-0.08, 0.04) * height), *loop], width)


def _stacked_eight(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """An 8 as two separate loops, one on the other, as many children draw it."""
    left, top, wide, height = _frame(rng, size)
    upper = height * rng.uniform(0.38, 0.5)
    upper_wide = wide * rng.uniform(0.7, 0.95)
    pen_stroke(draw, arc((left + wide / 2, top + upper / 2), (upper_wide / 2, upper / 2), 0, 360, 24), width)
    lower = height - upper
    pen_stroke(draw, arc((left + wide / 2, top + upper + lower / 2), (wide / 2, lower / 2), 0, 360, 24), width)


def _flat_top_three(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int, width: int) -> None:
    """A 3 with a flat top: a bar, a diagonal down to the middle, and a round lower bowl."""
    left, top, wide, height = _frame(rng, size)
    middle = (left + wide * rng.uniform(0.3, 0.5), top + height * rng.uniform(0.38, 0.5))
    radii = (wide / 2, (top + height - middle[1]) / 2)
    bowl = arc((left + wide / 2, middle[1] + radii[1]), radii, -90, rng.uniform(120, 160), 16)
    pen_stroke(draw, [(left, top), (left + wide, top), middle, *bowl], width)


# Handwriting styles MNIST (mostly American writers) has few of: style -> (digit, how it is drawn).
# The digit models train on them (styled_digits).
STYLES = {
    "flagged-1": (1, _flagged_one),
    "crossed-7": (7, _crossed_seven),
    "open-4": (4, _open_four),
    "straight-9": (9, _straight_nine),
    "looped-2": (2, _looped_two),
    "hooked-7": (7, _hooked_seven),
    "curled-open-9": (9, _curled_nine),
    "low-flag-1": (1, _low_flag_one),
    "angular-6": (6, _angular_six),
}


# A style that no model trains on, so that "Adapt to my handwriting" has something to learn
# (tests/test_adapt.py, bench/adapt.py): the Eastern Arabic 7, which the digit models misread, mostly as 4.
# Not a slashed 0: the digit CNN learns that from the handwriting typefaces that slash their zeros.
ADAPTATION_STYLES = {"eastern-arabic-7": (7, _eastern_arabic_seven)}

# Styles no model trains on, measured on their own (bench/styles.py): whether what the models learned from STYLES
# carries over to writing they have not seen. Two put together what STYLES teach apart (the hook and the
# crossed 7) or the open loop of the curled 9 and angular 6 in other digits; one is new.
HELD_OUT_STYLES = {
    "crossed-hooked-7": (7, _crossed_hooked_seven),
    "stacked-8": (8, _stacked_eight),
    "flat-top-3": (3, _flat_top_three),
}


def styled_digit(style: str, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """A digit in one of STYLES, ADAPTATION_STYLES or HELD_OUT_STYLES, drawn with pen strokes of random size, place,
    slant and width.

    Returns the drawing white on black, uint8.
    """
    _, draw_style = {**STYLES, **ADAPTATION_STYLES, **HELD_OUT_STYLES}[style]
    picture = Image.new("L", (canvas_size, canvas_size))
    width = round(rng.uniform(10, 26) * canvas_size / CANVAS_SIZE)
    draw_style(ImageDraw.Draw(picture), rng, canvas_size, max(width, 1))
    return np.asarray(picture)


def typed_digit(digit: int, rng: np.random.Generator, fonts: list[Path]) -> np.ndarray:
    """A digit typed in one of the fonts, at random size, place, tilt and stroke width, white on a black canvas (RGB)."""
    return drawn_character(rng, str(digit), fonts)


def styled_digits(task: tasks.Task, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits in writing styles MNIST lacks, preprocessed as the app does: uint8 images and their labels.

    A third are drawn in STYLES (an equal share each), two thirds typed in the "tuning" fonts of
    classifier/train/outliers.py (printed and handwriting typefaces); its "held-out" fonts stay out of
    training so that bench/robustness.py can measure how well this generalises. LOW_RESOLUTION_SHARE
    of them are then stored at low resolution and enlarged again (`low_resolution`).
    """
    from classifier.core.arrays import as_uint8
    from classifier.serve.preprocessing import preprocess

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
