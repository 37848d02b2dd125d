"""Digit and clothing classifiers: datasets, training, preprocessing and inference.

The public API is `load_classifier(task, model)`, the tasks in `classifier.tasks` and the errors in
`classifier.errors`. Importing this package does not import TensorFlow or Keras: serving runs on LiteRT.
Nor does it import the inference engine (SciPy, LiteRT) until `Classifier`, `Prediction` or
`load_classifier` is first used, so that a page can show itself before the engine has loaded.
"""

from typing import TYPE_CHECKING

from classifier.errors import (
    ClassifierError,
    DataError,
    EmptyImageError,
    ImageTooLargeError,
    ModelFileError,
    UnreadableImageError,
)
from classifier.settings import MODEL_KINDS
from classifier.tasks import Task

if TYPE_CHECKING:
    from classifier.inference import Classifier, Prediction, load_classifier

_FROM_INFERENCE = {"Classifier", "Prediction", "load_classifier"}


def __getattr__(name: str) -> object:
    """Import classifier.inference the first time one of its names is asked for (PEP 562)."""
    if name in _FROM_INFERENCE:
        from classifier import inference

        return getattr(inference, name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")


__all__ = [
    "MODEL_KINDS",
    "Task",
    "Classifier",
    "ClassifierError",
    "DataError",
    "EmptyImageError",
    "ImageTooLargeError",
    "ModelFileError",
    "Prediction",
    "UnreadableImageError",
    "load_classifier",
]
