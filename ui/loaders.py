"""Cached loaders shared by every page and session (models, reports and test images), and the process's memory setting."""

from __future__ import annotations

import ctypes
import functools
import gc
import threading
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

import classifier
from classifier.core import datasets, reports, settings, tasks

if TYPE_CHECKING:
    from classifier import Classifier


# glibc's mallopt option, and the size from which a block gets its own memory map, given back when freed.
M_MMAP_THRESHOLD, MMAP_THRESHOLD = -3, 256 * 1024


@functools.cache
def return_freed_memory() -> None:
    """Have glibc give every freed block of 256 KB or more back to the system at once, for the process's life.

    By default glibc raises this threshold to the size of each large block freed (up to 32 MB), so that
    later blocks of that size (a batch of test images, a canvas, a chart's rows) are carved from the
    heap, whose freed gaps the process keeps. With this setting the app holds less memory after visiting every
    page, and about the same from one run to the next (docs/experiments.md, "Memory"). Elsewhere than glibc
    (macOS, musl) it does nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _warm_up() -> None:
    import altair  # noqa: F401  the charts (ui/charts.py), a fifth of a second to import
    import pandas  # noqa: F401  Streamlit sends a chart's rows through pandas and PyArrow
    import pyarrow  # noqa: F401

    import ui.corrections  # noqa: F401  SQLAlchemy and the store

    # Frozen, the objects of every module loaded so far are no longer looked at by Python's garbage
    # collections, which then cost a busy server less (see runner.postScriptGC in .streamlit/config.toml).
    gc.collect()
    gc.freeze()


@functools.cache
def warm_up_in_background() -> None:
    """Import what an answer needs (the engine, Altair, pandas and PyArrow, SQLAlchemy) in a thread, once per process.

    Called when the Draw page has been sent: the first visitor's browser is then still building the
    canvas, and they are drawing, instead of waiting on most of a second of imports before the page
    appears. The Draw page imports these modules where it uses them, and waits for this import if it
    is not done. (Two sessions starting at the same moment may both start it: harmless.)
    """
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()


@st.cache_resource(show_spinner="Loading the model…")
def get_classifier(task: str, model_kind: str) -> Classifier:
    """Load one model once per process and warm it up, so the first drawing is answered at once."""
    model = classifier.load_classifier(task, model_kind)
    model.predict_batch(np.zeros((1, settings.IMAGE_SIZE, settings.IMAGE_SIZE), dtype=np.float32))
    return model


@st.cache_data(show_spinner=False)
def get_history(task: str, model_kind: str) -> list[dict[str, float]]:
    return reports.load_history(task, model_kind)


@st.cache_data(show_spinner=False)
def get_metrics(task: str, model_kind: str) -> dict:
    return reports.load_metrics(task, model_kind)


@st.cache_resource(show_spinner="Loading test images…")
def get_test_images(task: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return test images, labels and whether they are the full test set (if fetched) or the shipped sample."""
    dataset = tasks.get(task).dataset
    if datasets.is_fetched(dataset):
        try:
            split = datasets.load_split(dataset, "test")
            return split.images, split.labels, True
        except datasets.DataError:
            pass
    split = datasets.load_sample(task)
    return split.images, split.labels, False


@st.cache_data(show_spinner="Classifying the test images…", max_entries=8)
def get_test_probabilities(task: str, model_kind: str) -> np.ndarray:
    images, _, _ = get_test_images(task)
    classifier = get_classifier(task, model_kind)
    # A thousand at a time, so that no 30 MB float copy of the test set is ever made.
    return np.concatenate(
        [classifier.predict_batch(images[start : start + 1000] / np.float32(255)) for start in range(0, len(images), 1000)]
    )
