"""How the shipped digit models read writing styles no model trains on (HELD_OUT_STYLES): the hooked 7 of East Asian
schools and the brush, the curled "g"-like 9 with an open loop, and the 1 with a long, low flag.

Usage: python bench/styles.py [--count 500]. Each style is drawn `count` times by code as canvas strokes (random size,
place, slant and width), half of them stored at low resolution and enlarged again, as the styles the models train
on are (classifier/train/synthetic/styles.py). Prints each model's accuracy and what it reads instead, and writes
bench/results/styles.json. These styles stay out of training until they are measured here, so that a later model
that learns them can be compared with these figures.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    results: dict = {"count": args.count, "styles": {}}
    for seed, (style, (digit, _)) in enumerate(synthetic.HELD_OUT_STYLES.items()):
        images = drawings(style, args.count, seed)
        results["styles"][style] = {"digit": digit}
        for model_kind in settings.MODEL_KINDS:
            answers = load_classifier("digits", model_kind).predict_batch(images).argmax(axis=1)
            misread = np.bincount(answers[answers != digit], minlength=10)
            results["styles"][style][model_kind] = {
                "accuracy": float(np.mean(answers == digit)),
                "read_as": {str(other): int(count) for other, count in enumerate(misread) if count},
            }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"| style ({args.count} drawings each) | CNN | MLP |")
    print("|---|---|---|")
    for style, row in results["styles"].items():
        cells = [
            f"{100 * row[kind]['accuracy']:.1f} %" + (f" (read as {row[kind]['read_as']})" if row[kind]["read_as"] else "")
            for kind in settings.MODEL_KINDS
        ]
        print(f"| {style} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
