"""Argument parsing and the subcommands of `python -m classifier` (also installed as `classifier`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from classifier.core import settings, tasks
from classifier.core.errors import ClassifierError


def _fetch_data(args: argparse.Namespace) -> int:
    from classifier.core import datasets

    for task in tasks.all_tasks():
        datasets.fetch(task.dataset, args.data_dir, report=lambda line: print(line, file=sys.stderr))
    return 0


def _make_sample(args: argparse.Namespace) -> int:
    from classifier.core import datasets
    from classifier.train import synthetic

    for task in tasks.all_tasks():
        print(datasets.write_sample(task, data_dir=args.data_dir), file=sys.stderr)
        if task.input_kind == "photo":
            sample = datasets.load_sample(task)
            for path in synthetic.write_example_photos(task, sample.images, sample.labels):
                print(path, file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from classifier.train import training

    options = {
        "epochs": args.epochs,
        "seed": args.seed,
        "limit": args.limit,
        "models_dir": args.models_dir,
        "data_dir": args.data_dir,
    }
    if args.model == settings.NUMBER_READER:
        if tasks.get(args.task).input_kind != "drawing":
            print(
                f"error: the {args.task} task reads pictures of one item; only drawing tasks have a number reader.",
                file=sys.stderr,
            )
            return 2
        metrics = training.train_number_reader(args.task, **options)
    else:
        metrics = training.train(args.task, args.model, **options)
    print(json.dumps({key: metrics[key] for key in ("task", "model", "test_accuracy", "test_loss", "epochs")}))
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from classifier.train.calibration import calibrate

    print(json.dumps(calibrate(args.task, args.model, models_dir=args.models_dir, data_dir=args.data_dir, seed=args.seed)))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from classifier.serve.evaluation import evaluate

    print(json.dumps(evaluate(args.task, args.model, data_dir=args.data_dir, models_dir=args.models_dir)))
    return 0


def _json_lines(files: list[str], describe: Callable[[Path], dict]) -> int:
    """Print one JSON line per file, `{"file", ...describe(file)}` or `{"file", "error"}`; exit 1 if any failed."""
    failures = 0
    for file in files:
        try:
            line = {"file": file, **describe(Path(file))}
        except ClassifierError as error:
            failures += 1
            line = {"file": file, "error": str(error)}
        print(json.dumps(line), flush=True)
    return 1 if failures else 0


def _predict(args: argparse.Namespace) -> int:
    from classifier.serve.inference import load_classifier

    classifier = load_classifier(args.task, args.model, args.models_dir)

    def describe(path: Path) -> dict:
        result = classifier.predict(path)
        return {
            "label": result.label,
            "class_name": result.class_name,
            "probabilities": [round(float(p), 6) for p in result.probabilities],
            "in_domain": result.in_domain,
            "domain_score": round(result.domain_score, 4),
        }

    return _json_lines(args.files, describe)


def _read_number(args: argparse.Namespace) -> int:
    from classifier.serve.inference import load_classifier

    classifier = load_classifier(args.task, args.model, args.models_dir)

    def describe(path: Path) -> dict:
        reading = classifier.read_number(path)
        return {
            "number": reading.number,
            "confidence": round(reading.confidence, 6),
            "in_domain": reading.in_domain,
            "digits": [
                {"label": digit.prediction.label, "confidence": round(digit.prediction.confidence, 6), "box": list(digit.box)}
                for digit in reading.digits
            ],
        }

    return _json_lines(args.files, describe)


def _list_tasks(args: argparse.Namespace) -> int:
    for task in tasks.all_tasks():
        line = {
            "task": task.name,
            "dataset": task.dataset.title,
            "input": task.input_kind,
            "classes": list(task.class_names),
            "models": [settings.model_stem(task.name, kind) for kind in settings.MODEL_KINDS],
        }
        print(json.dumps(line, ensure_ascii=False))
    return 0


def _worker(args: argparse.Namespace) -> int:
    from classifier import jobs

    jobs.run_worker(threads=args.threads, nice=args.nice)
    return 0


def _model_table(args: argparse.Namespace) -> int:
    from classifier.core import reports

    table = reports.model_table(args.models_dir)
    if not args.write:
        print(table, end="")
        return 0
    readme = settings.PROJECT_ROOT / "README.md"
    readme.write_text(reports.with_model_table(readme.read_text(), table))
    print(f"Wrote the model table into {readme}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from classifier.train.training import NUMBER_READER_EPOCHS

    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    data_help = f"data folder (default: ${settings.DATA_DIR_ENV} or {settings.DEFAULT_DATA_DIR})"
    models_help = f"models folder (default: $CLASSIFIER_MODELS_DIR or {settings.MODELS_DIR})"

    def task_options(
        command: argparse.ArgumentParser, model_required: bool, kinds: tuple[str, ...] = settings.MODEL_KINDS
    ) -> None:
        command.add_argument("--task", required=True, choices=tasks.names())
        command.add_argument("--model", choices=kinds, required=model_required, default="cnn")

    fetch = commands.add_parser("fetch-data", help="download and verify every task's dataset (MNIST, Fashion-MNIST)")
    fetch.add_argument("--data-dir", help=data_help)
    fetch.set_defaults(run=_fetch_data)

    sample = commands.add_parser("make-sample", help="write assets/samples/ and assets/examples/ from the test sets")
    sample.add_argument("--data-dir", help=data_help)
    sample.set_defaults(run=_make_sample)

    train = commands.add_parser(
        "train",
        help=f"train a model (--model {settings.NUMBER_READER}: a task's number reader); write its files in assets/models/",
    )
    task_options(train, model_required=True, kinds=(*settings.MODEL_KINDS, settings.NUMBER_READER))
    defaults = "; ".join(f"{task.name} {kind}: {epochs}" for task in tasks.all_tasks() for kind, epochs in task.epochs.items())
    defaults += f"; a number reader: {NUMBER_READER_EPOCHS}"
    train.add_argument("--epochs", type=int, help=f"epochs (default: {defaults})")
    train.add_argument("--seed", type=int, default=1)
    train.add_argument("--limit", type=int, help="train on only this many images (for quick checks)")
    train.add_argument("--models-dir", type=Path, help=models_help)
    train.add_argument("--data-dir", help=data_help)
    train.set_defaults(run=_train)

    calibrate = commands.add_parser(
        "calibrate", help="fit a trained model's temperature and domain check (train does it too); no TensorFlow"
    )
    task_options(calibrate, model_required=True)
    calibrate.add_argument("--seed", type=int, default=1, help="the seed the model was trained with (its validation split)")
    calibrate.add_argument("--models-dir", type=Path, help=models_help)
    calibrate.add_argument("--data-dir", help=data_help)
    calibrate.set_defaults(run=_calibrate)

    evaluate = commands.add_parser("evaluate", help="score a model on its task's full test set")
    task_options(evaluate, model_required=True)
    evaluate.add_argument("--data-dir", help=data_help)
    evaluate.add_argument("--models-dir", type=Path, help=models_help)
    evaluate.set_defaults(run=_evaluate)

    predict = commands.add_parser("predict", help="classify image files, one JSON line per file")
    task_options(predict, model_required=False)
    predict.add_argument("--models-dir", type=Path, help=models_help)
    predict.add_argument("files", nargs="+", metavar="FILE")
    predict.set_defaults(run=_predict)

    number = commands.add_parser("read-number", help="read a number of 1 to 8 handwritten digits per file, one JSON line each")
    number.add_argument(
        "--task", default="digits", choices=[task.name for task in tasks.all_tasks() if task.input_kind == "drawing"]
    )
    number.add_argument("--model", choices=settings.MODEL_KINDS, default="cnn")
    number.add_argument("--models-dir", type=Path, help=models_help)
    number.add_argument("files", nargs="+", metavar="FILE")
    number.set_defaults(run=_read_number)

    listing = commands.add_parser("tasks", help="list the tasks, one JSON line each")
    listing.set_defaults(run=_list_tasks)

    table = commands.add_parser("model-table", help="print the README's table of shipped models (from tasks and metrics)")
    table.add_argument("--write", action="store_true", help="write it into README.md instead")
    table.add_argument("--models-dir", type=Path, help=models_help)
    table.set_defaults(run=_model_table)

    worker = commands.add_parser(
        "worker", help="train learners' networks from the app's queue until stopped (the database of $CLASSIFIER_DATABASE_URL)"
    )
    worker.add_argument("--threads", type=int, help="CPU threads for training (default: $CLASSIFIER_WORKER_THREADS or 1)")
    worker.add_argument("--nice", type=int, help="the worker's niceness (default: $CLASSIFIER_WORKER_NICE or 10)")
    worker.set_defaults(run=_worker)
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
