"""Training writes a model, its LiteRT twin, history and metrics that load back; LiteRT agrees with Keras."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from classifier import datasets, load_classifier, manifest, reports, settings, training
from classifier.inference import softmax


def test_a_one_epoch_run_on_a_few_hundred_images_writes_files_that_load_back(tmp_path):
    metrics = training.train("digits", "cnn", epochs=1, limit=400, models_dir=tmp_path, verbose=0)
    for suffix in manifest.SUFFIXES:
        assert (tmp_path / f"digits-cnn{suffix}").stat().st_size > 0
    history = reports.load_history("digits", "cnn", tmp_path)
    assert [row["epoch"] for row in history] == [1.0]
    saved = reports.load_metrics("digits", "cnn", tmp_path)
    assert saved["test_n"] == 10000 and saved["test_accuracy"] == pytest.approx(metrics["test_accuracy"])
    assert saved["total_parameters"] == sum(layer["parameters"] for layer in saved["layers"])
    assert np.asarray(saved["confusion_matrix"]).sum() == 10000
    served = load_classifier("digits", "cnn", models_dir=tmp_path)
    assert served.backend == "litert" and served.predict_batch(np.zeros((2, 28, 28))).shape == (2, 10)


def test_the_same_seed_gives_the_same_history(tmp_path):
    for folder in ("first", "second"):
        training.train("fashion", "mlp", epochs=2, limit=300, seed=5, models_dir=tmp_path / folder, verbose=0)
    first, second = ((tmp_path / folder / "fashion-mlp.history.csv").read_text() for folder in ("first", "second"))
    assert first == second


def test_the_mlp_keeps_the_tutorials_784_128_10_dense_layers():
    from classifier.models import build_mlp

    dense = [layer for layer in build_mlp("fashion").layers if type(layer).__name__ == "Dense"]
    assert [layer.kernel.shape for layer in dense] == [(784, 128), (128, 10)]


@pytest.mark.parametrize("task", settings.TASKS)
@pytest.mark.parametrize("model_kind", settings.MODEL_KINDS)
def test_each_shipped_litert_model_agrees_with_its_keras_model(task, model_kind):
    import keras

    sample = datasets.load_sample(task)
    images = sample.images.astype(np.float32) / 255.0
    model = keras.saving.load_model(settings.model_path(task, model_kind, ".keras"), compile=False, safe_mode=True)
    from_keras = softmax(np.asarray(model(images[..., None], training=False)))
    from_litert = load_classifier(task, model_kind).predict_batch(images)
    assert np.array_equal(from_keras.argmax(1), from_litert.argmax(1))
    assert np.abs(from_keras - from_litert).max() < 1e-5


def test_each_history_csv_has_the_columns_the_curve_page_reads():
    for task in settings.TASKS:
        for model_kind in settings.MODEL_KINDS:
            with open(settings.model_path(task, model_kind, ".history.csv")) as handle:
                assert tuple(csv.DictReader(handle).fieldnames) == reports.HISTORY_COLUMNS
            metrics = json.loads(settings.model_path(task, model_kind, ".metrics.json").read_text())
            assert len(metrics["confusion_matrix"]) == 10
