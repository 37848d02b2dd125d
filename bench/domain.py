"""How well each model tells real input from what it does not know, and how calibrated its confidence is.

Usage: python bench/domain.py [--n 2000] [--per-source 300] [--task digits] [--models-dir DIR --output FILE]
[--validation]. Prints Markdown tables and writes bench/results/domain.json (with --task, that task's entries in
it); with --models-dir, the models of that folder (those it has) instead of the shipped ones.

`--validation --output FILE` chooses between checks without a test image or a held-out outlier: the in-domain
inputs are made from the *validation* split instead, the outliers are new draws of the *tuning* part.

In-domain: official *test* images made realistic (canvas-like digits, photo-like clothing) and the raw
test images. Out of domain: the *held-out* part of classifier/train/outliers.py (other fonts, other objects
than those that trained and tuned the check). Scores compared, each with a threshold set the same way
as the shipped one (rejecting 1.5 % of realistic *validation* inputs):
- msp: the top calibrated probability (Hendrycks and Gimpel 2017);
- energy: log-sum-exp of the logits (Liu et al. 2020);
- mahalanobis: minus the smallest Mahalanobis distance of the penultimate features to a class mean,
  with one shared covariance, fitted on the training split (Lee et al. 2018);
- knn: the cosine similarity of the normalised features to the 10th nearest of 10,000 training images (Sun et al. 2022);
- shipped: the domain network trained with outlier pictures (outlier exposure on the frozen network's features and
  layer summaries), classifier/serve/domain.py.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.serve.domain import log_sum_exp, softmax
from classifier.train.calibration import REJECTED_SHARE, expected_calibration_error, outlier_images, realistic_images
from harness.results import measured_alike

RESULTS = Path(__file__).resolve().parent / "results" / "domain.json"
SCORES = ("msp", "energy", "mahalanobis", "knn", "shipped")


def auroc(inside: np.ndarray, outside: np.ndarray) -> float:
    """The probability that a random in-domain input scores higher than a random outlier (ties count half)."""
    scores = np.concatenate([inside, outside])
    order = scores.argsort(kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores[np.r_[False, np.diff(scores[order]) == 0]] if len(scores) > 1 else []):
        ranks[scores == value] = ranks[scores == value].mean()
    return float((ranks[: len(inside)].sum() - len(inside) * (len(inside) + 1) / 2) / (len(inside) * len(outside)))


class Baselines:
    """The post-hoc scores, fitted on the training split's penultimate features."""

    def __init__(self, classifier, training_images: np.ndarray, training_labels: np.ndarray, classes: int) -> None:
        self.classifier = classifier
        features = classifier.outputs_batch(training_images / np.float32(255))["features"]
        self.means = np.stack([features[training_labels == c].mean(axis=0) for c in range(classes)])
        centred = features - self.means[training_labels]
        covariance = centred.T @ centred / len(features) + 1e-3 * np.eye(features.shape[1])
        self.precision = np.linalg.inv(covariance).astype(np.float32)
        bank = features[np.random.default_rng(1).choice(len(features), size=min(10_000, len(features)), replace=False)]
        self.bank = bank / np.maximum(np.linalg.norm(bank, axis=1, keepdims=True), 1e-6)

    def scores(self, images28: np.ndarray) -> dict[str, np.ndarray]:
        outputs = self.classifier.outputs_batch(images28)
        logits, features = outputs["logits"], outputs["features"]
        difference = features[:, None, :] - self.means[None]
        mahalanobis = -np.einsum("ncd,de,nce->nc", difference, self.precision, difference).min(axis=1)
        normalised = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-6)
        knn = np.sort(normalised @ self.bank.T, axis=1)[:, -10]
        check = self.classifier.domain
        return {
            "msp": check.probabilities(logits).max(axis=1),
            "energy": log_sum_exp(logits),
            "mahalanobis": mahalanobis,
            "knn": knn,
            "shipped": self.classifier.domain_scores(images28),
        }


def cost_ms(classifier, image28: np.ndarray, repeats: int = 300) -> dict[str, float]:
    """Median milliseconds of one single-image prediction's model outputs (with the layers the check reads), and of
    the domain check on them."""
    outputs, check = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        result = classifier.outputs_batch(image28[None], classifier.answer_outputs)
        middle = time.perf_counter()
        classifier.domain.probabilities(result["logits"])
        classifier.domain.scores(result)
        check.append(time.perf_counter() - middle)
        outputs.append(middle - started)
    return {"model_outputs_ms": 1000 * float(np.median(outputs)), "domain_check_ms": 1000 * float(np.median(check))}


def measure(task: tasks.Task, model_kind: str, inputs: dict, training, validation_real, models_dir: Path | None) -> dict:
    classifier = load_classifier(task.name, model_kind, models_dir)
    baselines = Baselines(classifier, training.images, training.labels, task.num_classes)
    real, raw, held_out = inputs["real"], inputs["raw"], inputs["held_out"]
    validation_scores = baselines.scores(validation_real)
    real_scores, raw_scores = baselines.scores(real[0]), baselines.scores(raw[0])
    outlier_scores = {source: baselines.scores(images) for source, images in held_out.items()}
    row = {}
    for score in SCORES:
        threshold = classifier.domain.threshold if score == "shipped" else np.quantile(validation_scores[score], REJECTED_SHARE)
        everything = np.concatenate([outlier_scores[source][score] for source in held_out])
        row[score] = {
            "auroc": auroc(real_scores[score], everything),
            "outliers_rejected": float(np.mean(everything < threshold)),
            "realistic_rejected": float(np.mean(real_scores[score] < threshold)),
            "test_images_rejected": float(np.mean(raw_scores[score] < threshold)),
            "by_source_rejected": {source: float(np.mean(outlier_scores[source][score] < threshold)) for source in held_out},
        }
    calibration = {}
    for name, (images, labels) in (("test set", raw), ("realistic", real)):
        logits = classifier.outputs_batch(images)["logits"]
        calibration[name] = {
            "ece_before": expected_calibration_error(softmax(logits), labels),
            "ece_after": expected_calibration_error(classifier.domain.probabilities(logits), labels),
        }
    return {
        "scores": row,
        "calibration": calibration,
        "temperature": classifier.domain.temperature,
        "cost": cost_ms(classifier, real[0][0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="realistic test inputs per task")
    parser.add_argument("--per-source", type=int, default=300, help="held-out outliers per source")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--task", choices=tasks.names(), help="only this task (default: all); its entries replace those in the results file"
    )
    parser.add_argument("--models-dir", type=Path, help="score the models of this folder instead of the shipped ones")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--validation", action="store_true", help="validation inputs and tuning outliers, to choose")
    args = parser.parse_args()
    if args.validation and args.output == RESULTS:
        parser.error("--validation measures what chooses, not what is reported: give it an --output of its own")
    results = {"n": args.n, "per_source": args.per_source, "seed": args.seed}
    if args.task is not None:  # each task draws from its own generator: the others stay valid
        results = measured_alike(args.output, results)
    for task in tasks.all_tasks() if args.task is None else (tasks.get(args.task),):
        rng = np.random.default_rng(args.seed)
        training, validation = datasets.split_validation(task, datasets.load_split(task.dataset, "train"), 1)
        test = validation if args.validation else datasets.load_split(task.dataset, "test")
        real_images, made_from = realistic_images(task, test.images, args.n, rng)
        inputs = {
            "real": (real_images, test.labels[made_from].astype(int)),
            "raw": (test.images / np.float32(255), test.labels.astype(int)),
            "held_out": outlier_images(task, "tuning" if args.validation else "held-out", args.per_source, rng),
        }
        validation_real = realistic_images(task, validation.images, args.n, rng)[0]
        for model_kind in settings.MODEL_KINDS:
            if args.models_dir and not settings.model_path(task.name, model_kind, ".tflite", args.models_dir).exists():
                continue
            stem = settings.model_stem(task.name, model_kind)
            results[stem] = measure(task, model_kind, inputs, training, validation_real, args.models_dir)
            print(f"{task.name}-{model_kind} done", flush=True)
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print_tables(results)


def print_tables(results: dict) -> None:
    print("| model | score | AUROC | outliers rejected | realistic inputs rejected | test images rejected |")
    print("|---|---|---|---|---|---|")
    for stem, result in results.items():
        if not isinstance(result, dict):
            continue
        for score, row in result["scores"].items():
            cells = [
                f"{row['auroc']:.4f}",
                *(f"{100 * row[key]:.1f} %" for key in ("outliers_rejected", "realistic_rejected", "test_images_rejected")),
            ]
            print(f"| {stem} | {score} | " + " | ".join(cells) + " |")
    print("\n| model | temperature | ECE test set, before / after | ECE realistic, before / after | domain check cost |")
    print("|---|---|---|---|---|")
    for stem, result in results.items():
        if not isinstance(result, dict):
            continue
        cal = result["calibration"]
        cells = [f"{result['temperature']:.3f}"]
        cells += [
            f"{100 * cal[name]['ece_before']:.2f} / {100 * cal[name]['ece_after']:.2f} %" for name in ("test set", "realistic")
        ]
        cells.append(f"{result['cost']['domain_check_ms']:.3f} ms (model {result['cost']['model_outputs_ms']:.3f} ms)")
        print(f"| {stem} | " + " | ".join(cells) + " |")
    print("\nHeld-out outliers rejected by the shipped check, by source:")
    for stem, result in results.items():
        if isinstance(result, dict):
            by_source = result["scores"]["shipped"]["by_source_rejected"]
            print(f"- {stem}: " + ", ".join(f"{source} {100 * share:.0f} %" for source, share in by_source.items()))


if __name__ == "__main__":
    main()
