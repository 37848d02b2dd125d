"""Confirming or correcting an answer, and the store it goes to (shared by the Draw and Your handwriting pages)."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from classifier import Classifier, ClassifierError, Prediction
from classifier.core.arrays import as_uint8
from classifier.core.errors import StoreError
from classifier.serve.adapt import Adapter
from classifier.store.corrections import Correction, CorrectionStore
from ui.i18n import _, class_names, per_language
from ui.visitor import is_returning, keep_visitor_id, visitor_id

# The drawings this visitor stored, by a digest of their 28x28 image: each is stored once.
SAVED_KEY = "saved_drawings"
# The tasks whose stored drawings this session has read into SAVED_KEY (a returning visitor's, once a task).
READ_KEY = "saved_drawings_read"
# Each model's adapter (by the model's digest) to this visitor's drawings, with the SAVED_KEY keys of the
# drawings it was made from.
ADAPTERS_KEY = "adapters"


@st.cache_resource(show_spinner=False)
def get_store() -> CorrectionStore:
    """The corrections store of $CLASSIFIER_DATABASE_URL (SQLite in the data folder by default), opened once.

    A failure is not cached: the next rerun tries again, so a database that comes back is used.
    """
    return CorrectionStore()


def digest(image28: np.ndarray) -> str:
    """The key of a drawing in SAVED_KEY: a digest of its 28x28 image as the store keeps it (uint8)."""
    return hashlib.sha256(as_uint8(np.asarray(image28)).tobytes()).hexdigest()


def saved_drawings(task: str) -> dict[str, int]:
    """The drawings this visitor stored, {digest: label}; a returning visitor's stored ones are read once a session.

    So after a reload, a drawing stored before still shows "Saved" and adapting still uses it. When the
    store cannot be read, the session goes on with what it stored itself (the pages that list drawings say why).
    """
    saved = st.session_state.setdefault(SAVED_KEY, {})
    read = st.session_state.setdefault(READ_KEY, set())
    if task not in read and is_returning():
        try:
            stored = get_store().corrections(task, visitor_id(), drawings=False)
        except StoreError:
            return saved
        read.add(task)
        saved.update({digest(correction.image28): correction.label for correction in stored})
    return saved


def _store(correction: Correction) -> bool:
    try:
        get_store().add(correction)
    except StoreError as error:
        st.error(_("Could not save it: {error}").format(error=error), icon=":material/database:")
        return False
    keep_visitor_id()
    return True


def _saved(label: str) -> None:
    st.success(_("Saved as {label}. It is on the Your handwriting page.").format(label=label), icon=":material/check:")


def my_adapter(classifier: Classifier) -> Adapter | None:
    """An adapter from the drawings this visitor stored (classifier/serve/adapt.py), made again only when they change.

    None when there are none yet, or when they cannot be read (the page then says why and answers unadapted).
    """
    saved = tuple(saved_drawings(classifier.task))
    if not saved:
        return None
    cache = st.session_state.setdefault(ADAPTERS_KEY, {})
    if cache.get(classifier.digest, (None, None))[0] != saved:
        try:
            mine = get_store().corrections(classifier.task, visitor_id(), drawings=False)
            adapter = (
                classifier.adapter(
                    np.stack([correction.image28 for correction in mine]), [correction.label for correction in mine]
                )
                if mine
                else None
            )
        except (StoreError, ClassifierError) as error:
            st.warning(_("Cannot adapt to your handwriting: {error}").format(error=error), icon=":material/database:")
            return None
        cache[classifier.digest] = (saved, adapter)
    return cache[classifier.digest][1]


def correction_box(classifier: Classifier, prediction: Prediction, drawing: np.ndarray | None) -> None:
    """Ask whether the answer is right; store the drawing only when the user confirms or corrects it."""
    names = class_names(classifier.class_names)
    key = digest(prediction.image28)
    saved = saved_drawings(classifier.task)
    if key in saved:
        _saved(names[saved[key]])
        return
    st.caption(
        _(
            "Is the answer right? Nothing is stored until you press a button. Then the 28x28 image, your drawing, "
            "the model's answer and the right one are kept with an anonymous id that this browser keeps, nothing else."
        )
    )
    confirm_column, correct_column = st.columns(2)
    label = None
    if confirm_column.button(
        _("Yes, it is {answer}").format(answer=names[prediction.label]), key="confirm", icon=":material/thumb_up:"
    ):
        label = prediction.label
    with correct_column:
        right = st.selectbox(
            _("No, it was a …"),
            [None, *range(len(names))],
            format_func=lambda index: _("(choose)") if index is None else names[index],
            key=per_language("right_label"),
        )
        if st.button(_("Save the correction"), key="correct", disabled=right is None, icon=":material/edit:"):
            label = right
    if label is None:
        return
    correction = Correction(
        visitor_id(),
        classifier.task,
        classifier.model_kind,
        classifier.digest,
        prediction.label,
        label,
        prediction.image28,
        drawing,
    )
    if _store(correction):
        saved[key] = label
        _saved(names[label])
