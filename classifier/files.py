"""Writing files so that a reader never sees half of one: write a temporary file, then rename it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
