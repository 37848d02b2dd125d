"""Shared fixtures: the real test sets, shipped models, and images drawn or photographed from them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from classifier import datasets, load_classifier


@pytest.fixture(scope="session")
def mnist_test() -> datasets.Split:
    return datasets.load_split("mnist", "test")


@pytest.fixture(scope="session")
def fashion_test() -> datasets.Split:
    return datasets.load_split("fashion-mnist", "test")


@pytest.fixture(scope="session")
def digits_cnn():
    return load_classifier("digits", "cnn")


@pytest.fixture(scope="session")
def fashion_cnn():
    return load_classifier("fashion", "cnn")


def large_digit(digit28: np.ndarray, size: int = 280) -> np.ndarray:
    """A test digit rendered large as white ink on black, as the canvas draws it (RGBA)."""
    grey = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BILINEAR))
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


def png_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def imported_modules(importtime_log: str) -> set[str]:
    """The top-level packages that a process started with `python -X importtime` imported, from its log."""
    lines = importtime_log.splitlines()
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines if line.startswith("import time:") and "|" in line}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that fixtures can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
