"""Training writes a model, its LiteRT twin, history and metrics that load back; LiteRT agrees with Keras."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from classifier import load_classifier
from classifier.core import datasets, manifest, reports, settings, tasks
from classifier.serve import numbers
from classifier.train import synthetic, training

pytestmark = pytest.mark.slow


def test_a_one_epoch_run_writes_files_that_load_back(tmp_path, small_data):
    metrics = training.train("digits", "cnn", epochs=1, models_dir=tmp_path, data_dir=small_data, verbose=0)
    for suffix in manifest.SUFFIXES:
        assert (tmp_path / f"digits-cnn{suffix}").stat().st_size > 0
    assert metrics["calibration"]["temperature"] > 0 and metrics["calibration"]["realistic_validation_rejected"] <= 0.05
    history = reports.load_history("digits", "cnn", tmp_path)
    assert [row["epoch"] for row in history] == [1.0]
    saved = reports.load_metrics("digits", "cnn", tmp_path)
    assert saved["test_n"] == 60 and saved["test_accuracy"] == pytest.approx(metrics["test_accuracy"])
    assert saved["training_images"] + saved["validation_images"] == 240
    assert saved["total_parameters"] == sum(layer["parameters"] for layer in saved["layers"])
    assert np.asarray(saved["confusion_matrix"]).sum() == 60
    served = load_classifier("digits", "cnn", models_dir=tmp_path)
    assert served.backend == "litert" and served.predict_batch(np.zeros((2, 28, 28))).shape == (2, 10)
    assert served.domain.threshold == pytest.approx(metrics["calibration"]["threshold"], abs=1e-4)


def test_the_same_seed_gives_the_same_history(tmp_path, small_data):
    for folder in ("first", "second"):
        training.train("fashion", "mlp", epochs=2, seed=5, models_dir=tmp_path / folder, data_dir=small_data, verbose=0)
    first, second = ((tmp_path / folder / "fashion-mlp.history.csv").read_text() for folder in ("first", "second"))
    assert first == second


def test_the_mlp_keeps_the_tutorials_784_128_10_dense_layers():
    from classifier.train.models import build_mlp

    dense = [layer for layer in build_mlp(tasks.get("fashion")).layers if type(layer).__name__ == "Dense"]
    assert [layer.kernel.shape for layer in dense] == [(784, 128), (128, 10)]


@pytest.mark.parametrize("task", tasks.names())
@pytest.mark.parametrize("model_kind", settings.MODEL_KINDS)
def test_each_shipped_litert_model_agrees_with_its_keras_model(task, model_kind):
    import keras

    sample = datasets.load_sample(task)
    images = sample.images.astype(np.float32) / 255.0
    model = keras.saving.load_model(settings.model_path(task, model_kind, ".keras"), compile=False, safe_mode=True)
    from_keras = np.asarray(model(images[..., None], training=False))
    from_litert = load_classifier(task, model_kind).outputs_batch(images)["logits"]
    assert np.array_equal(from_keras.argmax(1), from_litert.argmax(1))
    assert np.abs(from_keras - from_litert).max() < 1e-3


@pytest.mark.parametrize("task", tasks.all_tasks(), ids=tasks.names())
def test_each_history_csv_has_the_columns_the_curve_page_reads(task):
    for model_kind in settings.MODEL_KINDS:
        with open(settings.model_path(task.name, model_kind, ".history.csv")) as handle:
            assert tuple(csv.DictReader(handle).fieldnames) == reports.HISTORY_COLUMNS
        metrics = json.loads(settings.model_path(task.name, model_kind, ".metrics.json").read_text())
        assert len(metrics["confusion_matrix"]) == task.num_classes


def test_a_number_reader_trains_on_lines_of_digits_and_is_served_as_keras_computes_it(tmp_path, small_data):
    import keras

    from classifier.serve.inference import NumberReader

    metrics = training.train_number_reader("digits", epochs=1, limit=64, models_dir=tmp_path, data_dir=small_data, verbose=0)
    stem = settings.model_stem("digits", settings.NUMBER_READER)
    assert {f"{stem}{suffix}" for suffix in (".keras", ".tflite", ".metrics.json")} <= set(manifest.read(tmp_path))
    assert metrics["training_lines"] == 64 and metrics["test_n"] == 6 and 0 <= metrics["test_accuracy"] <= 1
    lines, _ = synthetic.number_lines(datasets.load_sample("digits").images, np.zeros(100, int), 3, np.random.default_rng(0), 160)
    lines = lines / np.float32(255)
    model = keras.saving.load_model(tmp_path / f"{stem}.keras", compile=False, safe_mode=True)
    from_keras = np.asarray(model(lines[..., None], training=False))
    reader = NumberReader("digits", tmp_path)
    from_litert = np.stack([reader(line) for line in lines])
    assert from_litert.shape == (3, numbers.FRAMES, 11) and np.abs(from_keras - from_litert).max() < 1e-3


def test_the_shipped_number_reader_agrees_with_its_keras_model(mnist_test):
    import keras

    from classifier.serve.inference import NumberReader

    lines, _ = synthetic.number_lines(mnist_test.images, mnist_test.labels, 20, np.random.default_rng(0), 160)
    lines = lines / np.float32(255)
    path = settings.model_path("digits", settings.NUMBER_READER, ".keras")
    from_keras = np.asarray(keras.saving.load_model(path, compile=False, safe_mode=True)(lines[..., None], training=False))
    from_litert = np.stack([NumberReader("digits")(line) for line in lines])
    assert np.array_equal(from_keras.argmax(-1), from_litert.argmax(-1)) and np.abs(from_keras - from_litert).max() < 1e-3
