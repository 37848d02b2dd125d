"""Scoring a model: the confusion matrix, and a shipped model's accuracy on its full official test set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifier.core import datasets, tasks
from classifier.serve.inference import load_classifier


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class): row = true, column = predicted."""
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (np.asarray(labels, dtype=int), np.asarray(predicted, dtype=int)), 1)
    return matrix


def evaluate(task: str, model_kind: str, data_dir: str | None = None, models_dir: Path | None = None) -> dict:
    """Return accuracy, mean cross-entropy and count of a shipped model on its task's test images."""
    spec = tasks.get(task)
    test = datasets.load_split(spec.dataset, "test", data_dir)
    classifier = load_classifier(spec.name, model_kind, models_dir)
    probabilities = classifier.predict_batch(test.images.astype(np.float32) / 255.0)
    labels = test.labels.astype(int)
    picked = probabilities[np.arange(len(labels)), labels]
    return {
        "task": spec.name,
        "model": model_kind,
        "backend": classifier.backend,
        "accuracy": float(np.mean(np.argmax(probabilities, axis=1) == labels)),
        "loss": float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0)))),
        "n": int(len(labels)),
    }
