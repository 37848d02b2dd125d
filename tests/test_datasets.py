"""fetch-data takes verified files from a mirror, refuses a wrong checksum and leaves nothing half-written."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from classifier import DataError
from classifier.core import datasets, tasks


@pytest.fixture
def debian_mirror(tmp_path, monkeypatch, fashion_test):
    """A local copy of the Debian package's folder, made from the fetched real files."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in datasets.FILE_NAMES:
        content = (datasets.dataset_dir("fashion-mnist") / name).read_bytes()
        (mirror / f"{name}.gz").write_bytes(gzip.compress(content, compresslevel=1))
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_DIR", mirror)
    # No network: the download source fails at once if it is ever reached.
    monkeypatch.setattr(datasets, "_download", lambda url: (_ for _ in ()).throw(OSError("offline")))
    return mirror


def test_fetch_copies_and_verifies_the_four_files_from_a_local_mirror(tmp_path, debian_mirror):
    lines = []
    folder = datasets.fetch("fashion-mnist", tmp_path / "data", report=lines.append)
    assert sorted(path.name for path in folder.iterdir()) == sorted(datasets.FILE_NAMES)
    assert datasets.load_split("fashion-mnist", "test", tmp_path / "data").images.shape == (10000, 28, 28)
    assert any("Debian package" in line for line in lines)
    again = []
    datasets.fetch("fashion-mnist", tmp_path / "data", report=again.append)
    assert "4 of 4 files already present" in again[0]


def test_a_checksum_mismatch_is_refused_and_nothing_is_left_behind(tmp_path, debian_mirror):
    labels = debian_mirror / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(gzip.decompress(labels.read_bytes()))
    content[100] = (content[100] + 1) % 10
    labels.write_bytes(gzip.compress(bytes(content)))
    lines = []
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte"):
        datasets.fetch("fashion-mnist", tmp_path / "data", report=lines.append)
    assert any("SHA-256" in line and "t10k-labels-idx1-ubyte" in line for line in lines)
    folder = tmp_path / "data" / "fashion-mnist"
    assert not (folder / "t10k-labels-idx1-ubyte").exists()
    assert not any(path.name.startswith(".") for path in folder.iterdir())


def test_the_shipped_samples_are_labelled_test_images(mnist_test):
    sample = datasets.load_sample("digits")
    assert sample.images.shape[1:] == (28, 28) and len(sample.labels) >= 200
    assert sorted(set(sample.labels.tolist())) == list(range(10))


@pytest.mark.needs_data
@pytest.mark.parametrize("task", tasks.names())
def test_each_shipped_sample_holds_the_test_images_it_names(task):
    sample = np.load(datasets.sample_path(task))
    test = datasets.load_split(tasks.get(task).dataset, "test")
    indices = sample["test_indices"]
    assert np.array_equal(sample["images"], test.images[indices])
    assert np.array_equal(sample["labels"], test.labels[indices])
