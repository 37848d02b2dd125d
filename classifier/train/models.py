"""The two architectures, as Keras Sequential models: the tutorial MLP and a widened tutorial CNN; and the number reader.

Each builder takes the task, whose class count sets the output and whose `cnn` shape sets the CNN
(classifier/core/tasks.py). With training.py, the only module of the package that imports Keras: serving and
calibration run without it.
"""

from __future__ import annotations

import keras
from keras import layers

from classifier.core import tasks
from classifier.core.settings import IMAGE_SIZE
from classifier.serve import numbers

input_shape = (IMAGE_SIZE, IMAGE_SIZE, 1)


def dense_head(units: int, dropout_rate: float, num_classes: int) -> list[layers.Layer]:
    """The tutorials' Dense(units, relu) -> Dense(classes), with batch normalisation before the ReLU and dropout after it."""
    return [
        layers.Dense(units, use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dropout(dropout_rate),
        layers.Dense(num_classes),
    ]


def build_mlp(task: tasks.Task) -> keras.Sequential:
    """The tutorial's Flatten -> Dense(128, relu) -> Dense(10), with batch normalisation and the task's dropout.

    Batch normalisation as well as dropout, as on Fashion-MNIST the two together read better than dropout
    alone (docs/experiments.md, "Batch normalisation"). The hidden layer has the task's `mlp_units`: the
    tutorial's 128 for clothing, 256 for digits, which learn many writing styles too.
    """
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Flatten(),
            *dense_head(task.mlp_units, task.mlp_dropout, task.num_classes),
        ],
        name="mlp",
    )


def build_cnn(task: tasks.Task) -> keras.Sequential:
    """The MNIST tutorial's convolution blocks, as many and as wide as the task's `cnn` shape says, regularised.

    The tutorial has Conv(16) -> Pool -> Conv(32) -> Pool -> Dense(128) -> Dense(10). Here each
    convolution and the Dense(128) are followed by batch normalisation, and dropout follows each
    block and the Dense(128). A third block pools 7x7 maps to 3x3 (Keras drops the odd row and column,
    which lie in the empty border around a 20x20 digit). Batch normalisation: without it the clothing
    CNN stopped short of its goal (docs/experiments.md, "Batch normalisation").
    """
    shape = task.cnn

    def conv_block(filters: int) -> list[layers.Layer]:
        convolutions = []
        for _ in range(shape.convolutions_per_block):
            convolutions += [
                layers.Conv2D(filters, kernel_size=(3, 3), padding="same", use_bias=False),
                layers.BatchNormalization(),
                layers.Activation("relu"),
            ]
        return [*convolutions, layers.MaxPooling2D(pool_size=(2, 2)), layers.Dropout(shape.block_dropout)]

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            *(layer for filters in shape.filters for layer in conv_block(filters)),
            layers.Flatten(),
            *dense_head(tasks.HIDDEN_UNITS, shape.head_dropout, task.num_classes),
        ],
        name="cnn",
    )


BUILDERS = {"cnn": build_cnn, "mlp": build_mlp}


def build_number_reader(task: tasks.Task) -> keras.Model:
    """The number reader of a drawing task (classifier/serve/numbers.py): a line of touching digits -> per-frame logits.

    Three convolution blocks shrink the (LINE_HEIGHT, LINE_WIDTH) line to one column of 96 features
    per FRAME_WIDTH columns; two 1-D convolutions along the line (each frame then sees about 1.5 digits'
    width) and a Dense layer give each frame's logits for the task's classes and, last, BLANK ("between
    digits"), as CTC training wants them.
    """

    def block(filters: int, pool: tuple[int, int]) -> list[layers.Layer]:
        return [
            layers.Conv2D(filters, kernel_size=(3, 3), padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.MaxPooling2D(pool_size=pool),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=(numbers.LINE_HEIGHT, numbers.LINE_WIDTH, 1)),
            *block(32, (2, 2)),
            *block(64, (2, 2)),
            *block(96, (numbers.LINE_HEIGHT // 4, 1)),
            layers.Reshape((numbers.FRAMES, 96)),
            layers.Conv1D(128, kernel_size=5, padding="same", activation="relu"),
            layers.Dropout(0.2),
            layers.Conv1D(128, kernel_size=5, padding="same", activation="relu"),
            layers.Dense(task.num_classes + 1),
        ],
        name="number_reader",
    )


# The layers whose output a learner is shown (classifier/serve/explain.py), by Keras class: the activation
# after each convolution or the Dense(128) (after batch normalisation and ReLU), and each pooling (a learner's
# own network may pool by average).
SHOWN_LAYERS = {"Activation": "activation", "MaxPooling2D": "pooling", "AveragePooling2D": "pooling"}


def layer_output_name(index: int, layer: keras.layers.Layer) -> str:
    """The served output name of a shown layer: its position in the model and its kind, e.g. "layer_02_activation"."""
    return f"layer_{index:02d}_{SHOWN_LAYERS[type(layer).__name__]}"


def serving_model(model: keras.Model) -> keras.Model:
    """The model as it is served, with named outputs.

    "logits"; "features", what the last Dense layer reads (the penultimate layer's activations,
    which the domain check and the nearest training images use: classifier/serve/domain.py, explain.py);
    and one "layer_NN_kind" output per shown layer (SHOWN_LAYERS), so that a learner can see every
    layer's activity for their own drawing.
    """
    outputs = {"logits": model.outputs[0], "features": model.layers[-1].input}
    for index, layer in enumerate(model.layers):
        if type(layer).__name__ in SHOWN_LAYERS:
            outputs[layer_output_name(index, layer)] = layer.output
    return keras.Model(model.inputs, outputs)
