"""The four shipped models meet their accuracy goals on the full official test sets and match the code that trains them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from classifier import manifest, settings

# The goals of issue 2, on the official 10,000-image test sets.
GOALS = {("digits", "cnn"): 0.994, ("digits", "mlp"): 0.980, ("fashion", "cnn"): 0.930, ("fashion", "mlp"): 0.895}


@pytest.mark.parametrize(("task", "model_kind"), list(GOALS))
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
    assert scores["accuracy"] >= GOALS[task, model_kind]


def test_every_shipped_model_file_is_in_the_manifest_with_its_digest():
    entries = manifest.read()
    for task in settings.TASKS:
        for model_kind in settings.MODEL_KINDS:
            for suffix in manifest.SUFFIXES:
                path = settings.model_path(task, model_kind, suffix)
                assert entries[path.name] == manifest.file_sha256(path)


@pytest.mark.parametrize(("task", "model_kind"), list(GOALS))
def test_each_shipped_model_has_the_architecture_that_train_builds(task, model_kind):
    """A change to classifier/models.py must come with retrained models, or the shipped ones are not reproducible."""
    import keras

    from classifier.models import BUILDERS

    def layer_configs(model) -> list[tuple[str, dict]]:
        return [(type(layer).__name__, {k: v for k, v in layer.get_config().items() if k != "name"}) for layer in model.layers]

    shipped = keras.saving.load_model(settings.model_path(task, model_kind, ".keras"), compile=False, safe_mode=True)
    assert layer_configs(shipped) == layer_configs(BUILDERS[model_kind](task))
