"""The IDX reader accepts valid files and names the file on anything corrupt or truncated."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from classifier import DataError
from classifier.core.idx import encode_idx, parse_idx, read_idx


def test_a_valid_file_round_trips(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(encode_idx(images))
    assert np.array_equal(read_idx(path), images)


def test_a_gzipped_file_is_read_too(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(encode_idx(labels)))
    assert np.array_equal(read_idx(path), labels)


def test_a_truncated_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(encode_idx(np.zeros((10, 28, 28), dtype=np.uint8))[:-100])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte is truncated"):
        read_idx(path)


def test_a_wrong_magic_number_is_refused_with_its_name(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x0d\x01" + (5).to_bytes(4, "big") + bytes(20))
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte is not an IDX file"):
        read_idx(path)


def test_a_header_cut_short_is_refused():
    with pytest.raises(DataError, match="truncated"):
        parse_idx(b"\x00\x00\x08\x03\x00\x00", name="short")
