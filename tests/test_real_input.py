"""The shipped CNNs read what real people draw and upload: writing styles MNIST lacks, fonts no model
trained on (the digits MLP too), and clothing illustrations (bench/robustness.py measures the same on 5,000 inputs each)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.serve.preprocessing import open_image, preprocess
from classifier.train import outliers, synthetic
from classifier.train.synthetic import typefaces

# Floors a little under what bench/robustness.py measured with the shipped models (README, "Real input").
STYLES_FLOOR = 0.97
HELD_OUT_FONTS_FLOOR = {"cnn": 0.95, "mlp": 0.94}
STROKED_FONTS_FLOOR = 0.92
LOW_RESOLUTION_FLOOR = 0.97
# The share of low-resolution test digits the digits CNN's domain check may call "not a digit".
LOW_RESOLUTION_REJECTED = 0.05
EMOJI_FLOOR = 0.9
N = 400
# The Debian packages of the held-out fonts (classifier/train/synthetic/typefaces.py, HELD_OUT_FONTS).
HELD_OUT_FONT_PACKAGES = (
    "fonts-humor-sans",
    "fonts-breip",
    "fonts-femkeklaver",
    "fonts-freefont-ttf",
    "fonts-klee",
    "fonts-bwht",
)


def accuracy(classifier, task: str, pictures: list, labels: list[int]) -> float:
    images = np.stack([preprocess(task, open_image(p) if isinstance(p, bytes) else p) for p in pictures])
    return float(np.mean(classifier.predict_batch(images).argmax(1) == np.asarray(labels)))


@pytest.mark.slow
def test_the_digits_cnn_reads_the_flagged_1_the_crossed_7_and_other_styles(digits_cnn):
    rng = np.random.default_rng(21)
    styles = [list(synthetic.STYLES)[i % len(synthetic.STYLES)] for i in range(N)]
    pictures = [synthetic.styled_digit(style, rng) for style in styles]
    assert accuracy(digits_cnn, "digits", pictures, [synthetic.STYLES[style][0] for style in styles]) >= STYLES_FLOOR


@pytest.mark.slow
@pytest.mark.needs_debian(*HELD_OUT_FONT_PACKAGES)
@pytest.mark.parametrize("model_kind", settings.MODEL_KINDS)
def test_the_digit_models_read_digits_typed_in_fonts_they_never_trained_on(model_kind):
    rng = np.random.default_rng(22)
    fonts = typefaces.fonts("held-out")
    labels = [i % 10 for i in range(N)]
    pictures = [synthetic.typed_digit(digit, rng, fonts) for digit in labels]
    classifier = load_classifier("digits", model_kind)
    assert accuracy(classifier, "digits", pictures, labels) >= HELD_OUT_FONTS_FLOOR[model_kind]


@pytest.mark.slow
@pytest.mark.needs_debian(*HELD_OUT_FONT_PACKAGES)
def test_the_digits_cnn_reads_digits_of_fonts_it_never_trained_on_redrawn_as_canvas_strokes(digits_cnn):
    rng = np.random.default_rng(25)
    fonts = typefaces.fonts("held-out")
    labels = [i % 10 for i in range(N)]
    pictures = [synthetic.stroked(synthetic.typed_digit(digit, rng, fonts), rng) for digit in labels]
    assert accuracy(digits_cnn, "digits", pictures, labels) >= STROKED_FONTS_FLOOR


@pytest.mark.slow
@pytest.mark.needs_data
def test_the_digits_cnn_reads_test_digits_stored_at_low_resolution_and_calls_them_digits(digits_cnn):
    rng = np.random.default_rng(24)
    test = datasets.load_split("mnist", "test")
    picked = rng.choice(len(test.labels), size=N, replace=False)
    images = np.stack([preprocess("digits", synthetic.low_resolution(test.images[i], rng)) for i in picked])
    assert float(np.mean(digits_cnn.predict_batch(images).argmax(1) == test.labels[picked])) >= LOW_RESOLUTION_FLOOR
    assert float(np.mean(digits_cnn.domain_scores(images) < digits_cnn.domain.threshold)) <= LOW_RESOLUTION_REJECTED


def typed(font: ImageFont.FreeTypeFont, character: str) -> bytes:
    ink = Image.new("L", (60, 70))
    ImageDraw.Draw(ink).text((5, 5), character, font=font, fill=255)
    return np.asarray(ink).tobytes()


def test_every_handwriting_font_of_the_list_is_in_the_repository_and_types_digits():
    listed = [
        line.split()
        for line in (settings.ASSETS_DIR / "fonts" / "fonts.txt").read_text().splitlines()
        if not line.startswith("#")
    ]
    for part in ("tuning", "held-out"):
        names = sorted(name for listed_part, name, _ in listed if listed_part == part)
        files = [path for path in typefaces.fonts(part) if path.suffix == ".woff"]
        assert sorted(path.stem for path in files) == names
        for path in files:
            assert path.with_suffix(".LICENSE").exists()
            font = ImageFont.truetype(str(path), 40)
            # Ten different glyphs, none of them blank or the font's "missing character" box (a private-use character).
            digits = {typed(font, digit) for digit in "0123456789"}
            assert len(digits) == 10 and not digits & {typed(font, " "), typed(font, "\ue000")}, path.name
    # No font is in both parts: the held-out ones measure generalisation.
    assert not {path.name for path in typefaces.fonts("tuning")} & {path.name for path in typefaces.fonts("held-out")}


@pytest.mark.slow
@pytest.mark.needs_debian("fonts-noto-color-emoji")
def test_the_clothing_cnn_reads_clothing_emoji_illustrations(fashion_cnn):
    rng = np.random.default_rng(23)
    emoji = [list(synthetic.CLOTHING_EMOJI)[i % len(synthetic.CLOTHING_EMOJI)] for i in range(N)]
    pictures = [outliers.object_photo(rng, one, transparent=bool(i % 2)) for i, one in enumerate(emoji)]
    assert accuracy(fashion_cnn, "fashion", pictures, [synthetic.CLOTHING_EMOJI[one] for one in emoji]) >= EMOJI_FLOOR


def test_styled_clothing_is_every_illustrated_class_in_equal_shares_preprocessed_as_the_app_does():
    images, labels = synthetic.styled_clothing(tasks.get("fashion"), 36, seed=3)
    illustrated = sorted(set(synthetic.ILLUSTRATION_CLASSES.values()))
    assert images.shape == (36, 28, 28) and images.dtype == np.uint8
    assert sorted(set(labels.tolist())) == illustrated
    assert np.bincount(labels, minlength=10)[illustrated].min() == 36 // len(illustrated)
    # Bright item on a black border, stretched to full contrast, as Fashion-MNIST's images are.
    assert np.all(images.max(axis=(1, 2)) == 255) and np.median(images[:, 0, :]) == 0


def test_every_clothing_illustration_the_models_learn_from_is_in_the_repository():
    pictures = synthetic.clothing_pictures()
    per_set = [list((synthetic.ILLUSTRATIONS_DIR / folder).glob("*.png")) for folder in synthetic.ILLUSTRATION_SETS]
    files = [path for paths in per_set for path in paths]
    assert len(pictures) == len(files) and {path.stem for path in files} <= set(synthetic.ILLUSTRATION_CLASSES)
    # Each set draws at least 10 of the 18 clothing emoji; the first two draw them all.
    counts = [len(paths) for paths in per_set]
    assert min(counts) >= 10 and counts[:2] == [len(synthetic.ILLUSTRATION_CLASSES)] * 2
    assert all(picture.mode == "RGBA" and picture.size == (160, 160) for picture, _ in pictures)
