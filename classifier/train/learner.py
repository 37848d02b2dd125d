"""Train a learner's own network: build it from its settings, fit it while reporting progress, stop when asked,
then score it on the test set and hand back the trained network as Keras and LiteRT bytes.

Run by the task queue's worker (classifier/jobs.py), which keeps the progress and the result in the
database; the app never imports this module.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.core import datasets, networks, tasks
from classifier.core.networks import NetworkSettings
from classifier.serve.evaluation import confusion_matrix
from classifier.train.training import to_litert

# Progress goes to the database at most this often (and at every epoch's end): the page redraws every second.
REPORT_SECONDS = 0.5
# The batch curve keeps at most this many points: when it has more, every other one is dropped.
MAX_POINTS = 400
# Validation images whose answers the page shows as they change.
SAMPLES = 8

# Takes the progress so far; returns False when the learner asked to stop.
Report = Callable[[dict], bool]


@dataclass(frozen=True)
class Trained:
    """A trained (or stopped) network: its status, files, and how it did."""

    status: str  # "finished", or "stopped" when the learner stopped it
    keras: bytes
    tflite: bytes
    training_seconds: float
    test_accuracy: float
    metrics: dict  # per_class_accuracy, confusion_matrix
    progress: dict


def warm_up(threads: int) -> None:
    """Start TensorFlow with this many CPU threads for each operation and between them (once per process)."""
    import keras  # noqa: F401  imported now, so that a job does not wait for it
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def build(settings: NetworkSettings):
    """The Keras model the settings describe; its activations are layers of their own, so the inside view shows them."""
    import keras
    from keras import layers

    spec = tasks.get(settings.task)
    dropout = [layers.Dropout(settings.dropout)] if settings.dropout > 0 else []
    if settings.kind == "mlp":
        body = [layers.Flatten()]
        for units in settings.hidden:
            body += [layers.Dense(units), layers.Activation(settings.activation), *dropout]
    else:
        pooling = layers.MaxPooling2D if settings.pooling == "max" else layers.AveragePooling2D
        body = []
        for filters in settings.filters:
            kernel = (settings.kernel, settings.kernel)
            body += [layers.Conv2D(filters, kernel, padding="same"), layers.Activation(settings.activation)]
            body += [pooling((2, 2)), *dropout]
        body += [layers.Flatten(), layers.Dense(settings.dense), layers.Activation(settings.activation), *dropout]
    return keras.Sequential(
        [keras.Input(shape=(networks.IMAGE_SIDE, networks.IMAGE_SIDE, 1)), *body, layers.Dense(spec.num_classes)],
        name=settings.kind,
    )


def _optimizer(settings: NetworkSettings):
    import keras

    if settings.optimizer == "sgd":
        return keras.optimizers.SGD(settings.learning_rate, momentum=networks.MOMENTUM)
    return keras.optimizers.Adam(settings.learning_rate)


def _data(settings: NetworkSettings) -> tuple[datasets.Split, datasets.Split, datasets.Split]:
    """(training images the learner asked for, the task's validation split, the test split), fetching data if needed."""
    spec = tasks.get(settings.task)
    if not datasets.is_fetched(spec.dataset):
        datasets.fetch(spec.dataset, report=lambda _: None)
    # The same validation images for every learner's network, so that a class's curves compare.
    training, validation = datasets.split_validation(spec, datasets.load_split(spec.dataset, "train"), seed=0)
    chosen = np.random.default_rng(settings.seed).permutation(len(training.labels))[: settings.images]
    return (
        datasets.Split(training.images[chosen], training.labels[chosen]),
        validation,
        datasets.load_split(spec.dataset, "test"),
    )


def _inputs(images: np.ndarray) -> np.ndarray:
    return (images.astype(np.float32) / np.float32(255))[..., None]


class _Reporter:
    """A Keras callback's work: keep the curves, send them at most every REPORT_SECONDS, and say when to stop."""

    def __init__(self, report: Report, settings: NetworkSettings, samples: datasets.Split) -> None:
        self.report = report
        self.started = time.monotonic()
        self.sent = 0.0
        self.step = 0
        self.means = [0.0, 0.0]  # the epoch's mean loss and accuracy so far, as Keras logs them
        self.stopped = False
        self.progress: dict = {
            "step": 0,
            "steps": math.ceil(settings.images / settings.batch_size) * settings.epochs,
            "epoch": 0,
            "epochs": settings.epochs,
            "elapsed": 0.0,
            "batches": [],
            "history": [],
            "samples": {
                "images": samples.images.reshape(len(samples.labels), -1).tolist(),
                "labels": samples.labels.tolist(),
                "probabilities": [],
            },
        }

    def batch(self, epoch: int, index: int, logs: dict) -> bool:
        """Record the `index`-th batch of an epoch; return False when the learner asked to stop.

        Keras logs each metric's mean over the epoch so far; the curve wants each batch's own value, which is
        k times the mean after k batches less k - 1 times the mean before.
        """
        self.step += 1
        self.progress["step"], self.progress["epoch"] = self.step, epoch + 1
        values = [float(logs.get(name, math.nan)) for name in ("loss", "accuracy")]
        own = [(index + 1) * value - index * before for value, before in zip(values, self.means)] if index else values
        self.means = values
        points = self.progress["batches"]
        points.append([self.step, round(own[0], 5), round(min(max(own[1], 0.0), 1.0), 5)])
        if len(points) > MAX_POINTS:
            del points[1::2]
        if time.monotonic() - self.sent >= REPORT_SECONDS:
            return self.send()
        return not self.stopped

    def epoch(self, epoch: int, logs: dict, probabilities: np.ndarray) -> bool:
        self.progress["history"].append(
            {
                "epoch": epoch + 1,
                **{name: round(float(logs[name]), 5) for name in ("loss", "accuracy", "val_loss", "val_accuracy")},
            }
        )
        self.progress["samples"]["probabilities"] = np.round(probabilities, 4).tolist()
        return self.send()

    def send(self) -> bool:
        self.sent = time.monotonic()
        self.progress["elapsed"] = round(self.sent - self.started, 2)
        self.stopped = self.stopped or not self.report(self.progress)
        return not self.stopped


def _callback(reporter: _Reporter, model_samples: np.ndarray):
    import keras

    class Progress(keras.callbacks.Callback):
        epoch_now = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_now = epoch

        def on_train_batch_end(self, batch, logs=None):
            if not reporter.batch(self.epoch_now, batch, logs or {}):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if reporter.stopped:  # a stopped epoch ends early; its figures would read as a whole epoch's
                return
            probabilities = keras.ops.softmax(self.model(model_samples, training=False)).numpy()
            if not reporter.epoch(epoch, logs or {}, probabilities):
                self.model.stop_training = True

    return Progress()


def _keras_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "network.keras"
        model.save(path)
        return path.read_bytes()


def train(settings: NetworkSettings, report: Report) -> Trained:
    """Train the network the settings describe, calling `report` with the progress, until done or `report` says stop."""
    import keras

    started = time.monotonic()
    keras.backend.clear_session()  # the previous job's models are no longer needed
    keras.utils.set_random_seed(settings.seed)
    training, validation, test = _data(settings)
    samples = datasets.Split(validation.images[:SAMPLES], validation.labels[:SAMPLES])
    model = build(settings)
    model.compile(
        optimizer=_optimizer(settings),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    reporter = _Reporter(report, settings, samples)
    reporter.send()
    model.fit(
        _inputs(training.images),
        training.labels,
        batch_size=settings.batch_size,
        epochs=settings.epochs,
        validation_data=(_inputs(validation.images), validation.labels),
        callbacks=[_callback(reporter, _inputs(samples.images))],
        verbose=0,
    )
    training_seconds = time.monotonic() - started
    predicted = np.argmax(model.predict(_inputs(test.images), batch_size=1000, verbose=0), axis=1)
    matrix = confusion_matrix(test.labels, predicted, tasks.get(settings.task).num_classes)
    per_class = (np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)).round(4).tolist()
    return Trained(
        status="stopped" if reporter.stopped else "finished",
        keras=_keras_bytes(model),
        tflite=to_litert(model),
        training_seconds=round(training_seconds, 2),
        test_accuracy=float(np.mean(predicted == test.labels)),
        metrics={"per_class_accuracy": per_class, "confusion_matrix": matrix.tolist()},
        progress=reporter.progress,
    )
