"""Preprocessing turns real drawings and photos into MNIST-style 28x28 images."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from classifier import EmptyImageError
from classifier.core import settings
from classifier.serve.preprocessing import as_in_dataset, open_image, preprocess
from classifier.train import synthetic
from tests.conftest import jpeg_bytes, png_bytes


def canvas_with(stroke: np.ndarray, top: int, left: int, size: int = 280) -> np.ndarray:
    canvas = np.zeros((size, size), dtype=np.uint8)
    canvas[top : top + stroke.shape[0], left : left + stroke.shape[1]] = stroke
    return canvas


def a_seven(height: int = 120) -> np.ndarray:
    """A 7 drawn with 12-pixel strokes in a height x (0.7 height) box."""
    width = int(height * 0.7)
    picture = Image.new("L", (width, height), 0)
    from PIL import ImageDraw

    pen = ImageDraw.Draw(picture)
    pen.line([(4, 6), (width - 6, 6), (width // 3, height - 4)], fill=255, width=max(3, height // 10))
    return np.asarray(picture)


def test_the_same_digit_anywhere_on_the_canvas_gives_the_same_image():
    seven = a_seven()
    first = preprocess("digits", canvas_with(seven, 10, 10))
    second = preprocess("digits", canvas_with(seven, 150, 140))
    assert np.abs(first - second).max() < 1e-5


def test_the_same_digit_at_another_size_gives_nearly_the_same_image():
    small = preprocess("digits", canvas_with(a_seven(100), 30, 30))
    large = preprocess("digits", canvas_with(a_seven(240), 10, 10))
    assert np.abs(small - large).mean() < 0.06


def test_polarity_and_ink_colour_do_not_change_the_image():
    seven = canvas_with(a_seven(), 40, 60)
    white_on_black = preprocess("digits", seven)
    black_on_white = preprocess("digits", 255 - seven)
    red_on_transparent = np.zeros((*seven.shape, 4), dtype=np.uint8)
    red_on_transparent[..., 0] = 200
    red_on_transparent[..., 3] = seven
    blue_on_yellow = np.where(
        seven[..., None] > 0, np.array([20, 20, 200], dtype=np.uint8), np.array([250, 240, 90], dtype=np.uint8)
    )
    for other in (black_on_white, preprocess("digits", red_on_transparent), preprocess("digits", blue_on_yellow)):
        assert np.abs(other - white_on_black).mean() < 0.02


def test_an_image_already_in_its_datasets_format_passes_unchanged(mnist_test, fashion_test):
    for task, split in (("digits", mnist_test), ("fashion", fashion_test)):
        image = split.images[0]
        assert np.array_equal(preprocess(task, open_image(png_bytes(Image.fromarray(image)))), image / np.float32(255))
        # The same picture dark on light, larger, or in colour is not in the dataset's format.
        larger = np.asarray(Image.fromarray(image).resize((56, 56)))
        tinted = np.dstack([image, image, image // 2])
        assert all(as_in_dataset(other) is None for other in (255 - image, larger, tinted))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("task", "model_kind"), [(task, kind) for task in ("digits", "fashion") for kind in settings.MODEL_KINDS]
)
def test_the_test_set_saved_as_png_files_is_read_as_well_as_the_arrays(task, model_kind, request, tmp_path):
    from classifier import load_classifier
    from classifier.core import tasks

    split = request.getfixturevalue("mnist_test" if task == "digits" else "fashion_test")
    classifier = load_classifier(task, model_kind)
    on_arrays = np.mean(classifier.predict_batch(split.images / np.float32(255)).argmax(1) == split.labels)
    path = tmp_path / "test-image.png"
    right = 0
    for image, label in zip(split.images, split.labels, strict=True):
        Image.fromarray(image).save(path)
        right += classifier.predict(path).label == label
    through_files = right / len(split.labels)
    assert abs(through_files - on_arrays) <= 0.001
    assert through_files >= tasks.get(task).goals[model_kind]


def test_a_tall_thin_one_stays_thin():
    one = np.zeros((280, 280), dtype=np.uint8)
    one[40:240, 130:146] = 255
    image = preprocess("digits", one)
    rows, columns = np.flatnonzero(image.max(1) > 0.3), np.flatnonzero(image.max(0) > 0.3)
    assert len(rows) == 20
    assert len(columns) <= 4


def test_the_centre_of_mass_is_at_14_14_within_half_a_pixel():
    for top, left in [(5, 5), (100, 30), (150, 150)]:
        centre = ndimage.center_of_mass(preprocess("digits", canvas_with(a_seven(110), top, left)))
        assert abs(centre[0] - 14) <= 0.5 and abs(centre[1] - 14) <= 0.5


def test_isolated_specks_are_ignored():
    seven = canvas_with(a_seven(), 60, 60)
    specked = seven.copy()
    specked[2:5, 270:273] = 255
    specked[270:272, 3:5] = 255
    assert np.abs(preprocess("digits", specked) - preprocess("digits", seven)).max() < 1e-5


def test_a_drawing_is_returned_as_float32_in_0_to_1_on_28x28():
    image = preprocess("digits", canvas_with(a_seven(), 60, 60))
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)


def test_an_empty_canvas_raises_empty_image_error():
    with pytest.raises(EmptyImageError, match="draw a digit"):
        preprocess("digits", np.zeros((280, 280, 4), dtype=np.uint8))
    with pytest.raises(EmptyImageError):
        preprocess("digits", np.full((280, 280, 4), 255, dtype=np.uint8))


def test_a_blank_photo_raises_empty_image_error():
    with pytest.raises(EmptyImageError, match="No item"):
        preprocess("fashion", Image.new("RGB", (300, 400), (245, 244, 240)))


def test_a_canvas_drawing_of_a_test_digit_is_read_correctly(mnist_test, digits_cnn):
    rng = np.random.default_rng(3)
    right = [
        digits_cnn.predict(synthetic.canvas_digit(mnist_test.images[i], rng, polarity)).label == mnist_test.labels[i]
        for i in range(30)
        for polarity in synthetic.POLARITIES
    ]
    assert np.mean(right) >= 0.95


def test_a_product_photo_of_a_test_item_becomes_bright_on_black_and_centred(fashion_test):
    photo = open_image(synthetic.photo_clothing(fashion_test.images[0], np.random.default_rng(0)))
    image = preprocess("fashion", photo)
    original = fashion_test.images[0].astype(np.float32) / 255.0
    assert image[0].max() < 0.3 and image[:, 0].max() < 0.3  # dark border, as in Fashion-MNIST
    assert np.corrcoef(image.ravel(), original.ravel())[0, 1] > 0.7


def test_exif_rotation_is_applied(fashion_test):
    trouser = fashion_test.images[np.flatnonzero(fashion_test.labels == 1)[0]]
    upright = Image.open(io.BytesIO(synthetic.photo_clothing(trouser, np.random.default_rng(1))))
    lying = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view.
    rotated_file = jpeg_bytes(lying, exif=exif, quality=95)
    from_exif = preprocess("fashion", open_image(rotated_file))
    assert np.abs(from_exif - preprocess("fashion", upright)).mean() < 0.05


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "I;16", "CMYK", "LA", "RGB"])
def test_every_common_pillow_mode_is_accepted(fashion_test, fashion_cnn, mode):
    sneaker = fashion_test.images[np.flatnonzero(fashion_test.labels == 7)[0]]
    photo = Image.open(io.BytesIO(synthetic.photo_clothing(sneaker, np.random.default_rng(2)))).convert("RGB")
    if mode == "I;16":
        converted = Image.fromarray(np.asarray(photo.convert("L"), dtype=np.uint16) * 257)
    elif mode == "P":
        converted = photo.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    else:
        converted = photo.convert(mode)
    decoded = open_image(png_bytes(converted) if mode != "CMYK" else jpeg_bytes(converted))
    assert fashion_cnn.predict(decoded).class_name == "Sneaker"


def test_importing_preprocessing_leaves_pillows_pixel_limit_and_the_warning_filters_alone():
    # NumPy and SciPy add filters of their own when first imported, so they are imported before.
    script = (
        "import warnings\n"
        "import numpy, scipy.ndimage\n"
        "from PIL import Image\n"
        "before = (Image.MAX_IMAGE_PIXELS, list(warnings.filters))\n"
        "import classifier.serve.preprocessing\n"
        "print(before == (Image.MAX_IMAGE_PIXELS, list(warnings.filters)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=settings.PROJECT_ROOT)
    assert result.stdout.strip() == "True"
