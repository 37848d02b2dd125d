"""A task is one entry in classifier/core/tasks.py: a toy third task, defined only here, trains, predicts and is listed."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from classifier import cli, load_classifier
from classifier.core import settings, tasks
from classifier.serve.evaluation import evaluate
from classifier.train import training
from tests.conftest import write_idx_dataset

SHAPES = tasks.Task(
    name="shapes",
    title="Shapes",
    dataset=tasks.Dataset(name="toy-shapes", title="Toy shapes"),
    class_names=("bar", "ring", "cross"),
    input_kind="drawing",
    working_size=160,
    cnn=tasks.CnnShape(filters=(4, 8), convolutions_per_block=1, block_dropout=0.1, head_dropout=0.1),
    augmentation=tasks.Augmentation(),
    epochs={"cnn": 1, "mlp": 1},
    goals={"cnn": 0.5, "mlp": 0.5},
    validation_size=40,
)


def drawn_shape(label: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """A bar, a ring or a cross drawn in white on black at a random place and size, as uint8 (size, size)."""
    picture = Image.new("L", (size, size))
    pen = ImageDraw.Draw(picture)
    half = rng.uniform(0.2, 0.45) * size
    x, y = (rng.uniform(half, size - half) for _ in range(2))
    width = max(1, round(size / 14))
    if label == 0:
        pen.line([(x, y - half), (x, y + half)], fill=255, width=width)
    elif label == 1:
        pen.ellipse([x - half, y - half, x + half, y + half], outline=255, width=width)
    else:
        pen.line([(x - half, y - half), (x + half, y + half)], fill=255, width=width)
        pen.line([(x - half, y + half), (x + half, y - half)], fill=255, width=width)
    return np.asarray(picture)


def shapes(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=count).astype(np.uint8)
    return np.stack([drawn_shape(int(label), rng, 28) for label in labels]), labels


@pytest.fixture
def toy_task(tmp_path):
    """The toy task registered, with small IDX files written for it; removed from the registry afterwards."""
    tasks.register(SHAPES)
    write_idx_dataset(tmp_path / "data", SHAPES.dataset, shapes(400, seed=1), shapes(60, seed=2))
    yield tmp_path / "data", tmp_path / "models"
    tasks.unregister(SHAPES.name)


@pytest.mark.slow
def test_a_toy_task_trains_predicts_and_is_listed_without_editing_any_module(toy_task, tmp_path, capsys):
    data_dir, models_dir = toy_task
    metrics = training.train("shapes", "cnn", models_dir=models_dir, data_dir=data_dir, verbose=0)
    assert metrics["epochs"] == 1 and np.asarray(metrics["confusion_matrix"]).shape == (3, 3)

    ring = np.dstack([drawn_shape(1, np.random.default_rng(3), settings.CANVAS_SIZE)] * 3)
    prediction = load_classifier("shapes", "cnn", models_dir).predict(ring)
    assert prediction.probabilities.shape == (3,) and prediction.class_name in SHAPES.class_names
    assert evaluate("shapes", "cnn", data_dir=data_dir, models_dir=models_dir)["n"] == 60

    capsys.readouterr()
    assert cli.main(["tasks"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"task": "shapes", "dataset": "Toy shapes", "classes": ["bar", "ring", "cross"]}.items() <= listed[-1].items()

    Image.fromarray(ring).save(tmp_path / "ring.png")
    assert cli.main(["predict", "--task", "shapes", "--models-dir", str(models_dir), str(tmp_path / "ring.png")]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["class_name"] in SHAPES.class_names and len(line["probabilities"]) == 3


def test_an_unknown_task_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="choose one of digits, fashion"):
        tasks.get("letters")


def test_no_module_outside_the_task_spec_branches_on_a_task_name():
    """Task facts live in classifier/core/tasks.py; everything else reads a Task."""
    import re

    branch = re.compile(r"""(==|!=|\bin\b)\s*\(?\s*["'](digits|fashion|mnist|fashion-mnist)["']""")
    offenders = [
        f"{path.relative_to(settings.PROJECT_ROOT)}:{number}"
        for folder in ("classifier", "ui", "views", "bench")
        for path in sorted((settings.PROJECT_ROOT / folder).glob("*.py"))
        if path.name != "tasks.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if branch.search(line)
    ]
    assert offenders == []
