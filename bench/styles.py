"""How the digit models read writing styles MNIST lacks, drawn by code: those they learn (STYLES) and those no model
trains on (HELD_OUT_STYLES), each measured on its own.

Usage: python bench/styles.py --label before|after [--count 500]. Each style is drawn `count` times as canvas
strokes (random size, place, slant and width), half of them stored at low resolution and enlarged again, as the
styles the models train on are (classifier/train/synthetic/styles.py). Prints each model's accuracy and what it
reads instead, and keeps them under `label` in bench/results/styles.json beside the other labels' figures, so that
models trained with a new style compare with the models before it ("before": the models of the commit named in
the file, measured with the same drawings).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import numpy as np

from classifier import load_classifier
from classifier.core import settings, tasks
from classifier.serve.preprocessing import preprocess
from classifier.train import synthetic

RESULTS = Path(__file__).resolve().parent / "results" / "styles.json"


def drawings(style: str, count: int, seed: int) -> np.ndarray:
    """`count` drawings of a style, preprocessed as the app does; every other one stored at low resolution."""
    rng = np.random.default_rng(seed)
    task = tasks.get("digits")
    pictures = [synthetic.styled_digit(style, rng) for _ in range(count)]
    pictures = [synthetic.low_resolution(picture, rng) if index % 2 else picture for index, picture in enumerate(pictures)]
    return np.stack([preprocess(task, picture) for picture in pictures])


def models_commit() -> str:
    """The last commit that changed the shipped digit models."""
    command = ["git", "log", "-1", "--format=%h", "--", "assets/models/digits-cnn.tflite", "assets/models/digits-mlp.tflite"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="before or after: whose figures these are")
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if results.get("count") != args.count:
        results = {"count": args.count, "runs": {}}
    run: dict = {"models": models_commit(), "styles": {}}
    every = {**synthetic.STYLES, **synthetic.HELD_OUT_STYLES}
    for seed, (style, (digit, _)) in enumerate(every.items()):
        images = drawings(style, args.count, seed)
        row: dict = {"digit": digit, "trained": style in synthetic.STYLES}
        for model_kind in settings.MODEL_KINDS:
            answers = load_classifier("digits", model_kind).predict_batch(images).argmax(axis=1)
            misread = np.bincount(answers[answers != digit], minlength=10)
            row[model_kind] = {
                "accuracy": float(np.mean(answers == digit)),
                "read_as": {str(other): int(count) for other, count in enumerate(misread) if count},
            }
        run["styles"][style] = row
    results["runs"][args.label] = run
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"| style ({args.count} drawings each), models of {run['models']} | learned | CNN | MLP |")
    print("|---|---|---|---|")
    for style, row in run["styles"].items():
        cells = [
            f"{100 * row[kind]['accuracy']:.1f} %" + (f" (read as {row[kind]['read_as']})" if row[kind]["read_as"] else "")
            for kind in settings.MODEL_KINDS
        ]
        print(f"| {style} | {'yes' if row['trained'] else 'no'} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
