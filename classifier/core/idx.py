"""A small reader and writer for the IDX format that MNIST and Fashion-MNIST are stored in."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from classifier.core.errors import DataError

# The third byte of an IDX magic number names the element type; these datasets use only uint8.
_UNSIGNED_BYTE = 0x08


def parse_idx(content: bytes, name: str = "IDX data") -> np.ndarray:
    """Return the array an IDX file holds, or raise DataError naming the file on any damage."""
    if len(content) < 4:
        raise DataError(f"{name} is truncated: {len(content)} bytes, too short for an IDX header.")
    zero, zero_too, element_type, ndim = content[0], content[1], content[2], content[3]
    if zero != 0 or zero_too != 0 or element_type != _UNSIGNED_BYTE or not 1 <= ndim <= 3:
        raise DataError(
            f"{name} is not an IDX file of unsigned bytes (magic number {content[:4].hex()}). "
            "Delete it and run `python -m classifier fetch-data` again."
        )
    header_length = 4 + 4 * ndim
    if len(content) < header_length:
        raise DataError(f"{name} is truncated inside its header.")
    shape = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_length = header_length + int(np.prod(shape, dtype=np.int64))
    if len(content) != expected_length:
        raise DataError(
            f"{name} is {'truncated' if len(content) < expected_length else 'too long'}: its header "
            f"declares shape {shape} ({expected_length} bytes) but it holds {len(content)} bytes. "
            "Delete it and run `python -m classifier fetch-data` again."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header_length).reshape(shape)


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file, gzip-compressed or not."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(f"{path} does not exist. Run `python -m classifier fetch-data`.") from error
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError) as error:
            raise DataError(f"{path} is a damaged gzip file: {error}.") from error
    return parse_idx(content, name=str(path))


def encode_idx(array: np.ndarray) -> bytes:
    """Return the IDX bytes of a uint8 array; the inverse of parse_idx."""
    if array.dtype != np.uint8 or not 1 <= array.ndim <= 3:
        raise ValueError("encode_idx takes a uint8 array of one to three dimensions.")
    header = bytes([0, 0, _UNSIGNED_BYTE, array.ndim])
    header += b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return header + np.ascontiguousarray(array).tobytes()
