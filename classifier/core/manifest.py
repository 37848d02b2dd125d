"""The manifest of shipped model files and their SHA-256 digests, which loading checks."""

from __future__ import annotations

import json
from pathlib import Path

from classifier.core import settings
from classifier.core.errors import ModelFileError
from classifier.core.files import sha256, write_atomically

# The files one trained model is shipped as: the Keras model, its LiteRT twin, what training wrote,
# its calibration and domain check (classifier/serve/domain.py) and its nearest-neighbour index
# (classifier/serve/explain.py).
SUFFIXES = (".keras", ".tflite", ".history.csv", ".metrics.json", ".domain.npz", ".neighbours.npz")


def _manifest_path(models_dir: Path | None) -> Path:
    return Path(models_dir or settings.MODELS_DIR) / settings.MANIFEST_FILE


def read(models_dir: Path | None = None) -> dict[str, str]:
    """Return {file name: SHA-256} for every shipped model file; empty when there is no manifest."""
    path = _manifest_path(models_dir)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as error:
        raise ModelFileError(f"The model manifest {path} is damaged ({error}). Retrain a model to rewrite it.") from error


def record(task: str, model_kind: str, models_dir: Path | None = None) -> None:
    """Record the digests of one model's files that exist (dropping the others), keeping the other models' entries."""
    entries = read(models_dir)
    for suffix in SUFFIXES:
        path = settings.model_path(task, model_kind, suffix, models_dir)
        if path.exists():
            entries[path.name] = sha256(path.read_bytes())
        else:
            entries.pop(path.name, None)
    write_atomically(_manifest_path(models_dir), (json.dumps(dict(sorted(entries.items())), indent=1) + "\n").encode())


def verified_bytes(path: Path, task: str, model_kind: str, recreate: str | None = None) -> bytes:
    """Read a model file and check it against the manifest; raise ModelFileError naming the fix (`recreate`)."""
    recreate = recreate or settings.recreate_hint(task, model_kind)
    try:
        content = path.read_bytes()
    except FileNotFoundError as error:
        raise ModelFileError(f"The model file {path} is missing. {recreate}") from error
    except OSError as error:
        raise ModelFileError(f"The model file {path} cannot be read ({error}). {recreate}") from error
    expected = read(path.parent).get(path.name)
    if expected is None:
        raise ModelFileError(f"The model file {path} is not listed in {settings.MANIFEST_FILE}. {recreate}")
    if sha256(content) != expected:
        raise ModelFileError(
            f"The model file {path} is damaged: its SHA-256 does not match {settings.MANIFEST_FILE}. "
            f"Restore it with `git checkout -- {path.name}` in {path.parent}, or {recreate[0].lower()}{recreate[1:]}"
        )
    return content
