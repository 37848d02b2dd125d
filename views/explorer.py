"""Test-set explorer: test images with the model's answers, as in the tutorial's 5x3 figure, and the confusion matrix."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier import ClassifierError
from classifier.core import tasks
from classifier.core.settings import MODEL_KINDS
from classifier.serve.evaluation import confusion_matrix
from ui.charts import answer_colour, confusion_chart, probability_chart
from ui.i18n import _, class_names
from ui.loaders import get_test_images, get_test_probabilities
from ui.pictures import grey28, pixel_figure

ROWS, COLUMNS = 5, 3

st.title(_("Test-set explorer"))
st.write(
    _(
        "Test images the models never saw in training, with each answer as in the TensorFlow tutorial: "
        '"predicted NN% (true)", blue when right and red when wrong, and the ten probabilities.'
    )
)


def controls() -> tuple[str, str, bool]:
    with st.sidebar:
        task = st.segmented_control(
            _("Dataset"),
            tasks.names(),
            default="digits",
            format_func=lambda name: tasks.get(name).dataset.title,
            key="explorer_task",
        )
        model_kind = (
            st.segmented_control(_("Model"), MODEL_KINDS, default="cnn", format_func=str.upper, key="explorer_model") or "cnn"
        )
        mistakes_only = st.toggle(_("Mistakes only"), key="mistakes_only")
        if st.button(_("New random draw"), icon=":material/casino:"):
            st.session_state["draw_seed"] = int(np.random.default_rng().integers(1 << 31))
    return tasks.get(task or "digits"), model_kind, mistakes_only


def image_grid(task: tasks.Task, images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, mistakes_only: bool) -> None:
    """A 5x3 grid of test images, each with its caption coloured by right or wrong and its probability chart."""
    predicted = probabilities.argmax(axis=1)
    candidates = np.flatnonzero(predicted != labels) if mistakes_only else np.arange(len(labels))
    if len(candidates) == 0:
        st.success(_("The model gets every one of these images right."))
        return
    rng = np.random.default_rng(st.session_state.get("draw_seed", 0))
    shown = rng.choice(candidates, size=min(ROWS * COLUMNS, len(candidates)), replace=False)
    names = class_names(task.class_names)
    for row_start in range(0, len(shown), COLUMNS):
        for column, index in zip(st.columns(COLUMNS), shown[row_start : row_start + COLUMNS]):
            with column:
                guess, truth = int(predicted[index]), int(labels[index])
                colour = answer_colour(guess, truth)
                picture_column, chart_column = st.columns([1, 2])
                with picture_column:
                    pixel_figure(grey28(images[index] / 255.0), 84)
                picture_column.markdown(f":{colour}[{names[guess]} {100 * probabilities[index, guess]:.0f}% ({names[truth]})]")
                chart_column.altair_chart(
                    probability_chart(
                        probabilities[index], names, guess, truth, height=110, compact=True, axis_title=_("probability")
                    ),
                    width="stretch",
                )


def confusion(task: tasks.Task, labels: np.ndarray, probabilities: np.ndarray) -> None:
    """Where the model goes wrong: the confusion matrix of every loaded test image, not only those shown."""
    matrix = confusion_matrix(labels, probabilities.argmax(axis=1), task.num_classes)
    accuracy = np.trace(matrix) / matrix.sum()
    st.subheader(
        _("Confusion matrix: {percent} % right on {count} images").format(
            percent=f"{100 * accuracy:.2f}", count=f"{matrix.sum():,}"
        )
    )
    titles = {"true": _("true"), "predicted": _("predicted"), "count": _("images")}
    st.altair_chart(confusion_chart(matrix, class_names(task.class_names), titles), width="stretch")


task, model_kind, mistakes_only = controls()
images, labels, full = get_test_images(task.name)
if full:
    st.caption(
        _("Images from the full {dataset} test set ({count} images).").format(
            dataset=task.dataset.title, count=f"{len(labels):,}"
        )
    )
else:
    st.caption(
        _("Images from the shipped sample of {count} {dataset} test images (run `{command}` for all of them).").format(
            count=len(labels), dataset=task.dataset.title, command="python -m classifier fetch-data"
        )
    )
try:
    probabilities = get_test_probabilities(task.name, model_kind)
except ClassifierError as error:
    st.error(_("The {model} model cannot be loaded: {error}").format(model=model_kind.upper(), error=error))
    st.stop()
image_grid(task, images, labels, probabilities, mistakes_only)
confusion(task, labels, probabilities)
