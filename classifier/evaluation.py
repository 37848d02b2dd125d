"""Scoring a shipped model on the full official test set."""

from __future__ import annotations

import numpy as np

from classifier import datasets, settings
from classifier.inference import load_classifier


def evaluate(task: str, model_kind: str, data_dir: str | None = None) -> dict:
    """Return accuracy, mean cross-entropy and count of a shipped model on its 10,000 test images."""
    test = datasets.load_split(settings.DATASET_OF_TASK[task], "test", data_dir)
    classifier = load_classifier(task, model_kind)
    probabilities = classifier.predict_batch(test.images.astype(np.float32) / 255.0)
    labels = test.labels.astype(int)
    picked = probabilities[np.arange(len(labels)), labels]
    return {
        "task": task,
        "model": model_kind,
        "backend": classifier.backend,
        "accuracy": float(np.mean(np.argmax(probabilities, axis=1) == labels)),
        "loss": float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0)))),
        "n": int(len(labels)),
    }
