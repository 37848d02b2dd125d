"""Values that every layer passes around: what a model made of one input."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Prediction:
    """What a model made of one input: its calibrated probabilities and whether the input looks like its training data."""

    label: int
    class_name: str
    probabilities: np.ndarray
    image28: np.ndarray
    in_domain: bool  # the domain check passed, or (with an adapter) one of the user's examples changed the answer
    domain_score: float  # higher = more like the training data; below the model's threshold = out of domain
    # With an adapter: the index of the user's example that changed the answer (classifier/serve/adapt.py), else None.
    example: int | None = None

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.label])
