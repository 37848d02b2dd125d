"""The project's shared facts that are not about one task: image size, model kinds, limits and file locations.

What differs between tasks (dataset, class names, shapes, goals) is in classifier/core/tasks.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from classifier.core import tasks

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# The side of the square images every model reads.
IMAGE_SIZE = 28
# The side of the square drawing canvas, in screen pixels: the app's, and that of the synthetic drawings
# that test and benchmark the models (training draws smaller ones: synthetic.TRAINING_CANVAS).
CANVAS_SIZE = 280
# The wide canvas for writing a number of several digits (width, height), in screen pixels.
NUMBER_CANVAS = (700, 240)

# The two architectures every task has (built in classifier/train/models.py).
MODEL_KINDS: tuple[str, ...] = ("cnn", "mlp")
# The model kind of a drawing task's number reader, which reads touching digits whole (classifier/serve/numbers.py).
NUMBER_READER = "numbers"

ASSETS_DIR = PROJECT_ROOT / "assets"
MODELS_DIR = Path(os.environ.get("CLASSIFIER_MODELS_DIR", ASSETS_DIR / "models"))
SAMPLES_DIR = ASSETS_DIR / "samples"
EXAMPLES_DIR = ASSETS_DIR / "examples"
MANIFEST_FILE = "manifest.json"

# Where `fetch-data` puts the datasets; `--data-dir` or CLASSIFIER_DATA_DIR override it.
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "CLASSIFIER_DATA_DIR"

# Uploads larger than this many pixels are refused from their header, before they are decoded.
MAX_IMAGE_PIXELS = 40_000_000


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Return the data folder: the override, else $CLASSIFIER_DATA_DIR, else ./data."""
    if override:
        return Path(override)
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def check_model_kind(model_kind: str) -> None:
    """Raise ValueError naming the accepted values when a model kind is unknown."""
    if model_kind not in MODEL_KINDS:
        raise ValueError(f"Unknown model {model_kind!r}: choose one of {', '.join(MODEL_KINDS)}.")


def model_stem(task: str, model_kind: str) -> str:
    """Return the file stem of a model, e.g. 'digits-cnn', or of a number reader, 'digits-numbers'."""
    if model_kind != NUMBER_READER:
        check_model_kind(model_kind)
    return f"{tasks.get(task).name}-{model_kind}"


def model_path(task: str, model_kind: str, suffix: str, models_dir: Path | None = None) -> Path:
    """Return the path of one of a model's files: '.keras', '.tflite', '.history.csv' or '.metrics.json'."""
    return Path(models_dir or MODELS_DIR) / f"{model_stem(task, model_kind)}{suffix}"


def example_path(class_name: str) -> Path:
    """The shipped example photo of a photo task's class, e.g. assets/examples/t-shirt-top.jpg for T-shirt/top."""
    return EXAMPLES_DIR / f"{class_name.lower().replace('/', '-').replace(' ', '-')}.jpg"


def recreate_hint(task: str, model_kind: str, command: str = "train") -> str:
    """The sentence that ends every message about a missing or damaged model file: the command that makes it again."""
    return f"Recreate it with `python -m classifier {command} --task {task} --model {model_kind}`."
