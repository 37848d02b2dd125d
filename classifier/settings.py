"""The one place that owns the project's facts: tasks, class names, image size and file locations."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The side of the square images every model reads.
IMAGE_SIZE = 28

# Each task is one dataset and its ten class names, in label order.
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "digits": tuple(str(digit) for digit in range(10)),
    "fashion": (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
}
TASKS: tuple[str, ...] = tuple(CLASS_NAMES)
DATASET_OF_TASK: dict[str, str] = {"digits": "mnist", "fashion": "fashion-mnist"}
DATASET_TITLES: dict[str, str] = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
MODEL_KINDS: tuple[str, ...] = ("cnn", "mlp")
# Epochs each model is trained for unless `train --epochs` says otherwise.
DEFAULT_EPOCHS: dict[tuple[str, str], int] = {
    ("digits", "cnn"): 18,
    ("digits", "mlp"): 50,
    ("fashion", "cnn"): 12,
    ("fashion", "mlp"): 50,
}

ASSETS_DIR = PROJECT_ROOT / "assets"
MODELS_DIR = Path(os.environ.get("CLASSIFIER_MODELS_DIR", ASSETS_DIR / "models"))
SAMPLES_DIR = ASSETS_DIR / "samples"
EXAMPLES_DIR = ASSETS_DIR / "examples"
MANIFEST_FILE = "manifest.json"

# Where `fetch-data` puts the datasets; `--data-dir` or CLASSIFIER_DATA_DIR override it.
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "CLASSIFIER_DATA_DIR"

# Uploads larger than this many pixels are refused before they are decoded.
MAX_IMAGE_PIXELS = 40_000_000


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Return the data folder: the override, else $CLASSIFIER_DATA_DIR, else ./data."""
    if override:
        return Path(override)
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def check_task(task: str, model_kind: str | None = None) -> None:
    """Raise ValueError naming the accepted values when a task or model kind is unknown."""
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}: choose one of {', '.join(TASKS)}.")
    if model_kind is not None and model_kind not in MODEL_KINDS:
        raise ValueError(f"Unknown model {model_kind!r}: choose one of {', '.join(MODEL_KINDS)}.")


def model_stem(task: str, model_kind: str) -> str:
    """Return the file stem of a model, e.g. 'digits-cnn'."""
    check_task(task, model_kind)
    return f"{task}-{model_kind}"


def model_path(task: str, model_kind: str, suffix: str, models_dir: Path | None = None) -> Path:
    """Return the path of one of a model's files: '.keras', '.tflite', '.history.csv' or '.metrics.json'."""
    return (models_dir or MODELS_DIR) / f"{model_stem(task, model_kind)}{suffix}"


def train_command(task: str, model_kind: str) -> str:
    """Return the command that recreates a model and all of its files."""
    return f"python -m classifier train --task {task} --model {model_kind}"
