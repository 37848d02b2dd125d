"""Reading a number of several digits written left to right: split the drawing into digits, read each.

The strokes are found as connected blobs of ink. Short blobs (a 5's bar drawn apart, a flag, a
dot) join the digit they overlap or touch, blobs one above the other are one digit, specks far from
every digit are dropped. A blob wide enough to hold touching digits is cut in each way its width
allows (each cut along the path across the least ink, starting near a column with little ink), and
the way wins whose pieces are likeliest to be whole digits read right: the model's probability of
its answer times the probability, from the model's piece network (classifier/domain.py, trained on
composed numbers by classifier/calibration.py), that the piece is one whole digit. Each digit is
made 28x28 the MNIST way (classifier.preprocessing.digit_from_ink) and classified; the number is the
digits in order, and its confidence the product of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from classifier.errors import EmptyImageError, NumberError
from classifier.preprocessing import INK_THRESHOLD, MIN_CONTRAST, as_uint8, digit_from_ink, ink_map

if TYPE_CHECKING:
    from PIL import Image

    from classifier.inference import Prediction

# Reads (N, 28, 28) pieces of shapes (N, 2) (`_shape`): their Predictions, and the log-odds that each is one
# whole digit (the model's piece network, classifier/domain.py).
Classify = Callable[[np.ndarray, np.ndarray], "tuple[list[Prediction], np.ndarray]"]

# The most digits a number may have.
MAX_DIGITS = 8
# Two digit-tall blobs are one digit when their columns overlap by at least this fraction of the narrower one.
SAME_DIGIT_OVERLAP = 0.5
# A blob shorter than this fraction of the tallest is part of a digit (a bar, a flag) or a speck;
# one further than NEAR tallest heights from every digit is a speck.
PART_HEIGHT = 0.45
NEAR = 0.15
# Touching digits, in units of the digits' median height: a group narrower than SINGLE_DIGIT_WIDTH is
# one digit; one digit is at most MAX_DIGIT_WIDTH wide; cuts are at least MIN_CUT_GAP apart and at
# most MAX_CUTS places are tried, each with one cut per slant in SLANTS (columns left per row down,
# as handwriting leans; 0 is upright). A cut bends at most SEAM_REACH heights away from its line, each
# column away costing SEAM_STRAIGHTNESS of a pixel of ink. All chosen on numbers composed from the
# validation part of MNIST's training digits (bench/read_numbers.py --split validation).
SINGLE_DIGIT_WIDTH = 0.6
MAX_DIGIT_WIDTH = 1.3
MIN_CUT_GAP = 0.12
MAX_CUTS = 10
SEAM_REACH = 0.2
SEAM_STRAIGHTNESS = 0.1
SLANTS = (0.0, 0.4)
# For training the piece network: a piece is one whole digit when at least WHOLE_PURITY of its ink is
# one digit's, it holds at least WHOLE_COVERAGE of that digit's ink, and less than OTHER_PART of any
# other digit's. The looser share a whole digit may miss or take is what a cut through touching
# strokes cannot help.
WHOLE_PURITY = 0.6
WHOLE_COVERAGE = 0.75
OTHER_PART = 0.25
# Ink within this many pixels of a digit's strokes (its anti-aliased edge) belongs to it.
EDGE = 2


@dataclass(frozen=True)
class Digit:
    """One digit of a number: where it is in the input (left, top, right, bottom, in pixels) and what it was read as."""

    box: tuple[int, int, int, int]
    prediction: Prediction


@dataclass(frozen=True)
class Number:
    """A number read from a drawing: its digits from left to right."""

    digits: tuple[Digit, ...]

    @property
    def number(self) -> str:
        return "".join(str(digit.prediction.label) for digit in self.digits)

    @property
    def confidence(self) -> float:
        """The probability that every digit is right, if the digits' answers are independent."""
        return float(np.prod([digit.prediction.confidence for digit in self.digits]))

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


def _cut_candidates(profile: np.ndarray, left: int, right: int, height: float) -> list[int]:
    """Columns where a touching group may be cut: the local minima of its ink, at most MAX_CUTS, apart from each other."""
    smooth = ndimage.uniform_filter1d(profile, 3)
    inside = np.arange(left + 1, right - 1)
    minima = inside[(smooth[inside] <= smooth[inside - 1]) & (smooth[inside] <= smooth[inside + 1])]
    chosen: list[int] = []
    for column in minima[np.argsort(smooth[minima], kind="stable")]:
        if all(abs(column - other) >= MIN_CUT_GAP * height for other in chosen):
            chosen.append(int(column))
        if len(chosen) == MAX_CUTS:
            break
    return sorted(chosen)


def _seam(ink: np.ndarray, column: int, reach: int, slant: float = 0.0, middle: float = 0.0) -> np.ndarray:
    """The cut from top to bottom near a line through `column` that crosses the least ink: its column in each row.

    The line passes `column` at row `middle` and leans `slant` columns to the left per row down (the way
    handwriting leans). Dynamic
    programming over rows (seam carving): the cut moves at most one column per row relative to the
    line, stays within `reach` columns of it and, where ink costs nothing, stays on it (a small cost
    per column away).
    """
    rows = np.arange(len(ink))
    offsets = np.arange(-reach, reach + 1)
    line = column - np.round(slant * (rows - middle)).astype(np.int64)
    columns = np.clip(line[:, None] + offsets[None, :], 0, ink.shape[1] - 1)
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


def _piece_score(answer: Prediction, whole: float) -> float:
    """How likely a piece is one whole digit read right: log P(answer) + log P(one whole digit).

    `whole` is the piece network's log-odds (trained with whole and other pieces weighing the same):
    two digits read as one, or half of one, or a digit with a part of its neighbour, get low odds.
    """
    return float(np.log(max(answer.confidence, 1e-9)) - np.logaddexp(0.0, -whole))


def _shape(piece: np.ndarray, height: float) -> np.ndarray:
    """A piece's width and height in units of the number's digit height."""
    (top, bottom), (left, right) = _rows(piece), _columns(piece)
    return np.array([(right - left) / height, (bottom - top) / height], dtype=np.float32)


def _stretches(group: np.ndarray, ink: np.ndarray, height: float) -> tuple[dict[tuple[int, int], np.ndarray], int]:
    """Every stretch of a group that may be one digit, keyed by the cuts it lies between, and the index of the last cut.

    Classic over-segmentation: cuts are tried near the minima of the group's ink, column by column,
    each following the path across the least ink (`_seam`) near an upright or a leaning line, so that
    it passes between slanted digits where a straight cut would slice one. Every stretch between two
    cuts narrower than MAX_DIGIT_WIDTH heights may be a digit. A group narrower than SINGLE_DIGIT_WIDTH
    is one stretch.
    """
    left, right = _columns(group)
    if right - left <= SINGLE_DIGIT_WIDTH * height:
        return {(0, 1): group}, 1
    inked = ink * group
    cuts = [(centre, slant) for centre in _cut_candidates(inked.sum(axis=0), left, right, height) for slant in SLANTS]
    centres = [left, *(centre for centre, _ in cuts), right]
    reach = max(1, round(SEAM_REACH * height))
    middle = sum(_rows(group)) / 2
    columns = np.arange(group.shape[1])[None, :]
    # Each cut as a mask of what lies left of it; the group's two ends are straight.
    left_of = [columns < left]
    left_of += [columns < _seam(inked, centre, reach, slant, middle)[:, None] for centre, slant in cuts]
    left_of.append(columns < right)
    # A stretch lies between two cuts at different places that do not cross on the ink.
    stretches = {
        (i, j): group & left_of[j] & ~left_of[i]
        for i in range(len(centres))
        for j in range(i + 1, len(centres))
        if 0 < centres[j] - centres[i] <= MAX_DIGIT_WIDTH * height and not (group & left_of[i] & ~left_of[j]).any()
    }
    return {key: piece for key, piece in stretches.items() if piece.any()}, len(centres) - 1


def _distinct(stretches: dict[tuple[int, int], np.ndarray]) -> tuple[list[np.ndarray], dict[tuple[int, int], int]]:
    """The stretches that hold different ink, in order, and for each key the index of its stretch among them.

    Cuts through one gap make stretches alike; each is read once.
    """
    index_of: dict[bytes, int] = {}
    pieces, which = [], {}
    for key, piece in stretches.items():
        which[key] = index_of.setdefault(piece.tobytes(), len(pieces))
        if which[key] == len(pieces):
            pieces.append(piece)
    return pieces, which


def _piece_inputs(pieces: list[np.ndarray], ink: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """What the model and its piece network read of pieces: their 28x28 images (N, 28, 28) and shapes (N, 2)."""
    return np.stack([_digit_image(piece, ink) for piece in pieces]), np.stack([_shape(piece, height) for piece in pieces])


def _best_split(
    group: np.ndarray, ink: np.ndarray, height: float, classify: Classify
) -> list[tuple[np.ndarray, Prediction | None]]:
    """Split a group into the digits whose reading is likeliest: itself, or several touching digits.

    Returns (piece, its Prediction) for each digit; the Prediction is None where the piece was not read yet.
    Each stretch (`_stretches`) is read as a digit and scored by `_piece_score`; the chain of stretches
    from the group's left end to its right end with the best total wins (dynamic programming).
    """
    stretches, end = _stretches(group, ink, height)
    if end == 1 or not stretches:
        return [(group, None)]
    pieces, which = _distinct(stretches)
    predictions, whole = classify(*_piece_inputs(pieces, ink, height))
    answers = {key: predictions[index] for key, index in which.items()}
    score = {key: _piece_score(predictions[index], whole[index]) for key, index in which.items()}
    best: dict[int, tuple[float, list[tuple[int, int]]]] = {0: (0.0, [])}
    for j in range(1, end + 1):
        paths = [(best[i][0] + score[i, j], [*best[i][1], (i, j)]) for i in range(j) if i in best and (i, j) in score]
        if paths:
            best[j] = max(paths, key=lambda path: path[0])
    # With no chain of digit-wide stretches (a wide scribble), the group stays whole.
    if end not in best:
        return [(group, None)]
    return [(stretches[key], answers[key]) for key in best[end][1]]


def _working_size(size: tuple[int, int], working_size: int) -> int:
    """The longest side a drawing of `size` (width, height) is shrunk to: its height at most the task's working size."""
    return round(working_size * max(size) / max(1, min(size)))


def _full_contrast(ink: np.ndarray) -> np.ndarray:
    return np.minimum(ink / max(float(ink.max()), MIN_CONTRAST), 1.0)


def _digit_groups(ink: np.ndarray) -> tuple[list[np.ndarray], float]:
    """The groups of blobs that are digits or runs of touching digits (`_group`), and the digits' median height."""
    groups = _group(_blobs(ink > INK_THRESHOLD))
    return groups, float(np.median([np.subtract(*_rows(group)[::-1]) for group in groups]))


def read(image: Image.Image | np.ndarray, working_size: int, classify: Classify) -> Number:
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
    pieces = [split for group in groups for split in _best_split(group, ink, height, classify)]
    if len(pieces) > MAX_DIGITS:
        raise NumberError(
            f"Found {len(pieces)} digits, more than the {MAX_DIGITS} a number may have. "
            "Clear the canvas and write at most 8 digits side by side."
        )
    unread = [index for index, (_, prediction) in enumerate(pieces) if prediction is None]
    if unread:
        predictions, _ = classify(*_piece_inputs([pieces[index][0] for index in unread], ink, height))
        for index, prediction in zip(unread, predictions):
            pieces[index] = (pieces[index][0], prediction)
    scale = size[0] / ink.shape[1]
    digits = []
    for piece, prediction in pieces:
        (top, bottom), (left, right) = _rows(piece), _columns(piece)
        digits.append(Digit(tuple(int(round(value * scale)) for value in (left, top, right, bottom)), prediction))
    return Number(tuple(digits))


def labelled_pieces(layers: np.ndarray, working_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every piece `read` tries on a number drawn one digit per layer (synthetic.number_layers), for the piece network.

    Returns the pieces' 28x28 images (N, 28, 28) in 0..1, their shapes (N, 2) and whether each is one
    whole digit (N,), by which digit's layer each pixel of ink comes from.
    """
    longest = _working_size(layers.shape[1:][::-1], working_size)
    ink = _full_contrast(ink_map(as_uint8(layers.max(axis=0)), longest))
    owner = np.stack([ink_map(as_uint8(layer), longest) for layer in layers]).argmax(axis=0)
    digit_ink = np.maximum(np.bincount(owner.ravel(), weights=ink.ravel(), minlength=len(layers)), 1e-9)
    groups, height = _digit_groups(ink)
    pieces, whole = [], []
    for group in groups:
        for piece in _distinct(_stretches(group, ink, height)[0])[0]:
            held = np.bincount(owner[piece], weights=ink[piece], minlength=len(layers))
            digit = int(np.argmax(held))
            pure = held[digit] >= WHOLE_PURITY * held.sum() and held[digit] >= WHOLE_COVERAGE * digit_ink[digit]
            whole.append(pure and np.delete(held / digit_ink, digit).max(initial=0.0) < OTHER_PART)
            pieces.append(piece)
    return (*_piece_inputs(pieces, ink, height), np.asarray(whole))
