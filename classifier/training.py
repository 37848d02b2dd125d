"""Training: data augmentation, the training loop, and the files a trained model is shipped as.

This is the only module, with models.py, that imports TensorFlow and Keras.
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

from classifier import datasets, manifest, settings
from classifier.datasets import Split
from classifier.files import write_atomically

VALIDATION_SIZE = 5_000
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
# The share of training digits replaced by their drawn versions (see classifier.synthetic.drawn_digits).
DRAWN_FRACTION = 0.25


def _augmenter(task: str, model_kind: str, seed: int) -> Callable:
    """Return a batch transform that makes training images look more like what users draw or photograph.

    Each batch element is (image, drawn, label), where `drawn` is the same digit redrawn as a canvas
    stroke and preprocessed as the app does (for clothing it is the image itself). Preprocessing
    already normalises size and position, so the geometry changes stay small.
    """
    import keras
    import tensorflow as tf
    from keras import layers

    if task == "digits":
        geometry = keras.Sequential(
            [
                layers.RandomRotation(0.025, fill_mode="constant", seed=seed),  # up to 9 degrees
                layers.RandomZoom(0.08, fill_mode="constant", seed=seed + 1),
                layers.RandomTranslation(0.04, 0.04, fill_mode="constant", seed=seed + 2),
            ]
        )
    else:
        # Preprocessing centres every item, so mirroring is the only change. (With shifts as well, the
        # CNN under-fitted: 90.5 % training accuracy after 18 epochs, 92.1 % on the test set.)
        geometry = keras.Sequential([layers.RandomFlip("horizontal", seed=seed)])
    generator = tf.random.Generator.from_seed(seed + 3)

    def augment(images: tf.Tensor, drawn: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        changed = geometry(images, training=True)
        choice = generator.uniform([tf.shape(images)[0], 1, 1, 1])
        if task == "digits":
            # A quarter drawn versions; a sixth each thicker or thinner strokes (3x3 dilation or erosion)
            # of a slightly turned, zoomed or shifted digit; the rest the digit as it is.
            dilated = tf.nn.max_pool2d(changed, ksize=3, strides=1, padding="SAME")
            eroded = -tf.nn.max_pool2d(-changed, ksize=3, strides=1, padding="SAME")
            changed = tf.where(choice < DRAWN_FRACTION + 1 / 6, dilated, eroded)
            images = tf.where(choice < DRAWN_FRACTION, drawn, tf.where(choice < DRAWN_FRACTION + 1 / 3, changed, images))
        else:
            images = tf.where(choice < 0.5, changed, images)
        return tf.clip_by_value(images, 0.0, 1.0), labels

    return augment


def _drawn_versions(task: str, training: Split, seed: int) -> np.ndarray:
    """The training digits redrawn as canvas strokes (see classifier.synthetic); for clothing, the images."""
    if task != "digits":
        return _as_inputs(training)
    from classifier.synthetic import drawn_digits

    drawn = drawn_digits(training.images, seed)
    return (drawn.astype(np.float32) / 255.0)[..., None]


def _as_inputs(split: Split) -> np.ndarray:
    return (split.images.astype(np.float32) / 255.0)[..., None]


def _split_validation(train: Split, seed: int) -> tuple[Split, Split]:
    order = np.random.default_rng(seed).permutation(len(train.labels))
    validation, training = order[:VALIDATION_SIZE], order[VALIDATION_SIZE:]
    return (
        Split(train.images[training], train.labels[training]),
        Split(train.images[validation], train.labels[validation]),
    )


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
    """Convert a Keras model to a LiteRT flatbuffer (from the Keras model: see tests/test_litert.py)."""
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def train(
    task: str,
    model_kind: str,
    epochs: int | None = None,
    seed: int = 1,
    limit: int | None = None,
    models_dir: Path | None = None,
    data_dir: str | None = None,
    verbose: int | str = "auto",
) -> dict:
    """Train one model, evaluate it once on the test set, and write its five files; return its metrics."""
    settings.check_task(task, model_kind)
    import keras
    import tensorflow as tf

    from classifier.models import BUILDERS

    epochs = epochs or settings.DEFAULT_EPOCHS[task, model_kind]
    if epochs < 1:
        raise ValueError("--epochs must be at least 1.")
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    dataset = settings.DATASET_OF_TASK[task]
    training, validation = _split_validation(datasets.load_split(dataset, "train", data_dir), seed)
    test = datasets.load_split(dataset, "test", data_dir)
    if limit:
        training, validation = (
            Split(training.images[:limit], training.labels[:limit]),
            Split(validation.images[: limit // 4 + 1], validation.labels[: limit // 4 + 1]),
        )
    steps_per_epoch = -(-len(training.labels) // BATCH_SIZE)
    train_data = (
        tf.data.Dataset.from_tensor_slices(
            (_as_inputs(training), _drawn_versions(task, training, seed), training.labels.astype(np.int32))
        )
        .shuffle(len(training.labels), seed=seed, reshuffle_each_iteration=True)
        .batch(BATCH_SIZE)
        .map(_augmenter(task, model_kind, seed), num_parallel_calls=1)
        .prefetch(2)
    )

    model = BUILDERS[model_kind](task)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=epochs * steps_per_epoch)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
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
    test_loss, test_accuracy = model.evaluate(test_inputs, test.labels.astype(np.int32), verbose=0)
    predicted = np.argmax(model.predict(test_inputs, batch_size=1000, verbose=0), axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (test.labels.astype(int), predicted), 1)

    metrics = {
        "task": task,
        "model": model_kind,
        "test_accuracy": float(test_accuracy),
        "test_loss": float(test_loss),
        "test_n": int(len(test.labels)),
        "confusion_matrix": confusion.tolist(),
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
        "dataset_sha256": datasets.DIGESTS[dataset],
    }

    paths = {suffix: settings.model_path(task, model_kind, suffix, models_dir) for suffix in manifest.SUFFIXES}
    with tempfile.TemporaryDirectory() as folder:
        keras_file = Path(folder) / paths[".keras"].name
        model.save(keras_file)
        write_atomically(paths[".keras"], keras_file.read_bytes())
    write_atomically(paths[".tflite"], to_litert(model))
    write_atomically(paths[".history.csv"], _history_csv(history))
    write_atomically(paths[".metrics.json"], (json.dumps(metrics, indent=1) + "\n").encode())
    manifest.record(task, model_kind, models_dir)
    print(f"Wrote {', '.join(str(path) for path in paths.values())}", file=sys.stderr)
    return metrics
