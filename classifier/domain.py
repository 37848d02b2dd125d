"""Does an input look like the training data, and how sure may the model be? The domain check and calibration, as served.

Each model ships a `<stem>.domain.npz` (made by classifier/calibration.py, listed in the manifest) with:
- `temperature`: the answer's logits are divided by it before the softmax (temperature scaling, Guo et
  al. 2017), so that "80 % sure" is right about 80 % of the time;
- a small "does this look like the training data?" network on the model's own outputs (its
  penultimate features, logits and their log-sum-exp), trained with outlier pictures (outlier
  exposure, Hendrycks et al. 2019), whose output is the domain score: higher = more like the
  training data;
- `threshold`: below it, the input is out of domain. It is set on validation inputs so that at most
  2 % of real drawings or photos are rejected.

Only NumPy: serving stays free of TensorFlow.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from classifier import manifest, settings
from classifier.errors import ModelFileError


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def log_sum_exp(logits: np.ndarray) -> np.ndarray:
    """The energy score of Liu et al. (2020), negated: log sum_c exp(logit_c), per row."""
    top = logits.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True)))[..., 0]


def head_inputs(logits: np.ndarray, features: np.ndarray) -> np.ndarray:
    """What the domain network reads: the penultimate features, the logits and their log-sum-exp."""
    return np.concatenate([features, logits, log_sum_exp(logits)[:, None]], axis=1).astype(np.float32)


@dataclass(frozen=True)
class Head:
    """A small network on a model's outputs: standardised inputs, one hidden ReLU layer, one output (a logit)."""

    mean: np.ndarray  # (inputs,) to standardise the inputs
    scale: np.ndarray  # (inputs,)
    hidden_weights: np.ndarray  # (inputs, hidden)
    hidden_bias: np.ndarray  # (hidden,)
    output_weights: np.ndarray  # (hidden,)
    output_bias: float

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        hidden = np.maximum((inputs - self.mean) / self.scale @ self.hidden_weights + self.hidden_bias, 0.0)
        return hidden @ self.output_weights + np.float32(self.output_bias)


@dataclass(frozen=True)
class DomainCheck:
    """The temperature, the domain network and the threshold of one model."""

    temperature: float
    threshold: float
    head: Head

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities."""
        return softmax(np.asarray(logits, dtype=np.float32) / np.float32(self.temperature))

    def scores(self, logits: np.ndarray, features: np.ndarray) -> np.ndarray:
        """How much each input looks like the training data: higher = more alike; below `threshold` = out of domain."""
        return self.head(head_inputs(logits, features))

    def to_bytes(self) -> bytes:
        arrays = {"temperature": self.temperature, "threshold": self.threshold}
        arrays.update({field.name: getattr(self.head, field.name) for field in fields(Head)})
        buffer = io.BytesIO()
        np.savez(buffer, **{name: np.asarray(value, dtype=np.float32) for name, value in arrays.items()})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, content: bytes) -> DomainCheck:
        with np.load(io.BytesIO(content), allow_pickle=False) as arrays:
            temperature, threshold = float(arrays["temperature"]), float(arrays["threshold"])
            head = Head(
                **{field.name: arrays[field.name] for field in fields(Head) if field.name != "output_bias"},
                output_bias=float(arrays["output_bias"]),
            )
        if not temperature > 0 or not np.isfinite(threshold):
            raise ValueError(f"temperature {temperature} and threshold {threshold} are not usable")
        return cls(temperature, threshold, head)


def load(task: str, model_kind: str, models_dir: Path | None = None) -> DomainCheck:
    """Load and check a model's domain file; raise ModelFileError naming the file and the fix."""
    path = settings.model_path(task, model_kind, ".domain.npz", models_dir)
    recreate = settings.recreate_hint(task, model_kind, "calibrate")
    content = manifest.verified_bytes(path, task, model_kind, recreate)
    try:
        return DomainCheck.from_bytes(content)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"The calibration file {path} is damaged ({error}). {recreate}") from error
