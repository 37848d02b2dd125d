"""The corrections store: drawings that users confirmed or corrected, kept in the app's database.

The database (SQLite by default, PostgreSQL when its URL says so) is opened, made and upgraded by
classifier/store/database.py. Nothing is stored until a user confirms or corrects an answer; rows carry an
anonymous visitor id (random; the app keeps it in a browser cookie), never anything personal. Every
database failure is raised as StoreError with a message for the user.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from PIL import Image
from sqlalchemy import Column, DateTime, Integer, LargeBinary, MetaData, String, Table, select
from sqlalchemy.exc import SQLAlchemyError

from classifier.core import settings
from classifier.core.arrays import as_uint8
from classifier.store.database import Database

# The corrections table as the queries see it; the migrations, not this, make it.
CORRECTIONS = Table(
    "corrections",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True)),
    Column("session_id", String(64)),
    Column("task", String(32)),
    Column("model", String(16)),
    Column("model_digest", String(64)),
    Column("predicted", Integer),
    Column("label", Integer),
    Column("image28", LargeBinary),  # 784 bytes, uint8, row by row
    Column("drawing_png", LargeBinary, nullable=True),
)


@dataclass(frozen=True)
class Correction:
    """What the user said about one answer: `label` is the right class; equal to `predicted` when confirmed."""

    session_id: str
    task: str
    model: str
    model_digest: str
    predicted: int
    label: int
    image28: np.ndarray  # (28, 28) float in 0..1 or uint8
    drawing: np.ndarray | None = None  # what was drawn, stored as PNG
    id: int | None = None
    created_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.predicted == self.label


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class CorrectionStore(Database):
    """A database of corrections; safe to share between threads. Opening it creates or upgrades the schema."""

    def add(self, correction: Correction) -> int:
        """Store one correction; return its id."""
        row = {
            "created_at": correction.created_at or datetime.now(UTC),
            "session_id": correction.session_id,
            "task": correction.task,
            "model": correction.model,
            "model_digest": correction.model_digest,
            "predicted": int(correction.predicted),
            "label": int(correction.label),
            "image28": as_uint8(np.asarray(correction.image28)).tobytes(),
            "drawing_png": None if correction.drawing is None else _png(correction.drawing),
        }
        try:
            with self.engine.begin() as connection:
                (row_id,) = connection.execute(CORRECTIONS.insert().values(row)).inserted_primary_key
                return int(row_id)
        except SQLAlchemyError as error:
            raise self._fail("store the correction", error) from error

    def corrections(self, task: str, session_id: str | None = None, drawings: bool = True) -> list[Correction]:
        """The stored corrections of a task, oldest first; only one session's when `session_id` is given.

        With `drawings=False` the drawings are neither read nor decoded (`drawing` is None): for callers
        that need only the 28x28 images and labels.
        """
        columns = [column for column in CORRECTIONS.columns if drawings or column.name != "drawing_png"]
        query = select(*columns).where(CORRECTIONS.c.task == task).order_by(CORRECTIONS.c.id)
        if session_id is not None:
            query = query.where(CORRECTIONS.c.session_id == session_id)
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).all()
        except SQLAlchemyError as error:
            raise self._fail("be read", error) from error
        return [
            Correction(
                row.session_id,
                row.task,
                row.model,
                row.model_digest,
                row.predicted,
                row.label,
                np.frombuffer(row.image28, dtype=np.uint8).reshape(settings.IMAGE_SIZE, settings.IMAGE_SIZE),
                None if not drawings or row.drawing_png is None else np.asarray(Image.open(io.BytesIO(row.drawing_png))),
                row.id,
                row.created_at,
            )
            for row in rows
        ]

    def delete_session(self, session_id: str) -> int:
        """Delete every correction of one session; return how many there were."""
        try:
            with self.engine.begin() as connection:
                return connection.execute(CORRECTIONS.delete().where(CORRECTIONS.c.session_id == session_id)).rowcount
        except SQLAlchemyError as error:
            raise self._fail("delete the drawings", error) from error


def export_zip(corrections: list[Correction], dataset: str) -> bytes:
    """The corrections as a zip: `<dataset>/t10k-*` IDX files that `python -m classifier evaluate --data-dir`
    reads as the task's test set, and `png/` with `labels.csv` for everything else."""
    from classifier.core.idx import encode_idx

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        images = np.stack([correction.image28 for correction in corrections]) if corrections else np.zeros((0, 28, 28), np.uint8)
        labels = np.array([correction.label for correction in corrections], dtype=np.uint8)
        archive.writestr(f"{dataset}/t10k-images-idx3-ubyte", encode_idx(images.astype(np.uint8)))
        archive.writestr(f"{dataset}/t10k-labels-idx1-ubyte", encode_idx(labels))
        lines = ["file,label,model,predicted,created_at"]
        for index, correction in enumerate(corrections):
            name = f"png/{index:05d}-{correction.label}.png"
            archive.writestr(name, _png(correction.image28))
            lines.append(f"{name},{correction.label},{correction.model},{correction.predicted},{correction.created_at}")
        archive.writestr("labels.csv", "\n".join(lines) + "\n")
    return buffer.getvalue()
