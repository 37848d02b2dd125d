"""The outlier pictures that fit and test the domain check: every source makes pictures the app can read, the tuning
and held-out parts share nothing, and every emoji artwork has a picture of every object."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from classifier.core import tasks
from classifier.core.settings import ASSETS_DIR
from classifier.serve.preprocessing import open_image, preprocess
from classifier.train import outliers
from classifier.train.synthetic.typefaces import HELD_OUT_FONTS, TUNING_FONTS


@pytest.mark.needs_debian("fonts-noto-color-emoji", "fonts-dejavu-core")
@pytest.mark.parametrize("task", ["digits", "fashion"])
@pytest.mark.parametrize("part", ["tuning", "held-out"])
def test_every_source_makes_pictures_the_app_reads(task, part):
    spec = tasks.get(task)
    others = np.random.default_rng(0).integers(0, 256, size=(10, 28, 28), dtype=np.uint8)
    rng = np.random.default_rng(1)
    for source, make in outliers.sources(spec.input_kind, part, others).items():
        for _ in range(3):
            picture = make(rng)
            image = preprocess(spec, open_image(picture) if isinstance(picture, bytes) else picture)
            assert image.shape == (28, 28) and image.max() > 0.5, source


def test_the_tuning_and_held_out_parts_share_no_object_and_no_font():
    assert not set(outliers.TUNING_OBJECTS) & set(outliers.HELD_OUT_OBJECTS)
    assert not set(TUNING_FONTS) & set(HELD_OUT_FONTS)
    tuning = {path.stem for path in (ASSETS_DIR / "fonts" / "tuning").glob("*.woff")}
    held_out = {path.stem for path in (ASSETS_DIR / "fonts" / "held-out").glob("*.woff")}
    assert tuning and held_out and not tuning & held_out


@pytest.mark.parametrize("artwork", [artwork for artwork in outliers.ARTWORKS if artwork != "noto"])
def test_every_object_has_a_picture_in_each_emoji_artwork(artwork):
    for character in outliers.TUNING_OBJECTS + outliers.HELD_OUT_OBJECTS:
        picture = outliers.emoji_picture(character, artwork)
        assert max(picture.size) >= outliers.EMOJI_SIDE * 0.8, character
        assert np.asarray(picture)[..., 3].mean() > 20, character  # not an empty picture


def test_each_scrawl_kind_leaves_ink_on_the_canvas():
    rng = np.random.default_rng(2)
    kinds = set()
    for _ in range(60):
        picture = outliers.scrawl(rng)
        assert picture.shape[:2] == (outliers.CANVAS_SIZE, outliers.CANVAS_SIZE) and picture.max() == 255
        kinds.add(int(picture.sum()))
    assert len(kinds) == 60  # no two alike


def test_an_object_photo_of_another_artwork_is_a_jpeg_with_the_object_on_a_light_background():
    rng = np.random.default_rng(3)
    photo = Image.open(io.BytesIO(outliers.object_photo(rng, outliers.HELD_OUT_OBJECTS, artwork="openmoji")))
    pixels = np.asarray(photo.convert("RGB")).astype(int)
    assert photo.format == "JPEG" and pixels[0, 0].min() > 180 and pixels.min() < 120


def test_pen_letters_write_no_digit_like_character_and_stay_whole_on_the_canvas():
    assert set(outliers.PEN_LETTERS) <= set(outliers.LETTERS + outliers.SYMBOLS)
    rng = np.random.default_rng(4)
    for _ in range(200):
        ink = outliers.pen_letter(rng)[..., 0] > 0
        assert ink.any() and not (ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any())
