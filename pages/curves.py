"""Training curves: loss and accuracy per epoch for every shipped model, with its test score and layers."""

from __future__ import annotations

import streamlit as st

from classifier import ClassifierError
from classifier.settings import DATASET_OF_TASK, DATASET_TITLES, MODEL_KINDS, TASKS
from ui.charts import training_curve_chart
from ui.loaders import get_history, get_metrics

TASK_NOUNS = {"digits": "Digits", "fashion": "Clothing"}
TASK_TITLES = {task: f"{TASK_NOUNS[task]} ({DATASET_TITLES[DATASET_OF_TASK[task]]})" for task in TASKS}

st.title("Training curves")
st.write(
    "How each shipped model learned: loss and accuracy per epoch on the training images and on the "
    "held-out validation images, then its score on the official 10,000-image test set and its layers. "
    "A validation curve that turns up while training goes down is overfitting. Training accuracy can sit "
    "below validation accuracy because training images are augmented and dropout is on while training."
)


def curves(task: str, model_kind: str) -> None:
    """Loss and accuracy per epoch, training vs validation."""
    try:
        history = get_history(task, model_kind)
    except ClassifierError as error:
        st.warning(str(error))
        return
    loss_column, accuracy_column = st.columns(2)
    loss_column.altair_chart(training_curve_chart(history, "loss"), width="stretch")
    accuracy_column.altair_chart(training_curve_chart(history, "accuracy"), width="stretch")


def scores_and_layers(task: str, model_kind: str) -> None:
    """Test accuracy and loss, training time, and the layer table with the parameter total."""
    try:
        metrics = get_metrics(task, model_kind)
    except ClassifierError as error:
        st.warning(str(error))
        return
    accuracy, loss, epochs, seconds = st.columns(4)
    accuracy.metric("Test accuracy", f"{100 * metrics['test_accuracy']:.2f} %")
    loss.metric("Test loss", f"{metrics['test_loss']:.4f}")
    epochs.metric("Epochs", metrics["epochs"])
    seconds.metric("Training time", f"{metrics['training_seconds'] / 60:.1f} min")
    with st.expander(f"Layers ({metrics['total_parameters']:,} parameters)"):
        rows = [
            {
                "layer": layer["name"],
                "type": layer["type"],
                "output shape": layer["output_shape"],
                "parameters": layer["parameters"],
            }
            for layer in metrics["layers"]
        ]
        rows.append({"layer": "total", "type": "", "output shape": "", "parameters": metrics["total_parameters"]})
        st.dataframe(rows, hide_index=True, width="stretch")


for task, tab in zip(TASKS, st.tabs([TASK_TITLES[task] for task in TASKS])):
    with tab:
        for model_kind in MODEL_KINDS:
            st.subheader(f"{TASK_TITLES[task]}: {model_kind.upper()}")
            curves(task, model_kind)
            scores_and_layers(task, model_kind)
