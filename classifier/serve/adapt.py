"""Adapt to one person's handwriting: answers nudged by the drawings they corrected, without training.

An `Adapter` keeps the penultimate-layer features of a user's confirmed or corrected drawings
(their "examples") beside those of the model's neighbour index (NEIGHBOURS_PER_CLASS training images
per class, classifier/serve/explain.py). A new drawing whose nearest example is nearer than RATIO times its
nearest training image is written like that example: its answer becomes
    (model's probabilities + one vote for each example that passes that test, among the VOTERS nearest)
    / (1 + number of votes),
so one such example already gives its label at least half the probability. Everything else keeps
the model's answer, which is what keeps the model's accuracy on MNIST (bench/adapt.py measures both).
Fitting is computing the examples' features: one forward pass, milliseconds. Only NumPy: serving
stays free of TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How much nearer than every training image an example must be to count. Chosen in bench/adapt.py on
# validation data (MNIST training digits held out of training, and validation users of their own seeds):
# the largest ratio that costs no validation user of either digit model more than 0.2 point on those digits
# (at 1.1 the digits MLP's worst validation user loses more: docs/experiments.md, "Adaptation ratio").
RATIO = 1.0
# At most this many of the nearest examples vote.
VOTERS = 3


def _distances(features: np.ndarray, bank: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """(N, M) Euclidean distances between N feature rows and a bank of M, a chunk of rows at a time."""
    bank = bank.astype(np.float32)
    bank_norms = (bank**2).sum(axis=1)
    rows = []
    for start in range(0, len(features), chunk):
        part = features[start : start + chunk].astype(np.float32)
        squared = (part**2).sum(axis=1)[:, None] + bank_norms[None] - 2 * part @ bank.T
        rows.append(np.sqrt(np.maximum(squared, 0)))
    return np.concatenate(rows) if rows else np.zeros((0, len(bank)), np.float32)


@dataclass(frozen=True)
class Adapter:
    """A user's examples (images, features and right labels) and the training images' features they are compared with."""

    images: np.ndarray  # (examples, 28, 28) uint8, to show which example changed an answer
    features: np.ndarray  # (examples, features)
    labels: np.ndarray  # (examples,) int
    reference: np.ndarray  # (training images, features)
    ratio: float = RATIO

    def __len__(self) -> int:
        return len(self.labels)

    def adjust(self, probabilities: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return adjusted (N, classes) probabilities and, per row, the index of the nearest example that changed it, or -1."""
        adjusted = np.array(probabilities, dtype=np.float32, copy=True)
        nearest_example = np.full(len(adjusted), -1)
        if not len(self) or not len(adjusted):
            return adjusted, nearest_example
        to_examples = _distances(features, self.features)
        nearest_training = _distances(features, self.reference).min(axis=1)
        voters = np.argsort(to_examples, axis=1)[:, :VOTERS]
        for row, (candidates, limit) in enumerate(zip(voters, self.ratio * nearest_training)):
            close = candidates[to_examples[row, candidates] < limit]
            if not len(close):
                continue
            votes = np.bincount(self.labels[close], minlength=adjusted.shape[1])
            adjusted[row] = (adjusted[row] + votes) / (1 + len(close))
            nearest_example[row] = close[0]
        return adjusted, nearest_example
