"""How well the models read realistic input: canvas drawings of test digits and product photos of test items.

Usage: python bench/robustness.py [--n 2000]. Prints a Markdown table and writes bench/results/robustness.json.
Only the official test sets are used, never training images.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from classifier import datasets, load_classifier, settings, synthetic, tasks
from classifier.preprocessing import open_image, preprocess

RESULTS = Path(__file__).resolve().parent / "results" / "robustness.json"


def realistic_inputs(task: tasks.Task, n: int, seed: int) -> tuple[list, np.ndarray]:
    test = datasets.load_split(task.dataset, "test")
    rng = np.random.default_rng(seed)
    indices = rng.choice(len(test.labels), size=n, replace=False)
    inputs = [synthetic.realistic(task, test.images[i], rng) for i in indices]
    return inputs, test.labels[indices].astype(int)


def score(task: tasks.Task, inputs: list, labels: np.ndarray) -> dict:
    ours = np.stack([preprocess(task, open_image(x) if isinstance(x, bytes) else x) for x in inputs])
    naive = np.stack([synthetic.naive_resize(x) for x in inputs])
    row = {}
    for model_kind in settings.MODEL_KINDS:
        classifier = load_classifier(task.name, model_kind)
        row[model_kind] = float(np.mean(classifier.predict_batch(ours).argmax(1) == labels))
        row[f"{model_kind}_naive_resize"] = float(np.mean(classifier.predict_batch(naive).argmax(1) == labels))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="test images per task")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    results = {"n": args.n, "seed": args.seed}
    for task in tasks.all_tasks():
        kind = f"{synthetic.REALISTIC_KINDS[task.input_kind]} {task.title.lower()}"
        started = time.perf_counter()
        inputs, labels = realistic_inputs(task, args.n, args.seed)
        results[task.name] = {"input": kind, **score(task, inputs, labels)}
        print(f"{kind}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"| input ({args.n} test images each) | CNN | MLP | CNN, naive resize | MLP, naive resize |")
    print("|---|---|---|---|---|")
    for task in tasks.names():
        row = results[task]
        cells = [row["cnn"], row["mlp"], row["cnn_naive_resize"], row["mlp_naive_resize"]]
        print(f"| {row['input']} | " + " | ".join(f"{100 * cell:.1f} %" for cell in cells) + " |")


if __name__ == "__main__":
    main()
