"""The inference API: load_classifier, predict, predict_batch, and loading errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classifier import ModelFileError, load_classifier
from classifier.core import settings, tasks
from tests.conftest import large_digit, png_bytes


def test_predict_returns_label_class_name_probabilities_and_the_image_it_saw(mnist_test, digits_cnn):
    result = digits_cnn.predict(large_digit(mnist_test.images[0]))
    assert result.label == mnist_test.labels[0]
    assert result.class_name == tasks.get("digits").class_names[result.label]
    assert result.probabilities.shape == (10,)
    assert result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert result.image28.shape == (28, 28) and result.image28.dtype == np.float32


def test_predict_accepts_a_pil_image_bytes_and_a_path(tmp_path, mnist_test, digits_cnn):
    picture = Image.fromarray(large_digit(mnist_test.images[1]))
    path = tmp_path / "digit.png"
    picture.save(path)
    labels = {digits_cnn.predict(source).label for source in (picture, png_bytes(picture), path, str(path))}
    assert labels == {int(mnist_test.labels[1])}


def test_clothing_class_names_come_from_the_task(fashion_cnn):
    assert fashion_cnn.class_names == tasks.get("fashion").class_names and fashion_cnn.class_names[7] == "Sneaker"


def test_predict_batch_maps_n_images_to_n_by_10_probabilities(mnist_test, digits_cnn):
    probabilities = digits_cnn.predict_batch(mnist_test.images[:1234] / 255.0)
    assert probabilities.shape == (1234, 10)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.mean(probabilities.argmax(1) == mnist_test.labels[:1234]) > 0.98


def test_predict_batch_refuses_a_wrong_shape(digits_cnn):
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        digits_cnn.predict_batch(np.zeros((3, 32, 32)))


def copy_models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    shutil.copytree(settings.MODELS_DIR, folder)
    return folder


def test_a_missing_model_file_names_the_file_and_the_command(tmp_path):
    folder = copy_models(tmp_path)
    (folder / "digits-cnn.tflite").unlink()
    with pytest.raises(
        ModelFileError, match=r"digits-cnn\.tflite is missing.*python -m classifier train --task digits --model cnn"
    ):
        load_classifier("digits", "cnn", models_dir=folder)


@pytest.mark.parametrize("damage", ["truncate", "replace"])
def test_a_damaged_model_file_is_refused_by_its_manifest_digest(tmp_path, damage):
    folder = copy_models(tmp_path)
    path = folder / "fashion-mlp.tflite"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2] if damage == "truncate" else content[::-1])
    with pytest.raises(ModelFileError, match=r"fashion-mlp\.tflite is damaged.*train --task fashion --model mlp"):
        load_classifier("fashion", "mlp", models_dir=folder)


def test_one_shared_classifier_gives_every_thread_its_own_result(mnist_test, digits_cnn):
    drawings = [large_digit(image) for image in mnist_test.images[:24]]
    expected = [digits_cnn.predict(drawing).probabilities for drawing in drawings]

    def predict(index: int) -> bool:
        return np.array_equal(digits_cnn.predict(drawings[index % 24]).probabilities, expected[index % 24])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(predict, range(800)))
    assert all(results)


def test_serving_never_imports_tensorflow_keras_or_the_training_layer(tmp_path, mnist_test):
    """Predict, explain and read a number in a fresh process: serving runs on LiteRT alone."""
    digit, number = tmp_path / "digit.png", tmp_path / "number.png"
    Image.fromarray(large_digit(mnist_test.images[2])).save(digit)
    Image.fromarray(np.hstack([large_digit(mnist_test.images[0]), large_digit(mnist_test.images[1])])).save(number)
    script = (
        "import json, sys\n"
        "from classifier import load_classifier\n"
        "model = load_classifier('digits', 'cnn')\n"
        f"result = model.predict({str(digit)!r})\n"
        f"model.explain({str(digit)!r})\n"
        f"read = model.read_number({str(number)!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')"
        " or m.startswith('classifier.train'))\n"
        "print(json.dumps([result.label, read.number, heavy]))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=settings.PROJECT_ROOT)
    label, read, heavy_modules = json.loads(output.stdout.strip().splitlines()[-1])
    assert label == mnist_test.labels[2]
    assert read == f"{mnist_test.labels[0]}{mnist_test.labels[1]}"
    assert heavy_modules == []
