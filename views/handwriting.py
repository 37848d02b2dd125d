"""Your handwriting: the drawings users confirmed or corrected, how well each model reads them, and an export."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier import ClassifierError
from classifier.core import tasks
from classifier.core.errors import StoreError
from classifier.core.settings import MODEL_KINDS
from classifier.serve.evaluation import confusion_matrix
from classifier.store.corrections import export_zip
from ui.charts import confusion_chart
from ui.corrections import SAVED_KEY, get_store
from ui.i18n import _, class_names
from ui.loaders import get_classifier, get_metrics
from ui.networks import get_network_store
from ui.pictures import grey28, pixel_figures
from ui.visitor import visitor_id

TASK = tasks.get("digits")
# The gallery shows the newest drawings, at most this many.
GALLERY = 60
# How many drawings and networks "Delete all my data" removed, shown once after the page reloads.
DELETED_KEY = "deleted_count"

st.title(_("Your handwriting"))
st.write(
    _(
        "Every drawing someone confirmed or corrected on the Draw page, with the right digit and what each model "
        "reads in it now: a small dataset of your own handwriting, and a measure of how well the networks read it."
    )
)

if DELETED_KEY in st.session_state:
    drawings, networks = st.session_state.pop(DELETED_KEY)
    st.success(_("Deleted {count} of your drawings and {networks} of your networks.").format(count=drawings, networks=networks))

whose = st.sidebar.segmented_control(
    _("Whose drawings"),
    ("mine", "everyone"),
    default="mine",
    format_func=lambda choice: _({"mine": "Mine", "everyone": "Everyone's"}[choice]),
    key="whose",
)
try:
    store = get_store()
    stored = store.corrections(TASK.name, visitor_id() if whose != "everyone" else None, drawings=False)
except StoreError as error:
    st.error(_("The stored drawings cannot be shown: {error}").format(error=error), icon=":material/database:")
    st.stop()

if not stored:
    st.info(_("Nothing is stored yet. On the Draw page, press “Yes” or correct an answer, and the drawing appears here."))
    st.stop()

images = np.stack([correction.image28 for correction in stored]).astype(np.float32) / 255.0
labels = np.array([correction.label for correction in stored])
names = class_names(TASK.class_names)
answers = {}
for column, model_kind in zip(st.columns(len(MODEL_KINDS)), MODEL_KINDS):
    try:
        answers[model_kind] = np.argmax(get_classifier(TASK.name, model_kind).predict_batch(images), axis=1)
    except ClassifierError as error:
        column.error(_("The {model} cannot answer: {error}").format(model=model_kind.upper(), error=error))
        continue
    mnist = get_metrics(TASK.name, model_kind).get("test_accuracy")
    column.metric(
        _("{model} on these {count} drawings").format(model=model_kind.upper(), count=len(stored)),
        f"{100 * np.mean(answers[model_kind] == labels):.1f} %",
        delta=None if mnist is None else _("{accuracy} on the MNIST test set").format(accuracy=f"{100 * mnist:.2f} %"),
        delta_color="off",
    )

if answers:
    model_kind = next(iter(answers))
    st.subheader(_("Where the {model} goes wrong").format(model=model_kind.upper()))
    titles = {"true": _("true"), "predicted": _("predicted"), "count": _("images")}
    matrix = confusion_matrix(labels, answers[model_kind], TASK.num_classes)
    st.altair_chart(confusion_chart(matrix, names, titles, height=300), width="stretch")

st.subheader(_("The drawings"))
newest = list(range(len(stored)))[::-1][:GALLERY]
pixel_figures(
    [grey28(images[index]) for index in newest],
    84,
    [
        " · ".join([names[labels[index]], *(f"{kind.upper()} {names[answers[kind][index]]}" for kind in answers)])
        for index in newest
    ],
)

export_column, delete_column = st.columns(2)
export_column.download_button(
    _("Export (MNIST IDX files, PNG and CSV)"),
    # Made only when the button is pressed, not on every rerun of the page.
    lambda: export_zip(stored, TASK.dataset.name),
    file_name="handwriting.zip",
    mime="application/zip",
    icon=":material/download:",
    help=_(
        "Unzip it and run `python -m classifier evaluate --task digits --model cnn --data-dir FOLDER` to score a model on it."
    ),
)
if delete_column.button(
    _("Delete all my data"),
    icon=":material/delete:",
    key="delete_mine",
    help=_("Every drawing you stored and every network you trained, from this browser."),
):
    try:
        deleted = (store.delete_session(visitor_id()), get_network_store().delete_visitor(visitor_id()))
    except StoreError as error:
        st.error(str(error))
    else:
        st.session_state[SAVED_KEY] = {}
        st.session_state[DELETED_KEY] = deleted
        st.rerun()
