"""The two architectures, as Keras Sequential models: the tutorial MLP and a widened tutorial CNN."""

from __future__ import annotations

import keras
from keras import layers

from classifier.settings import IMAGE_SIZE

num_classes = 10


def dense_head(dropout_rate: float) -> list[layers.Layer]:
    """The tutorials' Dense(128, relu) -> Dense(10), with batch normalisation before the ReLU and dropout after it."""
    return [
        layers.Dense(128, use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dropout(dropout_rate),
        layers.Dense(num_classes),
    ]


def build_mlp() -> keras.Sequential:
    """The tutorial's Flatten -> Dense(128, relu) -> Dense(10), with batch normalisation and dropout.

    In 50-epoch trials here on Fashion-MNIST, dropout alone reached 89.5 % and dropout with batch
    normalisation 89.7 % (the tutorial reports 88.6 % without either). The layer sizes are the tutorial's.
    """
    input_shape = (IMAGE_SIZE, IMAGE_SIZE, 1)
    dropout_rate = 0.2
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Flatten(),
            *dense_head(dropout_rate),
        ],
        name="mlp",
    )


def build_cnn() -> keras.Sequential:
    """The MNIST tutorial's two convolution blocks, widened and regularised.

    The tutorial has Conv(16) -> Pool -> Conv(32) -> Pool -> Dense(128) -> Dense(10). Here the blocks
    have 32 and 64 filters, each convolution and the Dense(128) are followed by batch normalisation,
    and dropout follows each block and the Dense(128). Without batch normalisation, Fashion-MNIST
    stopped at 92.6 % after 15 epochs.
    """
    input_shape = (IMAGE_SIZE, IMAGE_SIZE, 1)
    block_dropout_rate = 0.25
    head_dropout_rate = 0.4

    def conv_block(filters: int) -> list[layers.Layer]:
        return [
            layers.Conv2D(filters, kernel_size=(3, 3), padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Dropout(block_dropout_rate),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            *conv_block(32),
            *conv_block(64),
            layers.Flatten(),
            *dense_head(head_dropout_rate),
        ],
        name="cnn",
    )


BUILDERS = {"cnn": build_cnn, "mlp": build_mlp}
