"""Digit and clothing classifiers: the engine behind the app, in four layers.

- `core`: tasks, settings, errors, files, datasets, the model manifest and reports, shared types.
- `serve`: what the app runs: preprocessing, LiteRT inference, explanations, the domain check, numbers, adaptation.
- `store`: the corrections database and its migrations.
- `train`: Keras models, synthetic training inputs, outliers, training and calibration (`pip install -e ".[train]"`).

`serve` and `store` import only `core`; `train` imports `serve` and `core`; none imports Streamlit
(the contracts in pyproject.toml, checked by `lint-imports`). The public API is `load_classifier(task,
model)`, the tasks in `classifier.core.tasks` and the errors in `classifier.core.errors`. Importing this
package does not import TensorFlow or Keras: serving runs on LiteRT.
Nor does it import the inference engine (SciPy, LiteRT) until `Classifier`, `Prediction` or
`load_classifier` is first used, so that a page can show itself before the engine has loaded.
"""

from typing import TYPE_CHECKING

from classifier.core.errors import (
    ClassifierError,
    DataError,
    EmptyImageError,
    ImageTooLargeError,
    ModelFileError,
    UnreadableImageError,
)
from classifier.core.settings import MODEL_KINDS
from classifier.core.tasks import Task

if TYPE_CHECKING:
    from classifier.serve.inference import Classifier, Prediction, load_classifier

_FROM_INFERENCE = {"Classifier", "Prediction", "load_classifier"}


def __getattr__(name: str) -> object:
    """Import classifier.serve.inference the first time one of its names is asked for (PEP 562)."""
    if name in _FROM_INFERENCE:
        from classifier.serve import inference

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
