"""Outlier exposure of the whole network (Hendrycks et al. 2019), tried against the shipped domain check.

Usage: python bench/outlier_exposure.py [--task digits] [--model cnn] [--epochs 2]. Fine-tunes a copy of
the shipped model (in a temporary folder; the shipped files are not touched) so that outlier pictures
get a uniform answer, recalibrates it as training does, and scores it as bench/domain.py does.
Writes bench/results/outlier_exposure.json.

Each batch is 128 augmented training images and 64 outliers (the "tuning" part of classifier/train/outliers.py,
preprocessed as the app does). Batch normalisation is frozen, so that the outliers do not move its
statistics, and the learning rate is a tenth of training's. Needs TensorFlow (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from classifier.core import datasets, manifest, settings, tasks
from classifier.core.files import write_atomically
from classifier.train import calibration, training

RESULTS = Path(__file__).resolve().parent / "results" / "outlier_exposure.json"
OUTLIER_WEIGHT = 0.5
OUTLIERS_PER_SOURCE = 2000


def outlier_exposure_loss(labels, logits):
    """Cross-entropy for real images (label >= 0); for outliers (label -1), cross-entropy to the uniform answer, weighted."""
    import tensorflow as tf

    labels = tf.reshape(tf.cast(labels, tf.int32), [-1])
    log_probabilities = tf.nn.log_softmax(logits)
    picked = -tf.gather(log_probabilities, tf.maximum(labels, 0), batch_dims=1)
    uniform = -tf.reduce_mean(log_probabilities, axis=1)
    return tf.where(labels >= 0, picked, OUTLIER_WEIGHT * uniform)


def expose_to_outliers(
    task: tasks.Task, model_kind: str, model, training_split: datasets.Split, seed: int, epochs: int
) -> list[float]:
    """Fine-tune a trained Keras model with outlier exposure; return the loss per epoch."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed + 10)
    made = calibration.outlier_images(task, "tuning", OUTLIERS_PER_SOURCE, rng).values()
    pictures = np.concatenate(list(made))[..., None].astype(np.float32)
    outliers = (
        tf.data.Dataset.from_tensor_slices((pictures, np.full(len(pictures), -1, np.int32)))
        .shuffle(len(pictures), seed=seed)
        .repeat()
        .batch(training.BATCH_SIZE // 2)
    )
    mixed = tf.data.Dataset.zip((training._training_data(task, model_kind, training_split, seed), outliers)).map(
        lambda real, other: (tf.concat([real[0], other[0]], 0), tf.concat([real[1], other[1]], 0))
    )
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(training.LEARNING_RATE / 10), loss=outlier_exposure_loss)
    return model.fit(mixed, epochs=epochs, verbose=2).history["loss"]


def main() -> None:
    import keras

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", default="digits", choices=tasks.names())
    parser.add_argument("--model", default="cnn", choices=settings.MODEL_KINDS)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--n", type=int, default=1000, help="realistic test inputs")
    parser.add_argument("--per-source", type=int, default=200, help="held-out outliers per source")
    args = parser.parse_args()
    task = tasks.get(args.task)
    spec = importlib.util.spec_from_file_location("domain_bench", Path(__file__).with_name("domain.py"))
    domain_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(domain_bench)

    with tempfile.TemporaryDirectory() as folder:
        models = Path(folder) / "models"
        shutil.copytree(settings.MODELS_DIR, models)
        stem = settings.model_stem(task.name, args.model)
        keras.utils.set_random_seed(1)
        model = keras.saving.load_model(models / f"{stem}.keras", compile=False, safe_mode=True)
        training_split, validation = datasets.split_validation(task, datasets.load_split(task.dataset, "train"), 1)
        started = time.perf_counter()
        losses = expose_to_outliers(task, args.model, model, training_split, 1, args.epochs)
        seconds = time.perf_counter() - started
        test = datasets.load_split(task.dataset, "test")
        predicted = np.asarray(model.predict(test.images[..., None] / np.float32(255), verbose=0)).argmax(axis=1)
        write_atomically(models / f"{stem}.tflite", training.to_litert(model))
        manifest.record(task.name, args.model, models)
        calibration.calibrate(task, args.model, models)
        settings.MODELS_DIR = models  # load_classifier in the benchmark reads the exposed copy

        rng = np.random.default_rng(0)
        real, made_from = calibration.realistic_images(task, test.images, args.n, rng)
        inputs = {
            "real": (real, test.labels[made_from].astype(int)),
            "raw": (test.images / np.float32(255), test.labels.astype(int)),
            "held_out": calibration.outlier_images(task, "held-out", args.per_source, rng),
        }
        validation_real = calibration.realistic_images(task, validation.images, args.n, rng)[0]
        measured = domain_bench.measure(task, args.model, inputs, training_split, validation_real)
    result = {
        "model": stem,
        "epochs": args.epochs,
        "seconds": round(seconds, 1),
        "loss": losses,
        "test_accuracy": float(np.mean(predicted == test.labels)),
        **measured,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    accuracy = 100 * result["test_accuracy"]
    print(f"{stem} after {args.epochs} epochs of outlier exposure ({seconds:.0f} s): test accuracy {accuracy:.2f} %")
    for score in ("msp", "energy", "shipped"):
        row = measured["scores"][score]
        print(
            f"- {score}: AUROC {row['auroc']:.4f}, held-out outliers rejected {100 * row['outliers_rejected']:.1f} %, "
            f"realistic inputs rejected {100 * row['realistic_rejected']:.1f} %"
        )


if __name__ == "__main__":
    main()
