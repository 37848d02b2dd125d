"""Inside the network: every shown layer's activity, a why-map, and the training images the network finds alike.

`Classifier.explain(image)` returns an `Explanation`. Everything runs on LiteRT with forward passes only:
- `layers`: each convolution's feature maps (after batch normalisation and ReLU), each pooling, the
  hidden units, the logits and the calibrated probabilities, from the served model's named outputs
  (classifier/train/models.py, serving_model);
- `saliency`: occlusion (Zeiler and Fergus 2014). A black square of PATCH x PATCH pixels is
  slid over the 28x28 input in steps of STRIDE; each pixel's importance is how much covering it lowers
  the predicted class's log-odds, averaged over the squares that cover it. All the covered copies go
  through the interpreter as one batch;
- `neighbours`: the training images nearest to the input in the penultimate layer's feature space
  (Euclidean distance), from the model's `.neighbours.npz` (features of NEIGHBOURS_PER_CLASS training
  images of each class as float16, with the images), made by classifier/train/calibration.py and listed in
  the manifest.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.core import manifest, settings
from classifier.core.errors import ModelFileError

# The why-map's square and its step: a 4x4 square passed the deletion test best for its cost, and steps of 3
# need half the passes of steps of 2 (bench/why_map.py; docs/experiments.md, "The why-map's square").
PATCH, STRIDE = 4, 3
NEIGHBOURS_SHOWN = 6
# Training images per class kept for the nearest-neighbour search: features float16 + 28x28 uint8
# images, about 0.3 MB per 300 images (3 MB per model of ten classes).
NEIGHBOURS_PER_CLASS = 300
# What the kinds of shown layers are called, for people and tests alike.
LAYER_KINDS = ("convolution", "pooling", "dense", "logits", "probabilities")


@dataclass(frozen=True)
class Layer:
    """One layer's activity for one input: (H, W, maps) for convolutions and poolings, (units,) otherwise."""

    name: str
    kind: str  # one of LAYER_KINDS
    activations: np.ndarray


@dataclass(frozen=True)
class Neighbour:
    """A training image the network finds alike, its label and its distance in feature space."""

    image28: np.ndarray  # uint8, bright on black
    label: int
    class_name: str
    distance: float


@dataclass(frozen=True)
class Explanation:
    prediction: object  # classifier.core.types.Prediction
    layers: tuple[Layer, ...]
    saliency: np.ndarray  # (28, 28) float32, higher = more important for the predicted class
    neighbours: tuple[Neighbour, ...]


def occlusion_masks(size: int = settings.IMAGE_SIZE) -> np.ndarray:
    """(masks, size, size) float32: 1 everywhere but one PATCH x PATCH square of 0, one mask per position."""
    starts = range(0, size - PATCH + 1, STRIDE)
    masks = np.ones((len(starts) ** 2, size, size), dtype=np.float32)
    for index, (top, left) in enumerate((top, left) for top in starts for left in starts):
        masks[index, top : top + PATCH, left : left + PATCH] = 0
    return masks


MASKS = occlusion_masks()
# How many masks cover each pixel, to average over them.
COVERAGE = (1 - MASKS).sum(axis=0)


def log_odds(logits: np.ndarray, label: int) -> np.ndarray:
    """log p(label) - log(1 - p(label)) for each row of logits: unlike p, it does not saturate near 1."""
    others = np.delete(logits, label, axis=1)
    top = others.max(axis=1, keepdims=True)
    return logits[:, label] - (top[:, 0] + np.log(np.exp(others - top).sum(axis=1)))


def occlusion_saliency(logits_of: Callable[[np.ndarray], np.ndarray], image28: np.ndarray, label: int) -> np.ndarray:
    """How much hiding each pixel lowers the label's log-odds, averaged over the squares that hide it (28x28).

    A square over black background hides nothing (the picture stays the same), so its drop is exactly 0
    and it is not run through the model: for a digit, about half of them.
    """
    hides_ink = ((image28[None] != 0) & (MASKS == 0)).any(axis=(1, 2))
    batch = np.concatenate([image28[None], image28[None] * MASKS[hides_ink]]).astype(np.float32)
    scores = log_odds(logits_of(batch), label)
    drops = np.zeros(len(MASKS), dtype=np.float32)
    drops[hides_ink] = scores[0] - scores[1:]
    return (np.tensordot(drops, 1 - MASKS, axes=1) / np.maximum(COVERAGE, 1)).astype(np.float32)


@dataclass(frozen=True)
class NeighbourIndex:
    """Features (float16) of some training images, with the images and labels, for the nearest-neighbour search."""

    features: np.ndarray  # (N, features) float16
    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) uint8

    def nearest(self, features: np.ndarray, count: int = NEIGHBOURS_SHOWN) -> tuple[np.ndarray, np.ndarray]:
        """Indices and Euclidean distances of the `count` entries nearest to one feature vector."""
        bank = self.features.astype(np.float32)
        distances = np.sqrt(np.maximum(((bank - features) ** 2).sum(axis=1), 0))
        nearest = np.argpartition(distances, count)[:count]
        nearest = nearest[np.argsort(distances[nearest])]
        return nearest, distances[nearest]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, features=self.features, images=self.images, labels=self.labels)
        return buffer.getvalue()


def load_neighbours(task: str, model_kind: str, models_dir: Path | None = None) -> NeighbourIndex:
    """Load and check a model's neighbour index; raise ModelFileError naming the file and the fix."""
    path = settings.model_path(task, model_kind, ".neighbours.npz", models_dir)
    recreate = settings.recreate_hint(task, model_kind, "calibrate")
    content = manifest.verified_bytes(path, task, model_kind, recreate)
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as arrays:
            index = NeighbourIndex(arrays["features"], arrays["images"], arrays["labels"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"The neighbour file {path} is damaged ({error}). {recreate}") from error
    if not len(index.features) == len(index.images) == len(index.labels) >= NEIGHBOURS_SHOWN:
        raise ModelFileError(f"The neighbour file {path} is damaged (its arrays do not match). {recreate}")
    return index
