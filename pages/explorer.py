"""Test-set explorer: test images with the model's answers, as in the tutorial's 5x3 figure, and the confusion matrix."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier import ClassifierError
from classifier.settings import CLASS_NAMES, MODEL_KINDS, TASKS
from ui.charts import confusion_chart, probability_chart
from ui.loaders import get_test_images, get_test_probabilities
from ui.pictures import pixelated

ROWS, COLUMNS = 5, 3

st.title("Test-set explorer")
st.write(
    "Test images the models never saw in training, with each answer as in the TensorFlow tutorial: "
    '"predicted NN% (true)", blue when right and red when wrong, and the ten probabilities.'
)


def controls() -> tuple[str, str, bool]:
    with st.sidebar:
        task = st.segmented_control("Dataset", TASKS, default="digits", key="explorer_task") or "digits"
        model_kind = (
            st.segmented_control("Model", MODEL_KINDS, default="cnn", format_func=str.upper, key="explorer_model") or "cnn"
        )
        mistakes_only = st.toggle("Mistakes only", key="mistakes_only")
        if st.button("New random draw", icon=":material/casino:"):
            st.session_state["draw_seed"] = int(np.random.default_rng().integers(1 << 31))
    return task, model_kind, mistakes_only


def image_grid(task: str, images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, mistakes_only: bool) -> None:
    """A 5x3 grid of test images, each with its caption coloured by right or wrong and its probability chart."""
    predicted = probabilities.argmax(axis=1)
    candidates = np.flatnonzero(predicted != labels) if mistakes_only else np.arange(len(labels))
    if len(candidates) == 0:
        st.success("The model gets every one of these images right.")
        return
    rng = np.random.default_rng(st.session_state.get("draw_seed", 0))
    shown = rng.choice(candidates, size=min(ROWS * COLUMNS, len(candidates)), replace=False)
    names = CLASS_NAMES[task]
    for row_start in range(0, len(shown), COLUMNS):
        for column, index in zip(st.columns(COLUMNS), shown[row_start : row_start + COLUMNS]):
            with column:
                guess, truth = int(predicted[index]), int(labels[index])
                colour = "blue" if guess == truth else "red"
                picture_column, chart_column = st.columns([1, 2])
                picture_column.image(pixelated(images[index] / 255.0, 84))
                picture_column.markdown(f":{colour}[{names[guess]} {100 * probabilities[index, guess]:.0f}% ({names[truth]})]")
                chart_column.altair_chart(
                    probability_chart(probabilities[index], names, guess, truth, height=110, compact=True), width="stretch"
                )


def confusion(task: str, labels: np.ndarray, probabilities: np.ndarray) -> None:
    """Where the model goes wrong: the confusion matrix of the images shown."""
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (labels.astype(int), probabilities.argmax(axis=1)), 1)
    accuracy = np.trace(matrix) / matrix.sum()
    st.subheader(f"Confusion matrix: {100 * accuracy:.2f} % right on {matrix.sum():,} images")
    st.altair_chart(confusion_chart(matrix, CLASS_NAMES[task]), width="stretch")


task, model_kind, mistakes_only = controls()
images, labels, source = get_test_images(task)
st.caption(f"Images from {source}.")
try:
    probabilities = get_test_probabilities(task, model_kind)
except ClassifierError as error:
    st.error(f"The {model_kind.upper()} model cannot be loaded: {error}")
    st.stop()
image_grid(task, images, labels, probabilities, mistakes_only)
confusion(task, labels, probabilities)
