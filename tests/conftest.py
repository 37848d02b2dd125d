"""Shared fixtures: the real test sets, shipped models, small IDX datasets, and images drawn or photographed from them."""

from __future__ import annotations

import functools
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from classifier import load_classifier
from classifier.core import datasets, settings, tasks
from classifier.core.files import write_atomically
from classifier.core.idx import encode_idx
from classifier.store.networks import NetworkStore
from classifier.train import synthetic

# The handwriting style no model trains on, which "Adapt to my handwriting" is tested with, and its digit.
((ADAPTATION_STYLE, (ADAPTATION_DIGIT, _)),) = synthetic.ADAPTATION_STYLES.items()

# Tests that use these fixtures read the full datasets from ./data (`python -m classifier fetch-data`).
FULL_DATA_FIXTURES = {"mnist_test", "fashion_test"}
# The Debian packages that tests may name in `needs_debian`: those tests/run.sh installs.
DEBIAN_PACKAGES_FILE = Path(__file__).with_name("debian-packages.txt")
# The browser tests drive Debian's Chromium, with a font for the Chinese pages.
BROWSER_PACKAGES = ("chromium", "fonts-wqy-microhei")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what each test needs from its fixtures: the full datasets, PostgreSQL, Chromium."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        named = {value for value in params.values() if isinstance(value, str)}  # e.g. getfixturevalue(test_set)
        if FULL_DATA_FIXTURES & (fixtures | named):
            item.add_marker(pytest.mark.needs_data)
        if "postgres_url" in fixtures or params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.needs_postgres)
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.needs_debian(*BROWSER_PACKAGES))


@functools.cache
def _listed_packages() -> frozenset[str]:
    lines = DEBIAN_PACKAGES_FILE.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _installed(package: str) -> bool:
    return subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True).stdout.endswith(
        " installed"
    )


def _missing(item: pytest.Item) -> tuple[str, str] | None:
    """What this test needs and this machine lacks, and the command that installs it; None if nothing is missing."""
    packages = [package for marker in item.iter_markers("needs_debian") for package in marker.args]
    if item.get_closest_marker("needs_postgres"):
        packages.append("postgresql")
    unlisted = sorted(set(packages) - _listed_packages())
    if unlisted:
        pytest.fail(f"{item.nodeid} needs Debian packages that {DEBIAN_PACKAGES_FILE.name} does not list: {', '.join(unlisted)}")
    absent = sorted({package for package in packages if not _installed(package)})
    if absent:
        return f"the Debian packages {', '.join(absent)}", f"sudo apt-get install {' '.join(absent)}"
    if item.get_closest_marker("needs_data") and not all(datasets.is_fetched(task.dataset) for task in tasks.all_tasks()):
        return "the MNIST and Fashion-MNIST datasets in ./data", "python -m classifier fetch-data"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Outside CI, skip a test whose needs are missing and say how to install them; in CI (CI=true) fail it instead."""
    missing = _missing(item)
    if missing is None:
        return
    what, command = missing
    message = f"needs {what}: `{command}` (or `bash tests/run.sh`, which installs everything)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI runs every test, and this one {message}", pytrace=False)
    pytest.skip(message)


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


@pytest.fixture(autouse=True, scope="session")
def corrections_database(tmp_path_factory) -> str:
    """Tests store corrections in a database of their own, never in the user's data folder."""
    from classifier.store.database import DATABASE_URL_ENV

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'corrections.sqlite'}"
    os.environ[DATABASE_URL_ENV] = url
    return url


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the whole run (harness/postgres.py), started on a loopback port."""
    from harness.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty corrections database: an SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corrections.sqlite'}"
    import uuid

    import psycopg

    server = request.getfixturevalue("postgres_url")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + f"/{name}"


def write_idx_dataset(
    data_dir: Path, dataset: tasks.Dataset, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]
) -> Path:
    """Write (images, labels) pairs as a dataset's four IDX files under data_dir, as `fetch-data` would; return its folder."""
    folder = datasets.dataset_dir(dataset, data_dir)
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        write_atomically(folder / f"{prefix}-images-idx3-ubyte", encode_idx(images.astype(np.uint8)))
        write_atomically(folder / f"{prefix}-labels-idx1-ubyte", encode_idx(labels.astype(np.uint8)))
    return folder


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """A data folder holding each task's dataset cut down to its shipped sample: 240 training and 60 test images.

    Real images of every class, so that training tests run in seconds without the 70,000 downloaded ones.
    """
    folder = tmp_path_factory.mktemp("small-data")
    for task in tasks.all_tasks():
        sample = datasets.load_sample(task)
        order = np.random.default_rng(0).permutation(len(sample.labels))
        train, test = order[:240], order[240:]
        write_idx_dataset(
            folder, task.dataset, (sample.images[train], sample.labels[train]), (sample.images[test], sample.labels[test])
        )
    return folder


def large_digit(digit28: np.ndarray, size: int = 280) -> np.ndarray:
    """A test digit rendered large as white ink on black, as the canvas draws it (RGBA)."""
    grey = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BILINEAR))
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


def letter_drawing(letter: str, rng: np.random.Generator) -> np.ndarray:
    """A letter in Pillow's own font (not one the check was tuned on), white on a black canvas, at a random size and place."""
    canvas = Image.new("L", (settings.CANVAS_SIZE, settings.CANVAS_SIZE))
    size = int(rng.integers(120, 220))
    font = ImageFont.load_default(size=size)
    centre = tuple(int(v) for v in rng.integers(110, 170, size=2))
    ImageDraw.Draw(canvas).text(
        centre, letter, font=font, fill=255, anchor="mm", stroke_width=int(rng.integers(2, 9)), stroke_fill=255
    )
    grey = np.asarray(canvas)
    return np.dstack([grey, grey, grey])


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


def finish(store: NetworkStore, network_id: str, test_accuracy: float = 0.9, status: str = "finished") -> None:
    """What the worker does with a network: start it, then store its model."""
    assert store.start(network_id)
    stored = store.finish(
        network_id,
        status=status,
        keras=b"keras " + network_id.encode(),
        tflite=b"tflite " + network_id.encode(),
        training_seconds=12.5,
        test_accuracy=test_accuracy,
        metrics={"accuracy": test_accuracy},
        progress={"epoch": 2},
    )
    assert stored
