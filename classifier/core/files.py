"""Files as this project reads and writes them: their SHA-256, and writes that a reader never sees half of."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256(content: bytes) -> str:
    """The SHA-256 of some bytes, as 64 hex digits: how model and data files are checked."""
    return hashlib.sha256(content).hexdigest()


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` in one step; an interrupted write leaves the old file (or none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        try:
            handle.write(content)
        except BaseException:
            os.unlink(handle.name)
            raise
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)
