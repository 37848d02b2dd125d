"""Does an input look like the training data, and how sure may the model be? The domain check and calibration, as served.

Each model ships a `<stem>.domain.npz` (made by classifier/train/calibration.py, listed in the manifest) with:
- `temperature`: the answer's logits are divided by it before the softmax (temperature scaling, Guo et
  al. 2017), so that "80 % sure" is right about 80 % of the time;
- a small "does this look like the training data?" network on the model's own outputs (its
  penultimate features, logits and their log-sum-exp, and for a CNN each pooling layer's mean and
  maximum activity per channel), trained with outlier pictures (outlier exposure, Hendrycks et al.
  2019), whose output is the domain score: higher = more like the training data;
- `layers`: the names of the model outputs it summarises (`summarised_layers`);
- `threshold`: below it, the input is out of domain. It is set on validation inputs so that at most
  2 % of real drawings or photos are rejected.

Only NumPy: serving stays free of TensorFlow.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from classifier.core import manifest, settings
from classifier.core.errors import ModelFileError


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def log_sum_exp(logits: np.ndarray) -> np.ndarray:
    """The energy score of Liu et al. (2020), negated: log sum_c exp(logit_c), per row."""
    top = logits.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True)))[..., 0]


def summarised_layers(outputs: Mapping[str, np.ndarray]) -> tuple[str, ...]:
    """The layer outputs the domain network reads: every (N, H, W, C) pooling output of a CNN.

    A 2x2 max pooling keeps the largest activity of the convolution before it, and is a quarter of its
    size: its summaries cost a quarter as much (the check's cost is part of every answer).
    """
    return tuple(name for name, values in outputs.items() if values.ndim == 4 and name.endswith("_pooling"))


def head_inputs(outputs: Mapping[str, np.ndarray], layers: tuple[str, ...]) -> np.ndarray:
    """What the domain network reads: the penultimate features, the logits and their log-sum-exp,
    and the mean and maximum over positions of each channel of `layers`.

    The penultimate features say what the model thinks it sees; the layer summaries say how much each
    pattern it learned (a stroke's edge, a curve) fired, which tells letters and scribbles from digits
    better than the features alone (bench/domain.py; docs/experiments.md, "The domain check reads the CNN's
    pooling layers too").
    """
    logits = outputs["logits"]
    parts = [outputs["features"], logits, log_sum_exp(logits)[:, None]]
    for name in layers:
        parts += [outputs[name].mean(axis=(1, 2)), outputs[name].max(axis=(1, 2))]
    return np.concatenate(parts, axis=1).astype(np.float32)


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
    """The temperature, the domain network, the threshold and the summarised layers of one model."""

    temperature: float
    threshold: float
    head: Head
    layers: tuple[str, ...]  # the model outputs `scores` reads beside logits and features

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities."""
        return softmax(np.asarray(logits, dtype=np.float32) / np.float32(self.temperature))

    def scores(self, outputs: Mapping[str, np.ndarray]) -> np.ndarray:
        """How much each input looks like the training data: higher = more alike; below `threshold` = out of domain.

        `outputs` are the model's, by name: "logits", "features" and each of `layers`.
        """
        return self.head(head_inputs(outputs, self.layers))

    def to_bytes(self) -> bytes:
        arrays = {"temperature": self.temperature, "threshold": self.threshold}
        arrays.update({field.name: getattr(self.head, field.name) for field in fields(Head)})
        buffer = io.BytesIO()
        np.savez(
            buffer,
            layers=np.asarray(self.layers, dtype=str),
            **{name: np.asarray(value, dtype=np.float32) for name, value in arrays.items()},
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, content: bytes) -> DomainCheck:
        with np.load(io.BytesIO(content), allow_pickle=False) as arrays:
            temperature, threshold = float(arrays["temperature"]), float(arrays["threshold"])
            head = Head(
                **{field.name: arrays[field.name] for field in fields(Head) if field.name != "output_bias"},
                output_bias=float(arrays["output_bias"]),
            )
            layers = tuple(str(name) for name in arrays["layers"])
        if not temperature > 0 or not np.isfinite(threshold):
            raise ValueError(f"temperature {temperature} and threshold {threshold} are not usable")
        return cls(temperature, threshold, head, layers)


def load(task: str, model_kind: str, models_dir: Path | None = None) -> DomainCheck:
    """Load and check a model's domain file; raise ModelFileError naming the file and the fix."""
    path = settings.model_path(task, model_kind, ".domain.npz", models_dir)
    recreate = settings.recreate_hint(task, model_kind, "calibrate")
    content = manifest.verified_bytes(path, task, model_kind, recreate)
    try:
        return DomainCheck.from_bytes(content)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"The calibration file {path} is damaged ({error}). {recreate}") from error
