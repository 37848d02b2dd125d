"""What training wrote about each model (history and metrics), read without loading Keras."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from classifier import settings
from classifier.errors import ModelFileError

HISTORY_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy")
# The metrics the pages show; a metrics file without them is damaged.
METRICS_FIELDS = ("test_accuracy", "test_loss", "confusion_matrix", "layers", "total_parameters", "epochs", "training_seconds")


def _read_text(task: str, model_kind: str, suffix: str, models_dir: Path | None) -> tuple[Path, str]:
    path = settings.model_path(task, model_kind, suffix, models_dir)
    try:
        return path, path.read_text()
    except FileNotFoundError as error:
        raise ModelFileError(
            f"{path.name} is missing from {path.parent}. Create it with `{settings.train_command(task, model_kind)}`."
        ) from error


def load_history(task: str, model_kind: str, models_dir: Path | None = None) -> list[dict[str, float]]:
    """Return one row per epoch with epoch, loss, accuracy, val_loss and val_accuracy."""
    path, text = _read_text(task, model_kind, ".history.csv", models_dir)
    try:
        rows = list(csv.DictReader(text.splitlines()))
        history = [{column: float(row[column]) for column in HISTORY_COLUMNS} for row in rows]
    except (KeyError, ValueError, TypeError):
        history = []
    if not history:
        raise ModelFileError(f"{path.name} is damaged or empty. Recreate it with `{settings.train_command(task, model_kind)}`.")
    return history


def load_metrics(task: str, model_kind: str, models_dir: Path | None = None) -> dict:
    """Return the metrics training wrote: test accuracy and loss, confusion matrix, layer table and more."""
    path, text = _read_text(task, model_kind, ".metrics.json", models_dir)
    try:
        metrics = json.loads(text)
    except ValueError:
        metrics = None
    missing = [key for key in METRICS_FIELDS if key not in metrics] if isinstance(metrics, dict) else ["everything"]
    if missing:
        raise ModelFileError(
            f"{path.name} is damaged (missing {', '.join(missing)}). "
            f"Recreate it with `{settings.train_command(task, model_kind)}`."
        )
    return metrics
