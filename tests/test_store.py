"""The corrections store, against SQLite and a real PostgreSQL server: what is stored is what is read back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import zipfile

import numpy as np
import pytest
from sqlalchemy import text

from classifier.core import settings
from classifier.core.errors import StoreError
from classifier.store.corrections import Correction, CorrectionStore, export_zip
from classifier.store.database import MIGRATIONS_DIR
from classifier.store.migrations import HEAD_REVISION
from harness.browser import free_port
from tests.test_cli import run_cli


def correction(session_id: str = "session-a", predicted: int = 7, label: int = 1, seed: int = 0) -> Correction:
    rng = np.random.default_rng(seed)
    drawing = rng.integers(0, 256, (40, 60, 4), dtype=np.uint8)
    return Correction(session_id, "digits", "cnn", "ab" * 32, predicted, label, rng.random((28, 28)), drawing)


def test_a_correction_reads_back_as_it_was_stored_after_the_store_is_opened_again(database_url):
    original = correction()
    CorrectionStore(database_url).add(original)
    (stored,) = CorrectionStore(database_url).corrections("digits")
    assert (stored.session_id, stored.model, stored.model_digest) == ("session-a", "cnn", "ab" * 32)
    assert (stored.predicted, stored.label, stored.confirmed) == (7, 1, False)
    assert np.array_equal(stored.image28, (original.image28 * 255).round().astype(np.uint8))
    assert np.array_equal(stored.drawing, original.drawing)
    assert stored.created_at is not None and stored.id is not None


def test_delete_my_drawings_removes_that_session_only(database_url):
    store = CorrectionStore(database_url)
    for index in range(3):
        store.add(correction("mine", seed=index))
    store.add(correction("someone-else"))
    assert store.delete_session("mine") == 3
    assert [row.session_id for row in store.corrections("digits")] == ["someone-else"]
    assert store.corrections("digits", session_id="mine") == []


def test_sixteen_threads_writing_at_once_lose_nothing(database_url):
    store = CorrectionStore(database_url)
    errors: list[Exception] = []

    def write(thread: int) -> None:
        try:
            for index in range(20):
                store.add(correction(f"thread-{thread}", predicted=index % 10, label=thread % 10, seed=index))
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(thread,)) for thread in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = store.corrections("digits")
    assert len(rows) == 16 * 20 and len({row.id for row in rows}) == 16 * 20
    for thread in range(16):
        assert [row.label for row in store.corrections("digits", f"thread-{thread}")] == [thread % 10] * 20


def test_opening_runs_the_migrations_to_the_latest_revision_once(database_url):
    CorrectionStore(database_url)
    store = CorrectionStore(database_url)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD_REVISION]


def test_the_store_knows_alembics_newest_revision():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_a_database_at_the_newest_revision_opens_without_alembic_or_the_orm(database_url):
    """What a served app does on every start once the schema is made: Alembic and the ORM would cost it 17 MB."""
    CorrectionStore(database_url).add(correction())
    check = (
        "import sys; from classifier.store.corrections import CorrectionStore; "
        f"store = CorrectionStore({database_url!r}); count = len(store.corrections('digits')); "
        "print(count, sorted(m for m in ('alembic', 'sqlalchemy.orm') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=settings.PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "1 []"


def test_a_server_that_is_down_gives_a_message_naming_the_database_and_what_to_do():
    url = f"postgresql+psycopg://someone:secret@127.0.0.1:{free_port()}/corrections"
    with pytest.raises(StoreError) as raised:
        CorrectionStore(url)
    message = str(raised.value)
    assert "127.0.0.1" in message and "running and reachable" in message and "secret" not in message


def test_a_database_file_that_cannot_be_created_gives_a_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="could not"):
        CorrectionStore(f"sqlite:///{blocker / 'corrections.sqlite'}")


def test_a_malformed_url_gives_a_message():
    with pytest.raises(StoreError, match="not valid"):
        CorrectionStore("not a url at all")


def test_the_export_is_a_test_set_that_evaluate_scores_from_the_command_line(tmp_path, mnist_test):
    rows = [
        Correction("s", "digits", "cnn", "ab" * 32, 0, int(label), image, id=index)
        for index, (image, label) in enumerate(zip(mnist_test.images[:50], mnist_test.labels[:50]))
    ]
    with zipfile.ZipFile(io.BytesIO(export_zip(rows, "mnist"))) as archive:
        archive.extractall(tmp_path)
        assert len([name for name in archive.namelist() if name.startswith("png/")]) == 50
    result = run_cli("evaluate", "--task", "digits", "--model", "cnn", "--data-dir", str(tmp_path))
    scores = json.loads(result.stdout)
    assert result.returncode == 0 and scores["n"] == 50 and scores["accuracy"] >= 0.95
