"""Training curves: loss and accuracy per epoch for every shipped model, with its test score and layers."""

from __future__ import annotations

import streamlit as st

from classifier import ClassifierError
from classifier.core import tasks
from classifier.core.settings import MODEL_KINDS
from ui.charts import training_curve_chart
from ui.i18n import _
from ui.loaders import get_history, get_metrics

st.title(_("Training curves"))
st.write(
    _(
        "How each shipped model learned: loss and accuracy per epoch on the training images and on the "
        "held-out validation images, then its score on the official 10,000-image test set and its layers. "
        "A validation curve that turns up while training goes down is overfitting. Training accuracy can sit "
        "below validation accuracy because training images are augmented and dropout is on while training."
    )
)
SPLITS = {"training": _("training"), "validation": _("validation")}


def curves(task: str, model_kind: str) -> None:
    """Loss and accuracy per epoch, training vs validation."""
    try:
        history = get_history(task, model_kind)
    except ClassifierError as error:
        st.warning(str(error))
        return
    loss_column, accuracy_column = st.columns(2)
    loss_column.altair_chart(training_curve_chart(history, "loss", _("loss"), _("epoch"), SPLITS), width="stretch")
    accuracy_column.altair_chart(training_curve_chart(history, "accuracy", _("accuracy"), _("epoch"), SPLITS), width="stretch")


def scores_and_layers(task: str, model_kind: str) -> None:
    """Test accuracy and loss, training time, and the layer table with the parameter total."""
    try:
        metrics = get_metrics(task, model_kind)
    except ClassifierError as error:
        st.warning(str(error))
        return
    accuracy, loss, epochs, seconds = st.columns(4)
    accuracy.metric(_("Test accuracy"), f"{100 * metrics['test_accuracy']:.2f} %")
    loss.metric(_("Test loss"), f"{metrics['test_loss']:.4f}")
    epochs.metric(_("Epochs"), metrics["epochs"])
    seconds.metric(_("Training time"), _("{minutes} min").format(minutes=f"{metrics['training_seconds'] / 60:.1f}"))
    with st.expander(_("Layers ({count} parameters)").format(count=f"{metrics['total_parameters']:,}")):
        rows = [
            {
                _("layer"): layer["name"],
                _("type"): layer["type"],
                _("output shape"): layer["output_shape"],
                _("parameters"): layer["parameters"],
            }
            for layer in metrics["layers"]
        ]
        rows.append({_("layer"): _("total"), _("type"): "", _("output shape"): "", _("parameters"): metrics["total_parameters"]})
        st.dataframe(rows, hide_index=True, width="stretch")


every_task = tasks.all_tasks()
for task, tab in zip(every_task, st.tabs([f"{_(task.title)} ({task.dataset.title})" for task in every_task])):
    with tab:
        for model_kind in MODEL_KINDS:
            st.subheader(f"{_(task.title)} ({task.dataset.title}): {model_kind.upper()}")
            curves(task.name, model_kind)
            scores_and_layers(task.name, model_kind)
