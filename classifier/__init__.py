"""Digit and clothing classifiers: datasets, training, preprocessing and inference.

The public API is `load_classifier(task, model)`, the tasks in `classifier.tasks` and the errors in
`classifier.errors`. Importing this package does not import TensorFlow or Keras: serving runs on LiteRT.
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
from classifier.settings import MODEL_KINDS
from classifier.tasks import Task

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
