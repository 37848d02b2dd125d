"""How well the models read realistic input: canvas drawings of test digits and product photos of test items.

Usage: python bench/robustness.py [--n 2000] [--models-dir DIR --output FILE] [--sets NAME ...] [--emoji-dir DIR ...].
Prints a Markdown table and writes bench/results/robustness.json; with --sets, only those sets' figures change
when the file's other sets were measured with the same --n, --seed and models. Digits and clothing come from
the official test sets (never training images), digits also typed in the held-out fonts (as typed and redrawn
with a round brush) and drawn in other writing styles, clothing also as emoji illustrations (Noto's, which no
model trains on; `--emoji-dir` adds other sets) and as flat-colour illustrations of test items. Beside each
model's accuracy, the share of the set that its domain check calls out of domain ("That doesn't look like a
digit").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.serve.preprocessing import open_image, preprocess
from classifier.train import outliers, synthetic
from classifier.train.synthetic import typefaces
from harness.results import measured_alike

RESULTS = Path(__file__).resolve().parent / "results" / "robustness.json"


def _from_test_images(task: tasks.Task, n: int, rng: np.random.Generator, make) -> tuple[list, np.ndarray]:
    """`n` random test images, each made into a picture by make(image28, rng), and their labels."""
    test = datasets.load_split(task.dataset, "test")
    indices = rng.choice(len(test.labels), size=n, replace=False)
    return [make(test.images[i], rng) for i in indices], test.labels[indices].astype(int)


def realistic_inputs(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Test images as users give them: canvas drawings of digits, product photos of clothing."""
    return _from_test_images(task, n, rng, lambda image28, rng: synthetic.realistic(task, image28, rng))


def _coloured(drawings: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """White-on-black drawings (grey or RGB) in random canvas colours (synthetic.POLARITIES)."""
    inks = [(drawing if drawing.ndim == 2 else drawing[..., 0]) / 255.0 for drawing in drawings]
    return [synthetic.in_colours(ink, synthetic.POLARITIES[rng.integers(3)], rng) for ink in inks]


def _typed(n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    labels = rng.integers(10, size=n)
    fonts = typefaces.fonts("held-out")
    return [synthetic.typed_digit(int(digit), rng, fonts) for digit in labels], labels


def _styled(n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    styles = [list(synthetic.STYLES)[i] for i in rng.integers(len(synthetic.STYLES), size=n)]
    return [synthetic.styled_digit(style, rng) for style in styles], np.array([synthetic.STYLES[style][0] for style in styles])


def held_out_fonts(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Digits typed in the held-out fonts (no model trains on them), in random colours."""
    drawings, labels = _typed(n, rng)
    return _coloured(drawings, rng), labels


def held_out_fonts_stroked(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Digits typed in the held-out fonts and redrawn along their centre lines with a round brush (synthetic.stroked)."""
    drawings, labels = _typed(n, rng)
    return _coloured([synthetic.stroked(drawing, rng) for drawing in drawings], rng), labels


def writing_styles(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Digits drawn in synthetic.STYLES (the flagged 1, the crossed 7...), in random colours."""
    drawings, labels = _styled(n, rng)
    return _coloured(drawings, rng), labels


def low_resolution_digits(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Test digits stored at 7 to 16 pixels a side and enlarged again (synthetic.low_resolution), in random colours."""
    drawings, labels = _from_test_images(task, n, rng, synthetic.low_resolution)
    return _coloured(drawings, rng), labels


def low_resolution_styles(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Digits in other writing styles and typed in the held-out fonts, half each, stored at low resolution."""
    styled, styled_labels = _styled(n // 2, rng)
    typed, typed_labels = _typed(n - n // 2, rng)
    drawings = [synthetic.low_resolution(drawing, rng) for drawing in styled + typed]
    return _coloured(drawings, rng), np.concatenate([styled_labels, typed_labels])


def emoji_illustrations(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Clothing emoji, turned, scaled, on a light background (JPEG) or a transparent one (PNG)."""
    emoji = list(synthetic.CLOTHING_EMOJI)
    picked = [emoji[i] for i in rng.integers(len(emoji), size=n)]
    inputs = [outliers.object_photo(rng, one, transparent=bool(rng.random() < 0.5)) for one in picked]
    return inputs, np.array([synthetic.CLOTHING_EMOJI[one] for one in picked])


def test_illustrations(task: tasks.Task, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Test items as flat-colour illustrations (synthetic.illustrated_clothing, tried in training, not shipped)."""
    return _from_test_images(task, n, rng, synthetic.illustrated_clothing)


def emoji_folder_illustrations(folder: Path, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Clothing emoji of another set, one PNG per code point of synthetic.ILLUSTRATION_CLASSES in `folder` (e.g. an
    emoji-datasource package's img/apple/64), restyled as the training illustrations are."""
    found = [(code, label) for code, label in synthetic.ILLUSTRATION_CLASSES.items() if (folder / f"{code}.png").exists()]
    if not found:
        raise SystemExit(f"{folder} holds none of the clothing emoji (e.g. {next(iter(synthetic.ILLUSTRATION_CLASSES))}.png).")
    pictures = {code: Image.open(folder / f"{code}.png").convert("RGBA") for code, _ in found}
    picked = [found[i] for i in rng.integers(len(found), size=n)]
    return [synthetic.restyled_clothing(pictures[code], rng) for code, _ in picked], np.array([label for _, label in picked])


# Input sets: name -> (task, how they are made).
SETS = {
    "canvas-like digits": ("digits", realistic_inputs),
    "digits typed in held-out fonts": ("digits", held_out_fonts),
    "digits in other writing styles": ("digits", writing_styles),
    "photo-like clothing": ("fashion", realistic_inputs),
    "clothing emoji (illustrations)": ("fashion", emoji_illustrations),
    "clothing items as illustrations": ("fashion", test_illustrations),
    "low-resolution digits": ("digits", low_resolution_digits),
    "low-resolution styles and held-out fonts": ("digits", low_resolution_styles),
    "held-out fonts as canvas strokes": ("digits", held_out_fonts_stroked),
}


def score(task: tasks.Task, inputs: list, labels: np.ndarray, models_dir: Path | None) -> dict:
    ours = np.stack([preprocess(task, open_image(x) if isinstance(x, bytes) else x) for x in inputs])
    naive = np.stack([synthetic.naive_resize(x) for x in inputs])
    row = {}
    for model_kind in settings.MODEL_KINDS:
        classifier = load_classifier(task.name, model_kind, models_dir)
        row[model_kind] = float(np.mean(classifier.predict_batch(ours).argmax(1) == labels))
        # Real inputs that the domain check calls "not a digit" / "not clothing": it should be few.
        row[f"{model_kind}_rejected"] = float(np.mean(classifier.domain_scores(ours) < classifier.domain.threshold))
        row[f"{model_kind}_naive_resize"] = float(np.mean(classifier.predict_batch(naive).argmax(1) == labels))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="inputs per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models-dir", type=Path, help="score these models instead of the shipped ones")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--sets", nargs="+", metavar="NAME", help="only these input sets (names as in the table)")
    parser.add_argument(
        "--emoji-dir", type=Path, action="append", default=[], help="also score the clothing emoji in this folder (repeatable)"
    )
    args = parser.parse_args()
    results = {"n": args.n, "seed": args.seed, "models": str(args.models_dir or "shipped")}
    if args.sets:  # a rerun of some sets keeps the other sets' figures when they were measured alike
        results = measured_alike(args.output, results)
    sets = {name: made for name, made in SETS.items() if not args.sets or name in args.sets}
    for folder in args.emoji_dir:
        make = lambda task, n, rng, folder=folder: emoji_folder_illustrations(folder, n, rng)  # noqa: E731
        sets[f"clothing emoji from {folder}"] = ("fashion", make)
    # Each set draws from its own seed, its place in the whole list, whichever sets run.
    order = list(SETS) + [name for name in sets if name not in SETS]
    for name, (task_name, make) in sets.items():
        started = time.perf_counter()
        task = tasks.get(task_name)
        inputs, labels = make(task, args.n, np.random.default_rng([args.seed, order.index(name)]))
        results[name] = {"task": task_name, **score(task, inputs, labels, args.models_dir)}
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    columns = "CNN | MLP | CNN, naive resize | MLP, naive resize | out of domain, CNN | out of domain, MLP"
    print(f"| input ({args.n} each) | {columns} |")
    print("|---|---|---|---|---|---|---|")
    for name in sets:
        row = results[name]
        cells = [row[key] for key in ("cnn", "mlp", "cnn_naive_resize", "mlp_naive_resize", "cnn_rejected", "mlp_rejected")]
        print(f"| {name} | " + " | ".join(f"{100 * cell:.1f} %" for cell in cells) + " |")


if __name__ == "__main__":
    main()
