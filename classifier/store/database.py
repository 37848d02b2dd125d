"""The app's one database, shared by its stores: opened, made or upgraded, and named in messages.

SQLite by default (a file in the data folder), PostgreSQL when the database URL says so
(`postgresql+psycopg://user:password@host:port/name`), through SQLAlchemy 2. The schema is made and
upgraded by the Alembic migrations in classifier/store/migrations/ when a store is opened. Every store
(corrections, learners' networks) is a Database, and every database failure is raised as StoreError with a
message for the user.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from classifier.core import settings
from classifier.core.errors import StoreError
from classifier.store.migrations import HEAD_REVISION

# The database URL: $CLASSIFIER_DATABASE_URL, else an SQLite file in the data folder.
DATABASE_URL_ENV = "CLASSIFIER_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Seconds to wait for a database that is locked (SQLite) or slow to answer (PostgreSQL).
TIMEOUT = 10


def default_url() -> str:
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{settings.data_dir() / 'corrections.sqlite'}"


def describe(url: str) -> str:
    """The URL without its password, to name the database in messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


class Database:
    """A connection pool to the app's database, safe to share between threads; opening it creates or upgrades the schema.

    SQLAlchemy's Core, not its ORM: the ORM (and Alembic, which is imported only to migrate) would add 17 MB
    to a served app (docs/experiments.md, "Memory").
    """

    # What the user has not lost when the database fails, for the end of every message.
    still_here = "your drawing and answers are still here"

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.name = describe(self.url)
        try:
            parsed = make_url(self.url)
        except ArgumentError as error:
            raise StoreError(f"The database URL {self.url!r} is not valid ({error}). Check ${DATABASE_URL_ENV}.") from error
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and parsed.database:
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise self._fail("be created", error) from error
        connect_args = {"timeout": TIMEOUT} if sqlite else {"connect_timeout": TIMEOUT}
        try:
            self.engine: Engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
        except (ArgumentError, ImportError) as error:
            raise StoreError(
                f"The database {self.name} cannot be used ({error}). Use sqlite:/// or postgresql+psycopg://."
            ) from error
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()

    def _fail(self, doing: str, error: Exception) -> StoreError:
        """A StoreError for the user: which database failed at what, why, and what to do."""
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return StoreError(
            f"The database {self.name} could not {doing} ({reason}). "
            f"Check that it is running and reachable, then try again; {self.still_here}."
        )

    def _migrate(self) -> None:
        """Bring the schema to the newest migration, with Alembic, unless the database already has it."""
        try:
            if self._revision() == HEAD_REVISION:
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            with _MIGRATION_LOCK, self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except (SQLAlchemyError, OSError) as error:
            raise self._fail("be opened", error) from error

    def _revision(self) -> str | None:
        """The migration the database is at (Alembic's record of it), or None for a new database."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        self.engine.dispose()


# Alembic's command module is not thread-safe; stores opened at once migrate one at a time.
_MIGRATION_LOCK = threading.Lock()


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers go on while one thread writes; the busy timeout makes writers queue, not fail."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={TIMEOUT * 1000}")
    cursor.close()
