"""The benchmarks' results files (bench/results/*.json), which a rerun of part of a benchmark adds to."""

from __future__ import annotations

import json
from pathlib import Path


def measured_alike(path: Path, settings: dict) -> dict:
    """The results in `path` when they were measured with these `settings` (its top-level keys), else `settings` alone.

    A benchmark rerun for some of its parts (a task, a set) starts from this and replaces only those parts.
    """
    if path.exists():
        earlier = json.loads(path.read_text())
        if all(earlier.get(key) == value for key, value in settings.items()):
            return earlier
    return dict(settings)
