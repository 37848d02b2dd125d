"""A learner's own network, as plain data: its layers and training settings, checked, counted and priced; the presets.

The app builds these settings from its "Train your own" page and checks them here, without Keras; the
worker (classifier/train/learner.py) builds and trains the network they describe. Every check runs again in
the store when a job is created, so that a settings dict from anywhere is refused the same way.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from classifier.core import tasks
from classifier.core.errors import NetworkSettingsError

KINDS = ("mlp", "cnn")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
OPTIMIZERS = ("adam", "sgd")  # SGD with a momentum of MOMENTUM
POOLINGS = ("max", "average")
KERNELS = (3, 5)
MOMENTUM = 0.9
# (smallest, largest) of each number a learner chooses.
LAYERS_RANGE = (1, 3)
UNITS_RANGE = (16, 512)
FILTERS_RANGE = (8, 64)
DROPOUT_RANGE = (0.0, 0.8)
LEARNING_RATE_RANGE = (1e-4, 0.5)
BATCH_RANGE = (8, 1024)
EPOCHS_RANGE = (1, 100)
IMAGES_MIN = 1_000
SEED_RANGE = (0, 2**31 - 1)
# The most a job may cost, in parameters x training images x epochs: about ten minutes of one core, so
# that one learner cannot hold a class's worker for long (the tutorial CNN on every training image for
# ten epochs is 1.1e11).
MAX_COST = 150_000_000_000
# Training speed with one thread on the 2-core machine this was measured on, in forward multiply-adds per
# second (a training step costs about three forward passes), and a job's fixed cost: the data, building
# the network, scoring the test set and converting it. Fitted to bench/learner.py's jobs (docs/benchmarks.md,
# "Training your own network"); the page shows the result as an estimate.
MULTIPLY_ADDS_PER_SECOND = {"mlp": 4.0e9, "cnn": 2.5e10}
SETUP_SECONDS = 1.0
IMAGE_SIDE = 28


@dataclass(frozen=True)
class NetworkSettings:
    """What a learner chose: the task, the network's layers, and how it is trained."""

    task: str = "digits"
    kind: str = "mlp"
    hidden: tuple[int, ...] = (128,)  # MLP: the units of each hidden Dense layer
    activation: str = "relu"
    dropout: float = 0.0  # after each hidden Dense layer and each convolution block
    filters: tuple[int, ...] = (16, 32)  # CNN: the filters of each convolution block (convolution, then pooling)
    kernel: int = 3  # CNN: the side of each convolution's square kernel
    pooling: str = "max"  # CNN: 2x2 max or average pooling after each convolution
    dense: int = 128  # CNN: the units of the Dense layer before the output
    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    epochs: int = 3
    images: int = 10_000  # training images, taken at random (by `seed`) from the training split
    seed: int = 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict) -> NetworkSettings:
        """Settings from a dict (e.g. a page's form or stored JSON); unknown or mistyped fields are refused."""
        if not isinstance(values, dict):
            raise NetworkSettingsError("The network's settings must be a mapping of names to values.")
        fields = {field.name: field for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise NetworkSettingsError(f"Unknown settings: {', '.join(unknown)}.")
        chosen = {}
        for name, value in values.items():
            default = fields[name].default
            try:
                if isinstance(default, tuple):
                    chosen[name] = tuple(int(item) for item in value)
                elif isinstance(default, bool) or not isinstance(default, int | float | str):
                    chosen[name] = value
                else:
                    chosen[name] = type(default)(value)
            except (TypeError, ValueError) as error:
                raise NetworkSettingsError(f"The setting {name} = {value!r} is not a {type(default).__name__}.") from error
        return cls(**chosen)

    @classmethod
    def from_json(cls, text: str) -> NetworkSettings:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as error:
            raise NetworkSettingsError(f"The network's settings are not readable JSON ({error}).") from error

    def layers(self) -> list[str]:
        """The network, a layer a line, as a learner reads it: e.g. ["Flatten 784", "Dense 128, relu", "Dense 10"]."""
        classes = tasks.get(self.task).num_classes
        dropout = [f"Dropout {self.dropout:g}"] if self.dropout > 0 else []
        if self.kind == "mlp":
            hidden = [line for units in self.hidden for line in (f"Dense {units}, {self.activation}", *dropout)]
            return [f"Flatten {IMAGE_SIDE * IMAGE_SIDE}", *hidden, f"Dense {classes}"]
        side, lines = IMAGE_SIDE, []
        for filters in self.filters:
            side //= 2
            pooling = "MaxPool" if self.pooling == "max" else "AveragePool"
            lines += [f"Conv {filters} x {self.kernel}x{self.kernel}, {self.activation}", f"{pooling} 2x2 -> {side}x{side}"]
            lines += dropout
        flat = side * side * self.filters[-1]
        return [*lines, f"Flatten {flat}", f"Dense {self.dense}, {self.activation}", *dropout, f"Dense {classes}"]


def training_split_size(task: str) -> int:
    """How many training images a task has once its validation images are held out."""
    spec = tasks.get(task)
    return spec.dataset.train_size - spec.validation_size


def _shape(settings: NetworkSettings) -> list[tuple[int, int, int]]:
    """(inputs, outputs, multiply-adds per image) of each layer with weights."""
    classes = tasks.get(settings.task).num_classes
    if settings.kind == "mlp":
        sizes = [IMAGE_SIDE * IMAGE_SIDE, *settings.hidden, classes]
        return [(inputs, outputs, inputs * outputs) for inputs, outputs in zip(sizes, sizes[1:])]
    layers, side, channels = [], IMAGE_SIDE, 1
    for filters in settings.filters:
        inputs = settings.kernel * settings.kernel * channels
        layers.append((inputs, filters, side * side * inputs * filters))
        side, channels = side // 2, filters
    flat = side * side * channels
    layers += [(flat, settings.dense, flat * settings.dense), (settings.dense, classes, settings.dense * classes)]
    return layers


def parameters(settings: NetworkSettings) -> int:
    """Weights and biases, as Keras counts them."""
    return sum(inputs * outputs + outputs for inputs, outputs, _ in _shape(settings))


def multiply_adds(settings: NetworkSettings) -> int:
    """Multiply-adds of one image's forward pass."""
    return sum(work for _, _, work in _shape(settings))


def cost(settings: NetworkSettings) -> int:
    """What the cap limits: parameters x training images x epochs."""
    return parameters(settings) * settings.images * settings.epochs


def estimated_seconds(settings: NetworkSettings, threads: int = 1) -> float:
    """About how long the worker takes: three forward passes' work per training image and epoch, plus validation."""
    per_second = MULTIPLY_ADDS_PER_SECOND[settings.kind] * max(1, threads) ** 0.7
    validation = tasks.get(settings.task).validation_size
    work = multiply_adds(settings) * settings.epochs * (3 * settings.images + validation)
    return SETUP_SECONDS + work / per_second


def _within(name: str, value: float, limits: tuple[float, float]) -> list[str]:
    low, high = limits
    return [] if low <= value <= high else [f"{name} is {value:g}; choose from {low:g} to {high:g}."]


def problems(settings: NetworkSettings) -> list[str]:
    """Every setting out of range, each a sentence that names it and what is allowed; empty when all are fine."""
    if settings.task not in tasks.names():
        return [f"The task {settings.task!r} does not exist; choose one of {', '.join(tasks.names())}."]
    found = []
    for name, value, choices in (
        ("The network", settings.kind, KINDS),
        ("The activation", settings.activation, ACTIVATIONS),
        ("The optimiser", settings.optimizer, OPTIMIZERS),
        ("The pooling", settings.pooling, POOLINGS),
        ("The kernel size", settings.kernel, KERNELS),
    ):
        if value not in choices:
            found.append(f"{name} {value!r} is not one of {', '.join(str(choice) for choice in choices)}.")
    layers = settings.hidden if settings.kind == "mlp" else settings.filters
    found += _within("The number of layers" if settings.kind == "mlp" else "The number of blocks", len(layers), LAYERS_RANGE)
    for units in settings.hidden if settings.kind == "mlp" else ():
        found += _within("A hidden layer's units", units, UNITS_RANGE)
    if settings.kind == "cnn":
        for filters in settings.filters:
            found += _within("A block's filters", filters, FILTERS_RANGE)
        found += _within("The dense layer's units", settings.dense, UNITS_RANGE)
    found += _within("The dropout", settings.dropout, DROPOUT_RANGE)
    found += _within("The learning rate", settings.learning_rate, LEARNING_RATE_RANGE)
    found += _within("The batch size", settings.batch_size, BATCH_RANGE)
    found += _within("The number of epochs", settings.epochs, EPOCHS_RANGE)
    found += _within("The number of training images", settings.images, (IMAGES_MIN, training_split_size(settings.task)))
    found += _within("The seed", settings.seed, SEED_RANGE)
    return found


def within_cap(settings: NetworkSettings) -> tuple[int, int]:
    """The most epochs, and the most training images, that keep these settings within MAX_COST (the other kept)."""
    return (
        math.floor(MAX_COST / (parameters(settings) * settings.images)),
        math.floor(MAX_COST / (parameters(settings) * settings.epochs)),
    )


def over_cap(settings: NetworkSettings) -> str | None:
    """Why a job costs too much and what to lower, or None when it is within MAX_COST."""
    spent = cost(settings)
    if spent <= MAX_COST:
        return None
    epochs, images = within_cap(settings)
    ways = []
    if epochs >= 1:
        ways.append(f"the epochs to {epochs}")
    if images >= IMAGES_MIN:
        ways.append(f"the training images to {images:,}")
    ways.append("the network (fewer units, filters or layers)")
    return (
        f"This network would cost {spent:.2e} (parameters x images x epochs), over this app's cap of {MAX_COST:.1e}. "
        f"Lower {', or '.join(ways)}."
    )


def check(settings: NetworkSettings) -> None:
    """Raise NetworkSettingsError naming every problem, or the cost over the cap."""
    found = problems(settings)
    if found:
        raise NetworkSettingsError(" ".join(found))
    too_much = over_cap(settings)
    if too_much:
        raise NetworkSettingsError(too_much)


# Starting points on the page. The tutorials' networks are as they wrote them (the TensorFlow Fashion-MNIST
# MLP, and the MNIST CNN of ../shared/seeds/002); "shipped" ones have the served models' shapes, without
# their batch normalisation.
PRESETS = {
    "quick": NetworkSettings(task="digits", kind="mlp", hidden=(32,), images=2_000, epochs=2, batch_size=64),
    "tutorial-fashion-mlp": NetworkSettings(task="fashion", kind="mlp", hidden=(128,), epochs=10, images=55_000),
    "tutorial-digits-cnn": NetworkSettings(
        task="digits", kind="cnn", filters=(16, 32), dense=128, batch_size=64, epochs=5, images=55_000
    ),
    "overfit": NetworkSettings(task="digits", kind="mlp", hidden=(512, 512), images=1_000, epochs=60, dropout=0.0),
    "shipped-digits-mlp": NetworkSettings(task="digits", kind="mlp", hidden=(256,), dropout=0.1, epochs=10, images=55_000),
    "shipped-fashion-mlp": NetworkSettings(task="fashion", kind="mlp", hidden=(128,), dropout=0.2, epochs=10, images=55_000),
    "shipped-fashion-cnn": NetworkSettings(
        task="fashion", kind="cnn", filters=(24, 48), dense=128, dropout=0.3, batch_size=64, epochs=5, images=30_000
    ),
}
