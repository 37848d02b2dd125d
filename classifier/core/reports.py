"""What training wrote about each model (history and metrics), read without loading Keras."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from classifier.core import settings, tasks
from classifier.core.errors import ModelFileError

HISTORY_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy")
# The metrics the pages show; a metrics file without them is damaged.
METRICS_FIELDS = ("test_accuracy", "test_loss", "confusion_matrix", "layers", "total_parameters", "epochs", "training_seconds")


def _read_text(task: str, model_kind: str, suffix: str, models_dir: Path | None) -> tuple[Path, str]:
    path = settings.model_path(task, model_kind, suffix, models_dir)
    try:
        return path, path.read_text()
    except FileNotFoundError as error:
        raise ModelFileError(f"{path.name} is missing from {path.parent}. {settings.recreate_hint(task, model_kind)}") from error


def load_history(task: str, model_kind: str, models_dir: Path | None = None) -> list[dict[str, float]]:
    """Return one row per epoch with epoch, loss, accuracy, val_loss and val_accuracy."""
    path, text = _read_text(task, model_kind, ".history.csv", models_dir)
    try:
        rows = list(csv.DictReader(text.splitlines()))
        history = [{column: float(row[column]) for column in HISTORY_COLUMNS} for row in rows]
    except (KeyError, ValueError, TypeError):
        history = []
    if not history:
        raise ModelFileError(f"{path.name} is damaged or empty. {settings.recreate_hint(task, model_kind)}")
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
        raise ModelFileError(f"{path.name} is damaged (missing {', '.join(missing)}). {settings.recreate_hint(task, model_kind)}")
    return metrics


# The README's model table sits between these two lines; `python -m classifier model-table --write` rewrites it.
TABLE_START = (
    "<!-- model-table: made by `python -m classifier model-table --write` from classifier/core/tasks.py and the metrics files -->"
)
TABLE_END = "<!-- /model-table -->"


def model_table(models_dir: Path | None = None) -> str:
    """The README's table of shipped models, in Markdown: each task's goals beside each model's metrics file."""
    lines = [
        "| model | test accuracy | goal | to compare | parameters | epochs | training time (2-core CPU) |",
        "|---|---|---|---|---|---|---|",
    ]
    for task in tasks.all_tasks():
        for model_kind in settings.MODEL_KINDS:
            metrics = load_metrics(task.name, model_kind, models_dir)
            lines.append(
                f"| {settings.model_stem(task.name, model_kind)} | **{100 * metrics['test_accuracy']:.2f} %** "
                f"| {100 * task.goals[model_kind]:.1f} % | {task.references.get(model_kind, '–')} "
                f"| {metrics['total_parameters']:,} | {metrics['epochs']} | {metrics['training_seconds'] / 60:.1f} min |"
            )
    return "\n".join(lines) + "\n"


def with_model_table(readme: str, table: str) -> str:
    """Return the README text with the part between TABLE_START and TABLE_END replaced by `table`."""
    before, start, rest = readme.partition(TABLE_START)
    _, end, after = rest.partition(TABLE_END)
    if not start or not end:
        raise ValueError(f"The README has no model table between {TABLE_START!r} and {TABLE_END!r}.")
    return f"{before}{TABLE_START}\n{table}{TABLE_END}{after}"
