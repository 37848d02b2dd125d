"""The shipped models meet their goals on the full test sets, match the code that trains them, and the README says so."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from classifier.core import manifest, reports, settings, tasks
from classifier.core.files import sha256

MODELS = [(task.name, model_kind) for task in tasks.all_tasks() for model_kind in settings.MODEL_KINDS]


@pytest.mark.slow
@pytest.mark.needs_data
@pytest.mark.parametrize(("task", "model_kind"), MODELS)
def test_the_shipped_model_meets_its_goal_through_the_evaluate_command(task, model_kind):
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "evaluate", "--task", task, "--model", model_kind],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.PROJECT_ROOT,
        timeout=300,
    )
    scores = json.loads(result.stdout)
    assert scores["n"] == 10000
    assert scores["accuracy"] >= tasks.get(task).goals[model_kind]


def test_every_shipped_model_file_is_in_the_manifest_with_its_digest():
    entries = manifest.read()
    for task, model_kind in MODELS:
        for suffix in manifest.SUFFIXES:
            path = settings.model_path(task, model_kind, suffix)
            assert entries[path.name] == sha256(path.read_bytes())


def test_the_readme_model_table_is_the_one_the_tasks_and_metrics_files_give():
    """Run `python -m classifier model-table --write` after retraining or changing a goal."""
    readme = (settings.PROJECT_ROOT / "README.md").read_text()
    assert reports.with_model_table(readme, reports.model_table()) == readme


@pytest.mark.slow
@pytest.mark.parametrize(("task", "model_kind"), MODELS)
def test_each_shipped_model_has_the_architecture_that_train_builds(task, model_kind):
    """Changing models.py or a task's shape needs retrained models, or the shipped ones are not reproducible."""
    import keras

    from classifier.train.models import BUILDERS

    def layer_configs(model) -> list[tuple[str, dict]]:
        return [(type(layer).__name__, {k: v for k, v in layer.get_config().items() if k != "name"}) for layer in model.layers]

    shipped = keras.saving.load_model(settings.model_path(task, model_kind, ".keras"), compile=False, safe_mode=True)
    assert layer_configs(shipped) == layer_configs(BUILDERS[model_kind](tasks.get(task)))
