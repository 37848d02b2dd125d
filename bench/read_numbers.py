"""How often is a whole number read exactly right? Numbers of 2 to 4 digits composed from MNIST digits.

Usage: python bench/read_numbers.py [--n 1000] [--split test|validation]. Prints a Markdown table and, for
the test split, writes bench/results/read_numbers.json.

Each number's digits are MNIST digits redrawn as canvas strokes on the Draw page's wide canvas
(classifier.train.synthetic.canvas_number): once a random gap apart, once moved together until their
strokes touch. The goals: at least 95 % of whole numbers exactly right when the digits
are apart, 85 % when they touch. The segmentation's constants (classifier/serve/numbers.py) were chosen
with `--split validation`, which composes numbers from the validation part of MNIST's training
digits; the figures reported come from the test digits. Also reported: the mean of the confidence the
app shows for each number (classifier.serve.numbers.Number) and its expected calibration error against
whether the whole number was read right (15 bins).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.train import synthetic
from classifier.train.calibration import calibration_gap

RESULTS = Path(__file__).resolve().parent / "results" / "read_numbers.json"
GOALS = {"apart": 0.95, "touching": 0.85}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="numbers per kind")
    parser.add_argument("--split", choices=("test", "validation"), default="test")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    task = tasks.get("digits")
    if args.split == "test":
        split = datasets.load_split(task.dataset, "test")
    else:
        # The part of MNIST's training split the models and the number reader did not learn from.
        _, split = datasets.split_validation(task, datasets.load_split(task.dataset, "train"), seed=1)
    rows = []
    for kind in ("apart", "touching"):
        rng = np.random.default_rng(args.seed)
        numbers = []
        for _ in range(args.n):
            chosen = rng.integers(0, len(split.labels), int(rng.integers(2, 5)))
            drawing = synthetic.canvas_number([split.images[i] for i in chosen], rng, touching=kind == "touching")
            numbers.append((drawing, "".join(str(split.labels[i]) for i in chosen)))
        for model_kind in settings.MODEL_KINDS:
            classifier = load_classifier(task.name, model_kind)
            start = time.perf_counter()
            readings = [classifier.read_number(drawing) for drawing, _ in numbers]
            seconds = (time.perf_counter() - start) / len(numbers)
            right = [reading.number == truth for reading, (_, truth) in zip(readings, numbers)]
            right_count = [len(reading.number) == len(truth) for reading, (_, truth) in zip(readings, numbers)]
            confidence = [reading.confidence for reading in readings]
            rows.append(
                {
                    "kind": kind,
                    "model": model_kind,
                    "numbers": len(numbers),
                    "exact": float(np.mean(right)),
                    "digit_count_right": float(np.mean(right_count)),
                    "mean_confidence": float(np.mean(confidence)),
                    "confidence_ece": calibration_gap(confidence, right),
                    "ms_per_number": round(1000 * seconds, 1),
                    "goal": GOALS[kind],
                }
            )
    print(f"Numbers of 2 to 4 MNIST {args.split} digits on a {settings.NUMBER_CANVAS[0]}x{settings.NUMBER_CANVAS[1]} canvas\n")
    print("| digits | model | read exactly right | right count of digits | mean confidence | its ECE | ms per number | goal |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['kind']} | {row['model']} | {100 * row['exact']:.1f} % | {100 * row['digit_count_right']:.1f} % "
            f"| {100 * row['mean_confidence']:.1f} % | {100 * row['confidence_ece']:.1f} % "
            f"| {row['ms_per_number']} | {100 * row['goal']:.0f} % |"
        )
    if args.split == "test":
        RESULTS.write_text(json.dumps({"split": args.split, "seed": args.seed, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
