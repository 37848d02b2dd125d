"""Adapting to a user's handwriting: a few corrections of a style the model misreads fix new drawings of it, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from classifier import load_classifier
from classifier.core import tasks
from classifier.serve.preprocessing import preprocess
from classifier.train import synthetic
from tests.conftest import ADAPTATION_DIGIT as DIGIT
from tests.conftest import ADAPTATION_STYLE as STYLE

TASK = tasks.get("digits")


def drawings_in_the_style(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([preprocess(TASK, synthetic.styled_digit(STYLE, rng)) for _ in range(count)])


@pytest.mark.parametrize("model_kind", ["cnn", "mlp"])
def test_five_corrections_of_a_style_teach_it_and_keep_mnist(model_kind, mnist_test):
    classifier = load_classifier("digits", model_kind)
    pool = drawings_in_the_style(120, seed=1)
    misread = pool[classifier.predict_batch(pool).argmax(axis=1) != DIGIT][:5]
    assert len(misread) == 5, f"the shipped model reads the {STYLE} style: it no longer tests adaptation"
    adapter = classifier.adapter(misread, [DIGIT] * 5)

    new = drawings_in_the_style(150, seed=2)
    outputs = classifier.outputs_batch(new)
    before = classifier.domain.probabilities(outputs["logits"])
    after, examples = adapter.adjust(before, outputs["features"])
    gain = np.mean(after.argmax(axis=1) == DIGIT) - np.mean(before.argmax(axis=1) == DIGIT)
    assert gain >= 0.10
    assert np.allclose(after.sum(axis=1), 1, atol=1e-5)
    # Every changed answer names an example, and that example's label is the new answer.
    changed = examples >= 0
    assert changed.any() and (after[changed].argmax(axis=1) == adapter.labels[examples[changed]]).all()
    assert (after[~changed] == before[~changed]).all()

    # The goal: at most 0.2 point less on the MNIST test set.
    outputs = classifier.outputs_batch(mnist_test.images / np.float32(255))
    plain = classifier.domain.probabilities(outputs["logits"]).argmax(axis=1)
    adapted = adapter.adjust(classifier.domain.probabilities(outputs["logits"]), outputs["features"])[0].argmax(axis=1)
    assert np.mean(adapted == mnist_test.labels) >= np.mean(plain == mnist_test.labels) - 0.002


def test_predict_with_an_adapter_names_the_example_and_without_one_does_not(digits_cnn):
    drawings = drawings_in_the_style(120, seed=3)
    misread = [index for index, label in enumerate(digits_cnn.predict_batch(drawings).argmax(axis=1)) if label != DIGIT]
    adapter = digits_cnn.adapter(drawings[misread[:1]], [DIGIT])
    # The corrected drawing itself, drawn again, is nearer to itself than to any training image.
    again = digits_cnn.predict(drawings[misread[0]], adapter=adapter)
    assert (again.label, again.example) == (DIGIT, 0)
    plain = digits_cnn.predict(drawings[misread[0]])
    assert plain.example is None
    # The user said what it is: it no longer "doesn't look like a digit", and its domain score stays the model's.
    assert not plain.in_domain and again.in_domain and again.domain_score == plain.domain_score


def test_an_adapter_without_examples_changes_nothing(digits_cnn, mnist_test):
    adapter = digits_cnn.adapter(np.zeros((0, 28, 28), np.uint8), [])
    image = mnist_test.images[0] / np.float32(255)
    plain, adapted = digits_cnn.predict(image), digits_cnn.predict(image, adapter=adapter)
    assert np.array_equal(plain.probabilities, adapted.probabilities) and adapted.example is None
