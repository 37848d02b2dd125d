"""Realistic inputs made from MNIST and Fashion-MNIST, by topic: canvas drawings of digits (`strokes`),
handwriting styles (`styles`), lines of digits (`numbers`), clothing photos and illustrations (`clothing`),
and whole sets of them (`realistic`).

The robustness benchmark and the tests make them from the official test sets to check that
preprocessing plus a model reads real input as well as it reads the test set. Training makes drawn
versions of the *training* images (`redrawn_images`), so that the models learn what users' pictures look like.
This module gathers the topics' public names, so that `synthetic.canvas_digit` works without knowing the topic.
"""

from classifier.train.synthetic.clothing import (
    CLOTHING_EMOJI,
    ILLUSTRATION_CLASSES,
    ILLUSTRATION_SETS,
    ILLUSTRATIONS_DIR,
    NOISE_FIELD,
    NOISE_LEVEL,
    as_camera_jpeg,
    clothing_pictures,
    illustrated_clothing,
    photo_clothing,
    restyled_clothing,
    styled_clothing,
)
from classifier.train.synthetic.numbers import NUMBER_LINE_DIGITS, TOUCHING_LINES, canvas_number, number_layers, number_lines
from classifier.train.synthetic.realistic import (
    REALISTIC_KINDS,
    naive_resize,
    realistic,
    redrawn,
    redrawn_images,
    styled_images,
    write_example_photos,
)
from classifier.train.synthetic.strokes import (
    LOW_RESOLUTION_SHARE,
    POLARITIES,
    TRAINING_CANVAS,
    arc,
    canvas_digit,
    in_colours,
    low_resolution,
    pen_stroke,
    rescanned_digit,
    round_brush,
    skeleton,
    stroked,
)
from classifier.train.synthetic.styles import (
    ADAPTATION_STYLES,
    HELD_OUT_STYLES,
    STYLES,
    styled_digit,
    styled_digits,
    typed_digit,
)

__all__ = [
    "ADAPTATION_STYLES",
    "HELD_OUT_STYLES",
    "CLOTHING_EMOJI",
    "ILLUSTRATIONS_DIR",
    "ILLUSTRATION_CLASSES",
    "ILLUSTRATION_SETS",
    "LOW_RESOLUTION_SHARE",
    "NOISE_FIELD",
    "NOISE_LEVEL",
    "NUMBER_LINE_DIGITS",
    "POLARITIES",
    "REALISTIC_KINDS",
    "STYLES",
    "TOUCHING_LINES",
    "TRAINING_CANVAS",
    "arc",
    "as_camera_jpeg",
    "canvas_digit",
    "canvas_number",
    "clothing_pictures",
    "illustrated_clothing",
    "in_colours",
    "low_resolution",
    "naive_resize",
    "number_layers",
    "number_lines",
    "pen_stroke",
    "photo_clothing",
    "realistic",
    "redrawn",
    "redrawn_images",
    "rescanned_digit",
    "restyled_clothing",
    "round_brush",
    "skeleton",
    "stroked",
    "styled_clothing",
    "styled_digit",
    "styled_digits",
    "styled_images",
    "typed_digit",
    "write_example_photos",
]
