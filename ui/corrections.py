"""Confirming or correcting an answer, and the store it goes to (shared by the Draw and Your handwriting pages)."""

from __future__ import annotations

import hashlib
import uuid

import numpy as np
import streamlit as st

from classifier import Classifier, ClassifierError, Prediction
from classifier.core.errors import StoreError
from classifier.serve.adapt import Adapter
from classifier.store.corrections import Correction, CorrectionStore
from ui.i18n import _, class_names, per_language

SESSION_ID_KEY = "anonymous_session_id"
# The drawings this session stored, by a digest of their 28x28 image: each is stored once.
SAVED_KEY = "saved_drawings"
# Each model's adapter to this session's drawings, with the SAVED_KEY keys of the drawings it was made from.
ADAPTERS_KEY = "adapters"


@st.cache_resource(show_spinner=False)
def get_store() -> CorrectionStore:
    """The corrections store of $CLASSIFIER_DATABASE_URL (SQLite in the data folder by default), opened once.

    A failure is not cached: the next rerun tries again, so a database that comes back is used.
    """
    return CorrectionStore()


def session_id() -> str:
    """An anonymous id for this browser session: random, never linked to a person."""
    return st.session_state.setdefault(SESSION_ID_KEY, uuid.uuid4().hex)


def _store(correction: Correction) -> bool:
    try:
        get_store().add(correction)
    except StoreError as error:
        st.error(_("Could not save it: {error}").format(error=error), icon=":material/database:")
        return False
    return True


def _saved(label: str) -> None:
    st.success(_("Saved as {label}. It is on the Your handwriting page.").format(label=label), icon=":material/check:")


def my_adapter(classifier: Classifier) -> Adapter | None:
    """An adapter from the drawings this session stored (classifier/serve/adapt.py), made again only when they change.

    None when there are none yet, or when they cannot be read (the page then says why and answers unadapted).
    """
    saved = tuple(st.session_state.setdefault(SAVED_KEY, {}))
    if not saved:
        return None
    cache = st.session_state.setdefault(ADAPTERS_KEY, {})
    if cache.get(classifier.model_kind, (None, None))[0] != saved:
        try:
            mine = get_store().corrections(classifier.task, session_id(), drawings=False)
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
        cache[classifier.model_kind] = (saved, adapter)
    return cache[classifier.model_kind][1]


def correction_box(classifier: Classifier, prediction: Prediction, drawing: np.ndarray | None) -> None:
    """Ask whether the answer is right; store the drawing only when the user confirms or corrects it."""
    names = class_names(classifier.class_names)
    key = hashlib.sha256(prediction.image28.tobytes()).hexdigest()
    saved = st.session_state.setdefault(SAVED_KEY, {})
    if key in saved:
        _saved(names[saved[key]])
        return
    st.caption(
        _(
            "Is the answer right? Nothing is stored until you press a button. Then the 28x28 image, your drawing, "
            "the model's answer and the right one are kept with an anonymous id for this browser session, nothing else."
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
        session_id(),
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
