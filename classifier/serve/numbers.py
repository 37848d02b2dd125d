"""Reading a number of several digits written left to right: split the drawing into digits, read each.

The strokes are found as connected blobs of ink. Short blobs (a 5's bar drawn apart, a flag, a
dot) join the digit they overlap or touch, blobs one above the other are one digit, specks far from
every digit are dropped. A group of blobs as narrow as one digit is that digit. A wider one may hold
digits that touch: the task's number reader reads it whole, without cutting it first. That is a
small CNN that looks along the group and says, every few columns, which digit it sees or that it is
between digits. It was trained with CTC (Graves et al. 2006) on runs of touching training digits
(classifier/train/training.py, classifier/train/models.py). The group is then cut between the digits it found,
each cut along the path across the least ink; a wide group that the chosen model reads confidently
as one digit stays one. Each digit is made 28x28 the MNIST way (classifier.serve.preprocessing.digit_from_ink)
and classified by the chosen model, which gives its picture and domain check; a digit of a touching
group keeps the number reader's answer and probabilities. The number is the digits in order; its
confidence is the product of the lone digits' confidences and, for each touching group, the reader's
probability of that exact sequence of digits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image as PILImage
from scipy import ndimage

from classifier.core.errors import EmptyImageError, NumberError
from classifier.core.settings import IMAGE_SIZE
from classifier.serve.domain import softmax
from classifier.serve.preprocessing import INK_THRESHOLD, MIN_CONTRAST, digit_from_ink, ink_map

if TYPE_CHECKING:
    from PIL import Image

    from classifier.core.types import Prediction

# Reads (N, 28, 28) digits: their Predictions by the chosen model.
Classify = Callable[[np.ndarray], "list[Prediction]"]
# The number reader: a line image (LINE_HEIGHT, LINE_WIDTH) in 0..1 -> its logits (FRAMES, 11), one
# row per FRAME_WIDTH columns of the line, for the ten digits and BLANK (between digits).
ReadLine = Callable[[np.ndarray], np.ndarray]

# The most digits a number may have.
MAX_DIGITS = 8
# Two digit-tall blobs are one digit when their columns overlap by at least this fraction of the narrower one.
SAME_DIGIT_OVERLAP = 0.5
# A blob shorter than this fraction of the tallest is part of a digit (a bar, a flag) or a speck;
# one further than NEAR tallest heights from every digit is a speck.
PART_HEIGHT = 0.45
NEAR = 0.15
# A group narrower than SINGLE_DIGIT_WIDTH of the digits' median height is one digit; a wider one goes
# to the number reader. One at most ONE_DIGIT_WIDTH heights wide is one wide digit all the same when
# the chosen model reads it whole as a digit in its domain with at least ONE_DIGIT_CONFIDENCE (the
# reader, for all its skill with touching digits, sometimes finds two in one wide digit). All three
# chosen on numbers composed from the validation part of MNIST's training digits
# (bench/read_numbers.py --split validation).
SINGLE_DIGIT_WIDTH, ONE_DIGIT_WIDTH, ONE_DIGIT_CONFIDENCE = 0.6, 1.2, 0.99
# What the number reader reads: a group's ink LINE_INK_HEIGHT pixels tall, from the left of a line
# MAX_DIGITS digits wide; it answers once per FRAME_WIDTH columns.
LINE_HEIGHT, LINE_INK_HEIGHT, LINE_WIDTH, FRAME_WIDTH = IMAGE_SIZE, 24, MAX_DIGITS * IMAGE_SIZE, 4
FRAMES = LINE_WIDTH // FRAME_WIDTH
BLANK = 10
# A cut between two touching digits bends at most SEAM_REACH heights away from the column the number
# reader puts between them, each column away costing SEAM_STRAIGHTNESS of a pixel of ink.
SEAM_REACH = 0.2
SEAM_STRAIGHTNESS = 0.1
# Each cut is chosen among CUT_TRIES seams within CUT_SEARCH heights of the reader's estimate, by the
# chosen model's log-probability of the reader's digits on both sides plus DOMAIN_WEIGHT times their
# domain scores (so that a digit keeps none of its neighbour's strokes). Chosen, like the constants
# above, on validation numbers: with these cuts the model agrees with the number reader on far more
# touching digits' pictures than with the estimates alone, and far fewer numbers hold a digit out of
# domain (docs/experiments.md, "Cutting along seams").
CUT_SEARCH, CUT_TRIES, DOMAIN_WEIGHT = 0.3, 7, 0.1
# Ink within this many pixels of a digit's strokes (its anti-aliased edge) belongs to it.
EDGE = 2


@dataclass(frozen=True)
class Digit:
    """One digit of a number: where it is in the input (left, top, right, bottom, in pixels) and what it was read as."""

    box: tuple[int, int, int, int]
    prediction: Prediction


@dataclass(frozen=True)
class Number:
    """A number read from a drawing: its digits from left to right, and how likely the whole number is right.

    `confidence` is the product, over the groups of ink, of: for touching digits that the number reader
    read, its probability of exactly that sequence of digits (`sequence_probability`), which counts the
    doubt about how many digits there are; for a digit on its own, its calibrated confidence.
    """

    digits: tuple[Digit, ...]
    confidence: float

    @property
    def number(self) -> str:
        return "".join(str(digit.prediction.label) for digit in self.digits)

    @property
    def in_domain(self) -> bool:
        return all(digit.prediction.in_domain for digit in self.digits)


def _blobs(mask: np.ndarray) -> list[np.ndarray]:
    """The connected blobs of a mask (8-neighbour), each as a boolean mask."""
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    return [labels == index for index in range(1, count + 1)]


def _columns(mask: np.ndarray) -> tuple[int, int]:
    columns = np.flatnonzero(mask.any(axis=0))
    return int(columns[0]), int(columns[-1]) + 1


def _rows(mask: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(mask.any(axis=1))
    return int(rows[0]), int(rows[-1]) + 1


def _group(blobs: list[np.ndarray]) -> list[np.ndarray]:
    """Group the blobs into digits, left to right.

    Blobs at least PART_HEIGHT of the tallest are digits, or strokes of one when their columns mostly
    overlap (the two strokes of a 4 drawn apart). Shorter blobs (a 5's bar, a flag, a dot) join the
    digit whose columns they overlap most, or the nearest one within NEAR heights; else they are specks.
    """
    tallest = max(np.subtract(*_rows(blob)[::-1]) for blob in blobs)
    groups: list[np.ndarray] = []
    parts = []
    for blob in sorted(blobs, key=lambda blob: sum(_columns(blob))):
        if np.subtract(*_rows(blob)[::-1]) < PART_HEIGHT * tallest:
            parts.append(blob)
            continue
        if groups:
            (left, right), (start, stop) = _columns(groups[-1]), _columns(blob)
            if min(right, stop) - max(left, start) >= SAME_DIGIT_OVERLAP * min(right - left, stop - start):
                groups[-1] = groups[-1] | blob
                continue
        groups.append(blob)
    for part in parts:
        start, stop = _columns(part)
        # Overlap in columns (positive) or, for a part beside a digit, minus the gap between them.
        closeness = [min(right, stop) - max(left, start) for left, right in map(_columns, groups)]
        best = int(np.argmax(closeness))
        if closeness[best] >= -NEAR * tallest:
            groups[best] = groups[best] | part
    return groups


def _digit_image(piece: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The 28x28 image of one digit: its ink, with the anti-aliased edge of its strokes, made MNIST-like."""
    near = ndimage.binary_dilation(piece, iterations=EDGE)
    (top, bottom), (left, right) = _rows(piece), _columns(piece)
    return digit_from_ink(np.where(near, ink, 0)[top:bottom, left:right])


def _seam(ink: np.ndarray, column: int, reach: int) -> np.ndarray:
    """The cut from top to bottom near `column` that crosses the least ink: its column in each row.

    Dynamic programming over rows (seam carving): the cut moves at most one column per row, stays
    within `reach` columns of `column` and, where ink costs nothing, stays on it (a small cost per
    column away).
    """
    rows = np.arange(len(ink))
    offsets = np.arange(-reach, reach + 1)
    columns = np.clip(column + offsets[None, :].repeat(len(ink), axis=0), 0, ink.shape[1] - 1)
    cost = ink[rows[:, None], columns] + SEAM_STRAIGHTNESS * np.abs(offsets)[None, :] / max(reach, 1)
    total = cost.copy()
    came_from = np.zeros(cost.shape, dtype=np.int64)
    for row in range(1, len(cost)):
        above = np.stack([np.r_[np.inf, total[row - 1, :-1]], total[row - 1], np.r_[total[row - 1, 1:], np.inf]])
        came_from[row] = np.argmin(above, axis=0) - 1
        total[row] += above.min(axis=0)
    index = np.empty(len(cost), dtype=np.int64)
    index[-1] = int(np.argmin(total[-1]))
    for row in range(len(cost) - 1, 0, -1):
        index[row - 1] = index[row] + came_from[row, index[row]]
    return columns[rows, index]


def line_image(ink: np.ndarray) -> tuple[np.ndarray, float]:
    """What the number reader reads of some ink: a (LINE_HEIGHT, LINE_WIDTH) line in 0..1, and the scale it was drawn at.

    The ink's bounding box is scaled to LINE_INK_HEIGHT pixels tall (narrower if it would not fit
    the line's width) and put at the line's left, centred in height.
    """
    (top, bottom), (left, right) = _rows(ink > INK_THRESHOLD), _columns(ink > INK_THRESHOLD)
    crop = ink[top:bottom, left:right].astype(np.float32)
    scale = min(LINE_INK_HEIGHT / crop.shape[0], LINE_WIDTH / crop.shape[1])
    height, width = (max(1, round(side * scale)) for side in crop.shape)
    resized = np.asarray(PILImage.fromarray(crop, mode="F").resize((width, height), PILImage.Resampling.BILINEAR))
    line = np.zeros((LINE_HEIGHT, LINE_WIDTH), dtype=np.float32)
    offset = (LINE_HEIGHT - height) // 2
    line[offset : offset + height, :width] = np.clip(resized, 0.0, 1.0)
    return line, scale


def decode(logits: np.ndarray) -> list[tuple[int, int, int, np.ndarray]]:
    """The digits in the number reader's answer for one line (greedy CTC decoding), left to right.

    Each is (digit, first frame, last frame, its ten probabilities): a digit is a run of frames
    whose likeliest answer is that digit, and its probabilities are those of its surest frame,
    renormalised over the ten digits.
    """
    probabilities = softmax(logits)
    best = probabilities.argmax(axis=1)
    digits = []
    for frame, answer in enumerate(best):
        if answer == BLANK:
            continue
        if frame and best[frame - 1] == answer:
            digit, first, _, surest = digits[-1]
            if probabilities[frame, answer] > surest[answer]:
                surest = probabilities[frame]
            digits[-1] = (digit, first, frame, surest)
        else:
            digits.append((int(answer), frame, frame, probabilities[frame]))
    return [(digit, first, last, surest[:BLANK] / surest[:BLANK].sum()) for digit, first, last, surest in digits]


def sequence_probability(logits: np.ndarray, digits: list[int]) -> float:
    """The number reader's probability of exactly these digits in a line, from its (FRAMES, 11) logits.

    The sum over every alignment of the digits to the frames: the forward algorithm of CTC (Graves et al. 2006).
    """
    probabilities = softmax(np.asarray(logits, dtype=np.float64))
    states = [BLANK]
    for digit in digits:
        states += [digit, BLANK]
    # A path may skip a blank between two different digits, never between two equal ones.
    skips = np.array([index >= 2 and state != BLANK and state != states[index - 2] for index, state in enumerate(states)])
    alpha = np.zeros(len(states))
    alpha[:2] = probabilities[0, states[:2]]
    log_scale = 0.0
    for frame in probabilities[1:]:
        moved = alpha.copy()
        moved[1:] += alpha[:-1]
        moved[2:] += np.where(skips[2:], alpha[:-2], 0.0)
        alpha = moved * frame[states]
        total = alpha.sum()
        if total == 0:
            return 0.0
        alpha /= total  # rescaled every frame, so that long lines do not underflow
        log_scale += np.log(total)
    return float(np.exp(log_scale) * alpha[-2:].sum())


def _digits_of(
    group: np.ndarray, ink: np.ndarray, height: float, read_line: ReadLine, classify: Classify
) -> tuple[list[tuple[np.ndarray, np.ndarray | None]], float | None]:
    """The digits of a group: itself when it is one digit, else those the number reader finds, cut apart.

    Returns (piece, the number reader's probabilities or None) per digit, left to right, and the reader's
    probability of its digits (`sequence_probability`) when they are the reader's, else None. A wide group
    is one piece too when the reader finds fewer than two digits in it, when the model reads it as one
    digit (ONE_DIGIT_WIDTH, ONE_DIGIT_CONFIDENCE), or when no cut near an estimate leaves ink on both sides.
    """
    left, right = _columns(group)
    if right - left <= SINGLE_DIGIT_WIDTH * height:
        return [(group, None)], None
    if right - left <= ONE_DIGIT_WIDTH * height:
        # Before the reader is asked (or even loaded): most wide digits drawn apart end here.
        whole = classify(_digit_image(group, ink)[None])[0]
        if whole.in_domain and whole.confidence >= ONE_DIGIT_CONFIDENCE:
            return [(group, None)], None
    near = np.where(ndimage.binary_dilation(group, iterations=EDGE), ink, 0.0)
    line, scale = line_image(near)
    logits = read_line(line)
    found = decode(logits)
    if len(found) < 2:
        return [(group, None)], None
    # CTC puts a digit's answer where the reader has seen enough of it, often at its right edge: the
    # cuts go between the runs' centres, shifted so that the centres' mean is the ink's centre.
    centres = np.array([FRAME_WIDTH * (first + last + 1) / 2 for _, first, last, _ in found])
    shift = centres.mean() - np.average(np.arange(LINE_WIDTH), weights=line.sum(axis=0))
    start = _columns(near > INK_THRESHOLD)[0]
    boundaries = np.clip(np.round(start + ((centres[:-1] + centres[1:]) / 2 - shift) / scale), left + 1, right - 1).astype(int)
    labels = [digit for digit, *_ in found]
    columns = np.arange(group.shape[1])[None, :]
    reach = max(1, round(SEAM_REACH * height))
    offsets = np.unique(np.round(np.linspace(-CUT_SEARCH, CUT_SEARCH, CUT_TRIES) * height).astype(int))
    # Left to right, each cut is the seam near its estimate that leaves the pieces on both sides read
    # likeliest by the chosen model as the reader's digits (the right side up to the next estimate).
    inked = ink * group
    left_of = [columns < left]
    for index, boundary in enumerate(boundaries):
        until = columns < (boundaries[index + 1] if index + 1 < len(boundaries) else right)
        cuts = [columns < _seam(inked, column, reach)[:, None] for column in boundary + offsets if left < column < right]
        tries = [(cut, group & ~left_of[-1] & cut, group & ~cut & until) for cut in cuts]
        tries = [(cut, before, after) for cut, before, after in tries if before.any() and after.any()]
        if not tries:
            return [(group, None)], None
        read = classify(np.stack([_digit_image(piece, ink) for _, before, after in tries for piece in (before, after)]))
        fit = [
            sum(
                np.log(prediction.probabilities[label]) + DOMAIN_WEIGHT * prediction.domain_score
                for prediction, label in ((read[2 * i], labels[index]), (read[2 * i + 1], labels[index + 1]))
            )
            for i in range(len(tries))
        ]
        left_of.append(tries[int(np.argmax(fit))][0])
    # Every piece has ink: each but the last is the left side of a chosen cut, the last its right side.
    left_of.append(columns < right)
    pieces = [(group & ~before & after, found[k][3]) for k, (before, after) in enumerate(zip(left_of, left_of[1:]))]
    return pieces, sequence_probability(logits, labels)


def _working_size(size: tuple[int, int], working_size: int) -> int:
    """The longest side a drawing of `size` (width, height) is shrunk to: its height at most the task's working size."""
    return round(working_size * max(size) / max(1, min(size)))


def _full_contrast(ink: np.ndarray) -> np.ndarray:
    return np.minimum(ink / max(float(ink.max()), MIN_CONTRAST), 1.0)


def drawing_line(drawing: np.ndarray, working_size: int) -> np.ndarray:
    """The number reader's line for a whole drawn number (`line_image` of its ink as `read` sees it), to train the reader on."""
    ink = ink_map(drawing, _working_size(drawing.shape[:2][::-1], working_size))
    return line_image(_full_contrast(ink))[0]


def _digit_groups(ink: np.ndarray) -> tuple[list[np.ndarray], float]:
    """The groups of blobs that are digits or runs of touching digits (`_group`), and the digits' median height."""
    groups = _group(_blobs(ink > INK_THRESHOLD))
    return groups, float(np.median([np.subtract(*_rows(group)[::-1]) for group in groups]))


def read(image: Image.Image | np.ndarray, working_size: int, classify: Classify, read_line: ReadLine) -> Number:
    """Read a drawing of a number: split it into digits, left to right, and classify each.

    Raises EmptyImageError when nothing is drawn and NumberError when there are more than MAX_DIGITS digits.
    """
    size = np.asarray(image).shape[:2][::-1] if isinstance(image, np.ndarray) else image.size
    ink = ink_map(image, _working_size(size, working_size))
    if not ink.size or float(ink.max()) < MIN_CONTRAST:
        raise EmptyImageError("There is nothing drawn yet: write a number (1 to 8 digits) on the canvas.")
    ink = _full_contrast(ink)
    groups, height = _digit_groups(ink)
    if len(groups) > MAX_DIGITS:
        raise NumberError(
            f"Found {len(groups)} separate marks, more than the {MAX_DIGITS} digits a number may have. "
            "Clear the canvas and write at most 8 digits side by side."
        )
    readings = [_digits_of(group, ink, height, read_line, classify) for group in groups]
    pieces = [piece for group_pieces, _ in readings for piece in group_pieces]
    if len(pieces) > MAX_DIGITS:
        raise NumberError(
            f"Found {len(pieces)} digits, more than the {MAX_DIGITS} a number may have. "
            "Clear the canvas and write at most 8 digits side by side."
        )
    predictions = classify(np.stack([_digit_image(piece, ink) for piece, _ in pieces]))
    scale = size[0] / ink.shape[1]
    digits = []
    for (piece, probabilities), prediction in zip(pieces, predictions):
        if probabilities is not None:
            label = int(np.argmax(probabilities))
            prediction = dataclasses.replace(
                prediction, label=label, class_name=str(label), probabilities=probabilities.astype(np.float32), example=None
            )
        (top, bottom), (left, right) = _rows(piece), _columns(piece)
        digits.append(Digit(tuple(int(round(value * scale)) for value in (left, top, right, bottom)), prediction))
    confidence, start = 1.0, 0
    for group_pieces, sequence in readings:
        alone = [digit.prediction.confidence for digit in digits[start : start + len(group_pieces)]]
        confidence *= float(np.prod(alone)) if sequence is None else sequence
        start += len(group_pieces)
    return Number(tuple(digits), confidence)
