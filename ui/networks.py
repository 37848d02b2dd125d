"""Learners' own networks in the pages: the store they are kept in, serving one, and naming it on a page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from classifier.core.settings import MODEL_KINDS
from ui.i18n import _
from ui.loaders import get_classifier
from ui.visitor import has_stored, visitor_id

if TYPE_CHECKING:
    from classifier import Classifier
    from classifier.store.networks import Network, NetworkStore

# How a page names a learner's network among its model choices: this prefix and the network's id.
PREFIX = "net:"


@st.cache_resource(show_spinner=False)
def get_network_store() -> NetworkStore:
    """The networks' store (the corrections' database), opened once; a failure is not cached, so it is tried again."""
    from classifier.store.networks import NetworkStore

    return NetworkStore()


@st.cache_resource(show_spinner=_("Loading your network…"), max_entries=32)
def _learner_classifier(network_id: str, name: str, task: str) -> Classifier:
    from classifier import Classifier

    return Classifier.from_litert(task, name or network_id, get_network_store().model_bytes(network_id, "tflite"))


def usable_networks(task: str) -> list[Network]:
    """The visitor's networks of a task that can answer (finished, or stopped with what they learned), newest first.

    A visitor who has stored nothing has none: the Draw page then opens no database before its canvas is sent.
    """
    from classifier.core.errors import StoreError

    if not has_stored():
        return []
    try:
        mine = get_network_store().mine(visitor_id())
        return [network for network in mine if network.task == task and network.has_model]
    except StoreError:
        return []


def model_choice(network: Network) -> str:
    return f"{PREFIX}{network.id}"


def classifier_of(task: str, model_kind: str, networks: dict[str, Network]) -> Classifier:
    """A shipped model ("cnn", "mlp") or one of `networks` (by its model choice), loaded once per process."""
    if model_kind in MODEL_KINDS:
        return get_classifier(task, model_kind)
    network = networks[model_kind]
    return _learner_classifier(network.id, network.name, network.task)


def title_of(model_kind: str, networks: dict[str, Network]) -> str:
    """What a page calls a model: "CNN", "MLP", or the learner's name for their network."""
    if model_kind in MODEL_KINDS:
        return model_kind.upper()
    return _("Your network “{name}”").format(name=networks[model_kind].name or _("unnamed"))
