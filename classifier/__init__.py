"""Digit and clothing classifiers: datasets, training, preprocessing and inference.

The public API is `load_classifier(task, model)` and the errors in `classifier.errors`. Importing this
package does not import TensorFlow or Keras: serving runs on LiteRT.
"""

from classifier.errors import (
    ClassifierError,
    DataError,
    EmptyImageError,
    ImageTooLargeError,
    ModelFileError,
    UnreadableImageError,
)
from classifier.inference import Classifier, Prediction, load_classifier
from classifier.settings import CLASS_NAMES, MODEL_KINDS, TASKS

__all__ = [
    "CLASS_NAMES",
    "MODEL_KINDS",
    "TASKS",
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
