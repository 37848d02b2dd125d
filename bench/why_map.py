"""Does the why-map tell the truth? Two checks of the occlusion saliency that `explain()` shows.

Usage: python bench/why_map.py [--n 500]. Prints a Markdown table and writes bench/results/why_map.json.

1. Deletion: on canvas-like digits and photo-like clothing made from the official *test* images, set
   to 0 the 10 % of the 28x28 input's ink pixels that the why-map ranks highest, and, separately, 10 %
   of the ink pixels at random (the mean of RANDOM_DRAWS draws). A truthful map lowers the predicted
   class's probability much more than random deletion does: the goal is at least twice as much.
2. Model randomisation (Adebayo et al. 2018): the why-map of the same architecture with random,
   untrained weights must differ from the trained model's: the goal is a Spearman rank correlation
   below 0.5. A map that looked the same would show the input, not what the model learned.
Needs TensorFlow for the untrained twin (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.serve.explain import occlusion_saliency
from classifier.train.calibration import realistic_images

RESULTS = Path(__file__).resolve().parent / "results" / "why_map.json"
DELETED_SHARE = 0.10
RANDOM_DRAWS = 5
INK = 0.1  # a pixel brighter than this is ink (or item)


def untrained_logits(task: tasks.Task, model_kind: str, seed: int = 7):
    """A logits function of the same architecture with random weights, served by LiteRT like the real one."""
    import keras
    from ai_edge_litert.interpreter import Interpreter

    from classifier.train.models import BUILDERS
    from classifier.train.training import to_litert

    keras.utils.set_random_seed(seed)
    interpreter = Interpreter(model_content=to_litert(BUILDERS[model_kind](task)))
    runner = interpreter.get_signature_runner()
    input_name = next(iter(runner.get_input_details()))

    def logits_of(images28: np.ndarray) -> np.ndarray:
        return np.concatenate([runner(**{input_name: image[None, ..., None].astype(np.float32)})["logits"] for image in images28])

    return logits_of


def deletion(classifier, images28: np.ndarray, rng: np.random.Generator) -> dict:
    """Mean drop of the predicted class's probability after deleting the most salient, or random, ink pixels."""
    salient_drops, random_drops = [], []
    logits_of = lambda batch: classifier.outputs_batch(batch)["logits"]  # noqa: E731
    for image in images28:
        base = classifier.domain.probabilities(logits_of(image[None]))[0]
        label = int(base.argmax())
        saliency = occlusion_saliency(logits_of, image, label)
        ink = np.flatnonzero(image.ravel() > INK)
        count = max(1, round(DELETED_SHARE * len(ink)))
        most = ink[np.argsort(saliency.ravel()[ink])[::-1][:count]]
        variants = [most] + [rng.choice(ink, size=count, replace=False) for _ in range(RANDOM_DRAWS)]
        deleted = np.repeat(image.ravel()[None], len(variants), axis=0)
        for row, pixels in enumerate(variants):
            deleted[row, pixels] = 0
        after = classifier.domain.probabilities(logits_of(deleted.reshape(-1, *image.shape)))[:, label]
        salient_drops.append(base[label] - after[0])
        random_drops.append(base[label] - after[1:].mean())
    salient, random = float(np.mean(salient_drops)), float(np.mean(random_drops))
    return {"salient_drop": salient, "random_drop": random, "ratio": salient / max(random, 1e-9)}


def randomisation(classifier, task: tasks.Task, model_kind: str, images28: np.ndarray) -> float:
    """Mean Spearman rank correlation between the trained model's why-maps and its untrained twin's."""
    trained_logits = lambda batch: classifier.outputs_batch(batch)["logits"]  # noqa: E731
    random_logits = untrained_logits(task, model_kind)
    correlations = []
    for image in images28:
        label = int(trained_logits(image[None])[0].argmax())
        trained = occlusion_saliency(trained_logits, image, label).ravel()
        untrained = occlusion_saliency(random_logits, image, label).ravel()
        correlations.append(spearmanr(trained, untrained).statistic)
    return float(np.nanmean(correlations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="realistic test inputs per task")
    parser.add_argument("--n-random", type=int, default=100, help="inputs for the randomisation check")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    results = {"n": args.n, "n_random": args.n_random, "deleted_share": DELETED_SHARE}
    for task in tasks.all_tasks():
        rng = np.random.default_rng(args.seed)
        test = datasets.load_split(task.dataset, "test")
        images, _ = realistic_images(task, test.images, args.n, rng)
        for model_kind in settings.MODEL_KINDS:
            classifier = load_classifier(task.name, model_kind)
            row = deletion(classifier, images, rng)
            row["spearman_with_untrained"] = randomisation(classifier, task, model_kind, images[: args.n_random])
            results[settings.model_stem(task.name, model_kind)] = row
            print(f"{task.name}-{model_kind} done", flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(
        "| model | probability drop, 10 % most salient ink deleted | 10 % random ink deleted | ratio (goal >= 2) "
        "| Spearman with untrained twin (goal < 0.5) |"
    )
    print("|---|---|---|---|---|")
    for stem, row in results.items():
        if isinstance(row, dict):
            print(
                f"| {stem} | {row['salient_drop']:.3f} | {row['random_drop']:.3f} | {row['ratio']:.1f}x "
                f"| {row['spearman_with_untrained']:.2f} |"
            )


if __name__ == "__main__":
    main()
