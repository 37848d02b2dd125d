"""What a training step of a task's CNN costs, against other filter counts, measured in one run.

Usage: python bench/training_cost.py [--task digits] [--against 48,96 ...] [--steps 60] [--images 6400].
Trains each shape on the task's real, augmented training pipeline (classifier.train.training, on the first
`--images` training images), the shapes taking turns for `--rounds` rounds so that a change in the
machine's speed falls on all of them alike, and prints the milliseconds per step and each shape's cost
against the task's own shape. The machine's speed varies from day to day; the ratio does not.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from classifier.core import datasets, tasks
from classifier.core.datasets import Split
from classifier.train.training import BATCH_SIZE, _training_data, compiled_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", default="digits", choices=tasks.names())
    parser.add_argument("--against", nargs="+", default=["48,96"], metavar="FILTERS", help="e.g. 48,96: one block per number")
    parser.add_argument("--steps", type=int, default=60, help="timed steps per shape and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--images", type=int, default=6400, help="training images in the pipeline")
    arguments = parser.parse_args()

    task = tasks.get(arguments.task)
    shapes = {"shipped " + ",".join(map(str, task.cnn.filters)): task}
    for filters in arguments.against:
        shape = dataclasses.replace(task.cnn, filters=tuple(int(count) for count in filters.split(",")))
        shapes[filters] = dataclasses.replace(task, cnn=shape)
    training = datasets.load_split(task.dataset, "train")
    training = Split(training.images[: arguments.images], training.labels[: arguments.images])
    batches = _training_data(task, "cnn", training, seed=1).repeat()
    models = {name: compiled_model(shaped, "cnn", 10_000) for name, shaped in shapes.items()}
    for model in models.values():  # Compile and warm up outside the timed steps.
        model.fit(batches, steps_per_epoch=5, epochs=1, verbose=0)
    seconds = dict.fromkeys(models, 0.0)
    for _ in range(arguments.rounds):
        for name, model in models.items():
            started = time.perf_counter()
            model.fit(batches, steps_per_epoch=arguments.steps, epochs=1, verbose=0)
            seconds[name] += time.perf_counter() - started
    base = next(iter(seconds.values()))
    print(f"| {task.name} CNN filters | parameters | ms per step (batch {BATCH_SIZE}) | cost against the shipped shape |")
    print("|---|---|---|---|")
    for name, total in seconds.items():
        per_step = total / (arguments.rounds * arguments.steps) * 1000
        print(f"| {name} | {models[name].count_params():,} | {per_step:.0f} | {total / base:.2f}x |")


if __name__ == "__main__":
    main()
