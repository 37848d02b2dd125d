"""Training: data augmentation, the training loop, and the files a trained model is shipped as.

With models.py, the only module of the package that imports Keras and TensorFlow; this one imports them only inside
its functions.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from classifier.core import datasets, manifest, settings, tasks
from classifier.core.datasets import Split
from classifier.core.files import sha256, write_atomically
from classifier.serve.evaluation import confusion_matrix

BATCH_SIZE = 128
LEARNING_RATE = 1e-3
# The number reader (classifier/serve/numbers.py) learns from this many lines made of training digits, for
# this many epochs, in batches this large, from this learning rate (then cosine decay), which keeps its
# training on a 2-core CPU under half an hour (docs/experiments.md, "Number reading"). It is checked on a
# tenth as many lines of validation digits.
NUMBER_LINES, NUMBER_READER_EPOCHS, NUMBER_READER_BATCH, NUMBER_READER_RATE = 30_000, 6, 64, 2e-3


def _augmenter(augmentation: tasks.Augmentation, seed: int) -> Callable:
    """Return a batch transform that makes training images look more like what users draw or photograph.

    It takes a batch of (images, labels), or of (images, drawn, labels) when the task trains on drawn
    versions (see tasks.Augmentation), and returns (images, labels).
    """
    import keras
    import tensorflow as tf
    from keras import layers

    changes = []
    if augmentation.rotation:
        changes.append(layers.RandomRotation(augmentation.rotation, fill_mode="constant", seed=seed))
    if augmentation.zoom:
        changes.append(layers.RandomZoom(augmentation.zoom, fill_mode="constant", seed=seed + 1))
    if augmentation.shift:
        changes.append(layers.RandomTranslation(augmentation.shift, augmentation.shift, fill_mode="constant", seed=seed + 2))
    if augmentation.mirror:
        changes.append(layers.RandomFlip("horizontal", seed=seed))
    geometry = keras.Sequential(changes) if changes else (lambda images, training: images)
    generator = tf.random.Generator.from_seed(seed + 3)
    drawn_share, changed_share = augmentation.drawn_fraction, augmentation.changed_fraction

    def augment(images: tf.Tensor, *rest: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        *drawn, labels = rest
        changed = geometry(images, training=True)
        choice = generator.uniform([tf.shape(images)[0], 1, 1, 1])
        if augmentation.stroke_change:
            # Half of the changed images get thicker strokes (3x3 dilation), half thinner (erosion).
            dilated = tf.nn.max_pool2d(changed, ksize=3, strides=1, padding="SAME")
            eroded = -tf.nn.max_pool2d(-changed, ksize=3, strides=1, padding="SAME")
            changed = tf.where(choice < drawn_share + changed_share / 2, dilated, eroded)
        images = tf.where(choice < drawn_share + changed_share, changed, images)
        if drawn:
            images = tf.where(choice < drawn_share, drawn[0], images)
        return tf.clip_by_value(images, 0.0, 1.0), labels

    return augment


def _training_data(task: tasks.Task, model_kind: str, training: Split, seed: int):
    """The shuffled, batched and augmented training set of a model kind as a tf.data pipeline."""
    import tensorflow as tf

    columns = [_as_inputs(training)]
    if task.augmentation.drawn_fraction:
        from classifier.train.synthetic import redrawn_images

        columns.append(_as_inputs(Split(redrawn_images(task, training.images, seed), training.labels)))
    columns.append(training.labels.astype(np.int32))
    data = (
        tf.data.Dataset.from_tensor_slices(tuple(columns))
        .shuffle(len(training.labels), seed=seed, reshuffle_each_iteration=True)
        .batch(BATCH_SIZE)
        .map(_augmenter(task.augmentation, seed), num_parallel_calls=1)
    )
    share = task.augmentation.styled_share(model_kind)
    if share:
        styled = _styled_pictures(task, share, len(training.labels), seed)
        data = tf.data.Dataset.zip((data, styled)).map(_replacer(share, seed))
    return data.prefetch(2)


# Styled pictures made per training image and unit of the styled share: twice as many as one epoch uses.
STYLED_PER_SHARE = 2


def _styled_pictures(task: tasks.Task, share: float, training_size: int, seed: int):
    """Pictures in styles the dataset lacks (classifier.train.synthetic.styled_images: digits in other writing styles,
    clothing illustrations) as an endless, shuffled, batched tf.data pipeline."""
    import tensorflow as tf

    from classifier.train.synthetic import styled_images

    images, labels = styled_images(task, round(STYLED_PER_SHARE * share * training_size), seed + 5)
    return (
        tf.data.Dataset.from_tensor_slices(((images.astype(np.float32) / 255.0)[..., None], labels))
        .shuffle(len(labels), seed=seed + 7, reshuffle_each_iteration=True)
        .repeat()
        .batch(BATCH_SIZE)
    )


def _replacer(share: float, seed: int) -> Callable:
    """A transform of ((images, labels), (styled images, labels)) batches that puts styled pictures in place of a share."""
    import tensorflow as tf

    generator = tf.random.Generator.from_seed(seed + 8)

    def replace(real: tuple[tf.Tensor, tf.Tensor], styled: tuple[tf.Tensor, tf.Tensor]) -> tuple[tf.Tensor, tf.Tensor]:
        count = tf.shape(real[1])[0]
        chosen = generator.uniform([count]) < share
        images = tf.where(chosen[:, None, None, None], styled[0][:count], real[0])
        return images, tf.where(chosen, styled[1][:count], real[1])

    return replace


def _as_inputs(split: Split) -> np.ndarray:
    return (split.images.astype(np.float32) / 255.0)[..., None]


def _layer_table(model) -> list[dict]:
    return [
        {
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": str(tuple(layer.output.shape)),
            "parameters": int(layer.count_params()),
        }
        for layer in model.layers
    ]


def _history_csv(history: dict[str, list[float]]) -> bytes:
    columns = ["loss", "accuracy", "val_loss", "val_accuracy"]
    lines = [",".join(["epoch", *columns])]
    for epoch in range(len(history["loss"])):
        lines.append(",".join([str(epoch + 1), *(f"{history[column][epoch]:.6f}" for column in columns)]))
    return ("\n".join(lines) + "\n").encode()


def to_litert(model) -> bytes:
    """Convert a Keras model, as it is served (models.serving_model), to a LiteRT flatbuffer.

    tests/test_training.py checks that both give the same answers.
    """
    import tensorflow as tf

    from classifier.train.models import serving_model

    return tf.lite.TFLiteConverter.from_keras_model(serving_model(model)).convert()


def _checked_epochs(epochs: int) -> int:
    if epochs < 1:
        raise ValueError("--epochs must be at least 1.")
    return epochs


def _seeded_splits(task: tasks.Task, seed: int, data_dir: str | None) -> tuple[Split, Split, Split]:
    """What every training run starts with: seeds set, TensorFlow's ops deterministic, the task's three splits loaded.

    So the same seed gives the same model; returns (training, validation, test).
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    training, validation = datasets.split_validation(task, datasets.load_split(task.dataset, "train", data_dir), seed)
    return training, validation, datasets.load_split(task.dataset, "test", data_dir)


def _ctc_loss(labels, logits):
    """The CTC loss (Graves et al. 2006) of per-frame logits for digit labels padded with -1."""
    import tensorflow as tf

    from classifier.serve import numbers

    labels = tf.cast(labels, tf.int32)
    lengths = tf.reduce_sum(tf.cast(labels >= 0, tf.int32), axis=1)
    frames = tf.fill([tf.shape(logits)[0]], tf.shape(logits)[1])
    loss = tf.nn.ctc_loss(tf.maximum(labels, 0), logits, lengths, frames, logits_time_major=False, blank_index=numbers.BLANK)
    return tf.reduce_mean(loss)


def _exact_share(model, lines: np.ndarray, digits: np.ndarray) -> float:
    """The share of lines whose digits the number reader reads exactly right."""
    from classifier.serve import numbers

    logits = model.predict(lines[..., None] / np.float32(255), batch_size=256, verbose=0)
    read = [[digit for digit, *_ in numbers.decode(row)] for row in logits]
    return float(np.mean([got == [int(d) for d in truth if d >= 0] for got, truth in zip(read, digits)]))


def train_number_reader(
    task: str | tasks.Task,
    epochs: int | None = None,
    seed: int = 1,
    limit: int | None = None,
    models_dir: Path | None = None,
    data_dir: str | None = None,
    verbose: int | str = "auto",
) -> dict:
    """Train a drawing task's number reader on lines of training digits (synthetic.number_lines); write its files.

    The digits are MNIST's and, in the task's `styled_fraction`, digits in other writing styles
    (synthetic.styled_digits), as the task's models learn from.

    `limit` caps the training lines (for quick checks). Returns its metrics: "test_accuracy" is the
    share of lines of *test* digits read exactly right.
    """
    task = tasks.get(task)
    if task.input_kind != "drawing":
        raise ValueError(f"The {task.name} task reads pictures of one item: it has no number reader.")
    import keras
    import tensorflow as tf

    from classifier.train.models import build_number_reader
    from classifier.train.synthetic import number_lines, styled_digits

    epochs = _checked_epochs(epochs or NUMBER_READER_EPOCHS)
    training, validation, test = _seeded_splits(task, seed, data_dir)
    count = min(limit or NUMBER_LINES, NUMBER_LINES)
    images, labels = training.images, training.labels
    share = task.augmentation.styled_fraction
    if share:
        # Digits in the writing styles MNIST lacks, in the share the task's CNN learns them in.
        styled, styled_labels = styled_digits(task, round(share / (1 - share) * len(labels)), seed + 5)
        images, labels = np.concatenate([images, styled]), np.concatenate([labels, styled_labels])
    rng = np.random.default_rng(seed)
    lines, digits = number_lines(images, labels, count, rng, task.working_size)
    checks = {
        name: number_lines(split.images, split.labels, max(1, count // 10), rng, task.working_size)
        for name, split in (("validation", validation), ("test", test))
    }

    model = build_number_reader(task)
    steps = epochs * -(-count // NUMBER_READER_BATCH)
    # The rate climbs to NUMBER_READER_RATE over the first epoch, then decays; steps larger than 1 (in norm) are cut
    # down. Without both, one order of the same lines left the reader on a plateau, emitting few digits (validation
    # loss 2.76 after 6 epochs, against 0.50): docs/experiments.md, "The number reader warms up".
    warm_up = min(steps // 2, -(-count // NUMBER_READER_BATCH))
    schedule = keras.optimizers.schedules.CosineDecay(
        NUMBER_READER_RATE / 20, steps - warm_up, warmup_target=NUMBER_READER_RATE, warmup_steps=warm_up
    )
    model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0), loss=_ctc_loss)
    started = time.perf_counter()
    history = model.fit(
        lines[..., None] / np.float32(255),
        digits,
        validation_data=(checks["validation"][0][..., None] / np.float32(255), checks["validation"][1]),
        batch_size=NUMBER_READER_BATCH,
        epochs=epochs,
        verbose=verbose,
    ).history
    training_seconds = time.perf_counter() - started
    test_lines, test_digits = checks["test"]
    metrics = {
        "task": task.name,
        "model": settings.NUMBER_READER,
        "test_accuracy": _exact_share(model, test_lines, test_digits),
        "test_loss": float(model.evaluate(test_lines[..., None] / np.float32(255), test_digits, verbose=0)),
        "test_n": int(len(test_digits)),
        "validation_accuracy": _exact_share(model, *checks["validation"]),
        "validation_loss": [round(value, 4) for value in history["val_loss"]],
        "layers": _layer_table(model),
        "total_parameters": int(model.count_params()),
        "epochs": epochs,
        "seed": seed,
        "training_lines": count,
        "training_seconds": round(training_seconds, 1),
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__},
        "dataset_sha256": _dataset_digests(task.dataset, data_dir),
    }
    litert = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    paths = _write_model(
        model, task.name, settings.NUMBER_READER, models_dir, {".tflite": litert, ".metrics.json": _json(metrics)}
    )
    print(f"Wrote {', '.join(str(path) for path in paths)}", file=sys.stderr)
    return metrics


def _json(metrics: dict) -> bytes:
    return (json.dumps(metrics, indent=1) + "\n").encode()


def _write_model(model, task: str, model_kind: str, models_dir: Path | None, files: dict[str, bytes]) -> list[Path]:
    """Write a trained model's `.keras` file and its other `files` (by suffix), record them in the manifest; return the paths."""
    paths = [settings.model_path(task, model_kind, suffix, models_dir) for suffix in (".keras", *files)]
    with tempfile.TemporaryDirectory() as folder:
        keras_file = Path(folder) / paths[0].name
        model.save(keras_file)
        write_atomically(paths[0], keras_file.read_bytes())
    for path, content in zip(paths[1:], files.values()):
        write_atomically(path, content)
    manifest.record(task, model_kind, models_dir)
    return paths


def _dataset_digests(dataset: tasks.Dataset, data_dir: str | None) -> dict[str, str]:
    """The SHA-256 of the dataset files this run read, for the metrics file."""
    folder = datasets.dataset_dir(dataset, data_dir)
    return {name: sha256((folder / name).read_bytes()) for name in datasets.FILE_NAMES}


def compiled_model(task: tasks.Task, model_kind: str, steps: int):
    """A new model of the task, compiled as `train` trains it: Adam, cosine decay over `steps`, cross-entropy."""
    import keras

    from classifier.train.models import BUILDERS

    model = BUILDERS[model_kind](task)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def train(
    task: str | tasks.Task,
    model_kind: str,
    epochs: int | None = None,
    seed: int = 1,
    limit: int | None = None,
    models_dir: Path | None = None,
    data_dir: str | None = None,
    verbose: int | str = "auto",
) -> dict:
    """Train one model, evaluate it once on the test set, and write its five files; return its metrics."""
    task = tasks.get(task)
    settings.check_model_kind(model_kind)
    import keras
    import tensorflow as tf

    epochs = _checked_epochs(epochs or task.epochs[model_kind])
    training, validation, test = _seeded_splits(task, seed, data_dir)
    if limit:
        training, validation = (
            Split(training.images[:limit], training.labels[:limit]),
            Split(validation.images[: limit // 4 + 1], validation.labels[: limit // 4 + 1]),
        )
    steps_per_epoch = -(-len(training.labels) // BATCH_SIZE)
    train_data = _training_data(task, model_kind, training, seed)

    model = compiled_model(task, model_kind, epochs * steps_per_epoch)
    started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=(_as_inputs(validation), validation.labels.astype(np.int32)),
        epochs=epochs,
        shuffle=False,  # The dataset reshuffles itself every epoch.
        verbose=verbose,
    ).history
    training_seconds = time.perf_counter() - started

    test_inputs = _as_inputs(test)
    test_loss, _ = model.evaluate(test_inputs, test.labels.astype(np.int32), batch_size=1000, verbose=0)
    predicted = np.argmax(model.predict(test_inputs, batch_size=1000, verbose=0), axis=1)
    test_accuracy = np.mean(predicted == test.labels)

    metrics = {
        "task": task.name,
        "model": model_kind,
        "test_accuracy": float(test_accuracy),
        "test_loss": float(test_loss),
        "test_n": int(len(test.labels)),
        "confusion_matrix": confusion_matrix(test.labels, predicted, task.num_classes).tolist(),
        "layers": _layer_table(model),
        "total_parameters": int(model.count_params()),
        "epochs": epochs,
        "seed": seed,
        "training_images": int(len(training.labels)),
        "validation_images": int(len(validation.labels)),
        "training_seconds": round(training_seconds, 1),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
        "dataset_sha256": _dataset_digests(task.dataset, data_dir),
    }

    files = {".tflite": to_litert(model), ".history.csv": _history_csv(history), ".metrics.json": _json(metrics)}
    paths = _write_model(model, task.name, model_kind, models_dir, files)
    from classifier.train.calibration import calibrate

    metrics["calibration"] = calibrate(task, model_kind, models_dir, data_dir, seed)
    print(f"Wrote {', '.join(str(path) for path in paths)}", file=sys.stderr)
    return metrics
