"""How the domain check does on outliers from sources it was not fitted on: each source family held out in turn.

Usage: python bench/domain_sources.py [--task digits] [--model cnn] [--models-dir DIR] [--settings all|shipped] [--share 0.2].

bench/domain.py measures the check on the *held-out part* of each outlier source: other fonts and other objects,
but drawn by the same programs and the same emoji artwork as those it learned from. A user's outliers come from
anywhere, so here whole families are held out: the typefaces' letters and symbols, each scribble maker, each emoji
artwork, shapes, the other task's pictures. For each family, the domain network is fitted as
`classifier.train.calibration.calibrate` fits it, on the *tuning* outliers of every other family, its threshold set
on realistic validation inputs (REJECTED_SHARE of them rejected), and measured on the held-out family's tuning
outliers against the same validation inputs. Nothing here reads a test set or a held-out part: these figures
choose the check's settings (hidden units, weight decay), and bench/domain.py's then test the choice.

"before" holds out each family in the same way from the check as it was fitted before the pen letters
(classifier/train/outliers.py's `pen_letter`), with the same settings: does a typeface-free way of writing letters
help the check turn away the typefaces' letters when it has never seen those?
Writes bench/results/domain_sources.json (each model's entry replaced).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from domain import auroc  # bench/domain.py, beside this file

from classifier.core import datasets, tasks
from classifier.serve.domain import summarised_layers
from classifier.serve.inference import Classifier
from classifier.train import calibration

RESULTS = Path(__file__).resolve().parent / "results" / "domain_sources.json"

# Families of outlier sources held out together: a family shares a maker (the typefaces write both letters and
# symbols). Noise is always learned: it is a check of the pipeline, not a kind of picture users give.
FAMILIES = {
    "drawing": {
        "typefaces": ("letters", "symbols"),
        "scribbles": ("scribbles",),
        "scrawls": ("scrawls",),
        "pen letters": ("pen-letters",),
        "shapes": ("shapes",),
        "clothing": ("clothing",),
    },
    "photo": {
        "Noto emoji": ("objects-noto",),
        "Twemoji": ("objects-twemoji",),
        "OpenMoji": ("objects-openmoji",),
        "digits": ("digits",),
        "shapes": ("shapes",),
    },
}
# "before": the check without the sources added last (the pen letters), and how the results file says so.
BEFORE_LEFT_OUT = ("pen-letters",)
BEFORE_WHAT = "without the pen letters, the same settings"
# The settings compared: hidden units and weight decay of the domain network.
GRID = [(64, 1e-4), (64, 1e-2), (16, 1e-3)]


def measure(head, validation: np.ndarray, outliers: np.ndarray) -> dict:
    real = head(validation)
    threshold = np.quantile(real, calibration.REJECTED_SHARE)
    scores = head(outliers)
    return {"auroc": round(auroc(real, scores), 5), "rejected": round(float(np.mean(scores < threshold)), 4)}


def held_out_runs(
    inside, outside: dict, validation, families: dict, learned: tuple[str, ...], units: int, decay: float, seed: int
) -> dict:
    """Fit without each family in turn (of the sources in `learned`), measure on that family; return figures by family."""
    figures = {}
    for family, members in families.items():
        fitted = {name: values for name, values in outside.items() if name in learned and name not in members}
        held = np.concatenate([outside[name] for name in members])
        figures[family] = measure(calibration.fit_head(inside, fitted, seed, units, decay), validation, held)
    return figures


def summary(figures: dict) -> dict:
    return {
        "mean_auroc": round(float(np.mean([row["auroc"] for row in figures.values()])), 5),
        "min_auroc": round(float(np.min([row["auroc"] for row in figures.values()])), 5),
        "mean_rejected": round(float(np.mean([row["rejected"] for row in figures.values()])), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="digits", choices=tasks.names())
    parser.add_argument("--model", default="cnn")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--settings", default="all", choices=("all", "shipped"), help="the grid, or only the shipped settings")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.2, help="the share of real and outlier inputs each fit learns from")
    args = parser.parse_args()
    started = time.monotonic()
    task = tasks.get(args.task)
    classifier = Classifier(task.name, args.model, args.models_dir, domain_check=False)
    training, validation = datasets.split_validation(task, datasets.load_split(task.dataset, "train"), args.seed)
    rng = np.random.default_rng(args.seed)
    layers = summarised_layers(classifier.outputs_batch(validation.images[:1] / np.float32(255), tuple(classifier.layer_names)))
    inside = calibration.real_inputs(task, args.model, classifier, training, layers, args.seed)
    outside = calibration.outlier_inputs(task, classifier, layers, "tuning", calibration.OUTLIERS_PER_SOURCE, rng)
    real_validation = calibration.realistic_images(task, validation.images, calibration.REALISTIC_VALIDATION, rng)[0]
    validation_inputs = classifier.head_inputs(real_validation, layers)
    # A fit on all inputs takes minutes; a share of them ranks settings and sources alike, in a share of the time.
    inside = inside[rng.random(len(inside)) < args.share]
    outside = {name: values[rng.random(len(values)) < args.share] for name, values in outside.items()}
    print(f"inputs made in {time.monotonic() - started:.0f} s", flush=True)

    families = FAMILIES[task.input_kind]
    shipped = (calibration.HIDDEN_UNITS, calibration.WEIGHT_DECAY_BY_MODEL.get((task.name, args.model), calibration.WEIGHT_DECAY))
    learned_before = tuple(name for name in outside if name not in BEFORE_LEFT_OUT)
    before = held_out_runs(inside, outside, validation_inputs, families, learned_before, *shipped, args.seed)
    entry: dict = {"before": {"what": BEFORE_WHAT, "families": before, **summary(before)}, "settings": {}}
    print(f"before: {summary(before)} {before}", flush=True)
    grid = GRID if args.settings == "all" else [shipped]
    for units, decay in grid:
        figures = held_out_runs(inside, outside, validation_inputs, families, tuple(outside), units, decay, args.seed)
        entry["settings"][f"{units} units, decay {decay:g}"] = {"families": figures, **summary(figures)}
        print(f"{units} units, decay {decay:g}: {summary(figures)} {figures}", flush=True)
    entry["shipped"] = f"{shipped[0]} units, decay {shipped[1]:g}"
    entry["seconds"] = round(time.monotonic() - started)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[f"{task.name}-{args.model}"] = entry
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
