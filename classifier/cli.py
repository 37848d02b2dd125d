"""Argument parsing and the subcommands of `python -m classifier`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classifier import settings
from classifier.errors import ClassifierError


def _fetch_data(args: argparse.Namespace) -> int:
    from classifier import datasets

    for dataset in datasets.DIGESTS:
        datasets.fetch(dataset, args.data_dir, report=lambda line: print(line, file=sys.stderr))
    return 0


def _make_sample(args: argparse.Namespace) -> int:
    from classifier import datasets, synthetic

    for task in settings.TASKS:
        print(datasets.write_sample(task, data_dir=args.data_dir), file=sys.stderr)
    clothing = datasets.load_sample("fashion")
    for path in synthetic.write_example_photos(clothing.images, clothing.labels):
        print(path, file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from classifier import training

    metrics = training.train(
        args.task,
        args.model,
        epochs=args.epochs,
        seed=args.seed,
        limit=args.limit,
        models_dir=args.models_dir,
        data_dir=args.data_dir,
    )
    print(json.dumps({key: metrics[key] for key in ("task", "model", "test_accuracy", "test_loss", "epochs")}))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from classifier.evaluation import evaluate

    print(json.dumps(evaluate(args.task, args.model, data_dir=args.data_dir)))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from classifier.inference import load_classifier

    classifier = load_classifier(args.task, args.model)
    failures = 0
    for file in args.files:
        try:
            result = classifier.predict(Path(file))
            line = {
                "file": file,
                "label": result.label,
                "class_name": result.class_name,
                "probabilities": [round(float(p), 6) for p in result.probabilities],
            }
        except ClassifierError as error:
            failures += 1
            line = {"file": file, "error": str(error)}
        print(json.dumps(line), flush=True)
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def task_options(command: argparse.ArgumentParser, model_required: bool) -> None:
        command.add_argument("--task", required=True, choices=settings.TASKS)
        command.add_argument("--model", choices=settings.MODEL_KINDS, required=model_required, default="cnn")

    data_help = f"data folder (default: ${settings.DATA_DIR_ENV} or {settings.DEFAULT_DATA_DIR})"
    fetch = commands.add_parser("fetch-data", help="download and verify MNIST and Fashion-MNIST")
    fetch.add_argument("--data-dir", help=data_help)
    fetch.set_defaults(run=_fetch_data)

    sample = commands.add_parser("make-sample", help="write assets/samples/ and assets/examples/ from the test sets")
    sample.add_argument("--data-dir", help=data_help)
    sample.set_defaults(run=_make_sample)

    train = commands.add_parser("train", help="train a model and write its files under assets/models/")
    task_options(train, model_required=True)
    defaults = ", ".join(f"{task} {kind}: {epochs}" for (task, kind), epochs in settings.DEFAULT_EPOCHS.items())
    train.add_argument("--epochs", type=int, help=f"epochs (default: {defaults})")
    train.add_argument("--seed", type=int, default=1)
    train.add_argument("--limit", type=int, help="train on only this many images (for quick checks)")
    train.add_argument("--models-dir", type=Path, help=f"where to write (default: {settings.MODELS_DIR})")
    train.add_argument("--data-dir", help=data_help)
    train.set_defaults(run=_train)

    evaluate = commands.add_parser("evaluate", help="score a shipped model on the full test set")
    task_options(evaluate, model_required=True)
    evaluate.add_argument("--data-dir", help=data_help)
    evaluate.set_defaults(run=_evaluate)

    predict = commands.add_parser("predict", help="classify image files, one JSON line per file")
    task_options(predict, model_required=False)
    predict.add_argument("files", nargs="+", metavar="FILE")
    predict.set_defaults(run=_predict)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ClassifierError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
