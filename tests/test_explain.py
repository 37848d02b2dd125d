"""explain(): every shown layer's activity, a 28x28 why-map and the nearest training images, for every shipped model."""

from __future__ import annotations

import ast
import shutil

import numpy as np
import pytest

from classifier import ModelFileError, load_classifier
from classifier.core import reports, settings, tasks
from tests.conftest import large_digit

MODELS = [(task.name, model_kind) for task in tasks.all_tasks() for model_kind in settings.MODEL_KINDS]


@pytest.mark.parametrize(("task", "model_kind"), MODELS)
def test_each_layer_shown_has_the_shape_of_the_models_layer_table(task, model_kind, mnist_test):
    explanation = load_classifier(task, model_kind).explain(large_digit(mnist_test.images[0]))
    table = reports.load_metrics(task, model_kind)["layers"]
    shown = [ast.literal_eval(layer["output_shape"])[1:] for layer in table if layer["type"] in ("Activation", "MaxPooling2D")]
    maps_and_units = [layer for layer in explanation.layers if layer.kind in ("convolution", "pooling", "dense")]
    assert [layer.activations.shape for layer in maps_and_units] == shown
    assert [layer.kind for layer in explanation.layers[-2:]] == ["logits", "probabilities"]
    assert np.allclose(explanation.layers[-1].activations, explanation.prediction.probabilities)


@pytest.mark.parametrize(("task", "model_kind"), MODELS)
def test_the_why_map_is_28x28_finite_and_not_flat(task, model_kind, mnist_test):
    saliency = load_classifier(task, model_kind).explain(large_digit(mnist_test.images[1])).saliency
    assert saliency.shape == (28, 28) and np.isfinite(saliency).all() and saliency.max() > saliency.min()


@pytest.mark.parametrize("model_kind", settings.MODEL_KINDS)
def test_most_nearest_training_images_share_the_predicted_label_of_a_test_digit(model_kind, mnist_test):
    classifier = load_classifier("digits", model_kind)
    shared = []
    for image in mnist_test.images[:30]:
        explanation = classifier.explain(large_digit(image))
        assert len(explanation.neighbours) == 6
        assert [n.distance for n in explanation.neighbours] == sorted(n.distance for n in explanation.neighbours)
        shared.append(np.mean([n.label == explanation.prediction.label for n in explanation.neighbours]))
    assert np.mean(shared) >= 0.8


def test_a_missing_neighbour_file_is_refused_with_the_command_that_remakes_it(tmp_path, mnist_test):
    folder = tmp_path / "models"
    shutil.copytree(settings.MODELS_DIR, folder)
    (folder / "digits-cnn.neighbours.npz").unlink()
    classifier = load_classifier("digits", "cnn", folder)
    assert classifier.predict(large_digit(mnist_test.images[0])).label == mnist_test.labels[0]
    with pytest.raises(ModelFileError, match=r"digits-cnn\.neighbours\.npz.*calibrate --task digits --model cnn"):
        classifier.explain(large_digit(mnist_test.images[0]))
