"""The networks store: learners' own networks, from the queue to a trained model, in the app's database.

A page creates a network (queued); the worker starts it, reports its progress (and learns from the answer
whether its owner asked it to stop), then finishes it with the trained model's bytes, or fails it. Every app
process reads the same rows, so any of them shows a network's progress and serves its model, and a restart
loses nothing finished. A worker that dies leaves a heartbeat that stops moving: `mark_dead` fails its
network, and the store calls it whenever a visitor looks, so that none is left "running" for long.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from classifier.core import networks
from classifier.core.errors import NetworkBusyError, StoreError
from classifier.core.networks import NetworkSettings
from classifier.store.database import Database

STATUSES = ("queued", "running", "stopping", "finished", "stopped", "failed")
ACTIVE = ("queued", "running", "stopping")  # at most one of these per visitor
TRAINING = ("running", "stopping")  # a worker holds it and beats its heartbeat
USABLE = ("finished", "stopped")  # ended with a trained model, or stopped before it started (without one)
MODEL_KINDS = ("keras", "tflite")
# Seconds without a heartbeat after which a training network's worker is taken to be dead.
HEARTBEAT_TIMEOUT = 30.0
NAME_LENGTH = 80

BUSY = "You already have a network in the queue or training: stop it or wait for it to finish."
STOPPED_BEFORE_START = "Stopped before it started."
DIED = "The worker stopped while training this network (it was killed or crashed). Start it again."
NO_MODEL = "This network has no trained model: it has not finished training, or it was deleted."

# The networks table as the queries see it; the migrations, not this, make it.
NETWORKS = Table(
    "networks",
    MetaData(),
    Column("id", String(32), primary_key=True),
    Column("visitor_id", String(64)),
    Column("name", String(NAME_LENGTH)),
    Column("task", String(32)),
    Column("settings", Text),
    Column("status", String(16)),
    Column("message", Text),
    Column("created_at", Float),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("heartbeat", Float),
    Column("stop_requested", Boolean),
    Column("progress", Text),
    Column("parameters", Integer),
    Column("training_seconds", Float),
    Column("test_accuracy", Float),
    Column("metrics", Text),
    Column("keras", LargeBinary),
    Column("tflite", LargeBinary),
    Column("on_board", Boolean),
)
HAS_MODEL = NETWORKS.c.tflite.is_not(None)
# Every column but the models, which can be megabytes (those are read only by `model_bytes`), and whether there is one.
SUMMARY = [*(column for column in NETWORKS.columns if column.name not in MODEL_KINDS), HAS_MODEL.label("has_model")]


@dataclass(frozen=True)
class Network:
    """One learner's network as stored: its settings, where it is in the queue or training, and how it did.

    Times are seconds since the epoch (time.time()).
    """

    id: str
    visitor_id: str
    name: str
    task: str
    settings: NetworkSettings
    status: str
    message: str | None
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    heartbeat: float | None = None
    stop_requested: bool = False
    progress: dict = field(default_factory=dict)  # what the worker last reported, e.g. the epoch and its curves
    parameters: int | None = None
    training_seconds: float | None = None
    test_accuracy: float | None = None
    metrics: dict = field(default_factory=dict)
    on_board: bool = True
    has_model: bool = False  # finished, or stopped with a model (not one stopped while it was queued)


def _network(row) -> Network:
    return Network(
        id=row.id,
        visitor_id=row.visitor_id,
        name=row.name,
        task=row.task,
        settings=NetworkSettings.from_json(row.settings),
        status=row.status,
        message=row.message,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat=row.heartbeat,
        stop_requested=bool(row.stop_requested),
        progress=json.loads(row.progress) if row.progress else {},
        parameters=row.parameters,
        training_seconds=row.training_seconds,
        test_accuracy=row.test_accuracy,
        metrics=json.loads(row.metrics) if row.metrics else {},
        on_board=bool(row.on_board),
        has_model=bool(row.has_model),
    )


def _clean_name(name: str) -> str:
    return name.strip()[:NAME_LENGTH].rstrip()


def _owned(network_id: str, visitor_id: str):
    return and_(NETWORKS.c.id == network_id, NETWORKS.c.visitor_id == visitor_id)


class NetworkStore(Database):
    """Learners' networks in the app's database; safe to share between threads and processes."""

    still_here = "your network's settings are still on this page"

    def create(self, visitor_id: str, settings: NetworkSettings, name: str = "") -> Network:
        """Queue a new network; NetworkSettingsError if it cannot be trained, NetworkBusyError if one is already active."""
        networks.check(settings)
        self.mark_dead()
        network = Network(
            id=uuid.uuid4().hex,
            visitor_id=visitor_id,
            name=_clean_name(name),
            task=settings.task,
            settings=settings,
            status="queued",
            message=None,
            created_at=time.time(),
            parameters=networks.parameters(settings),
        )
        row = {
            "id": network.id,
            "visitor_id": visitor_id,
            "name": network.name,
            "task": settings.task,
            "settings": settings.to_json(),
            "status": network.status,
            "created_at": network.created_at,
            "parameters": network.parameters,
        }
        active = (NETWORKS.c.visitor_id == visitor_id) & NETWORKS.c.status.in_(ACTIVE)
        try:
            with self.engine.begin() as connection:
                busy = connection.execute(select(NETWORKS.c.id).where(active).limit(1)).first() is not None
                if not busy:
                    connection.execute(NETWORKS.insert().values(row))
        except IntegrityError:  # another request of the same visitor queued one first (the unique index)
            busy = True
        except SQLAlchemyError as error:
            raise self._fail("queue the network", error) from error
        if busy:
            raise NetworkBusyError(BUSY)
        return network

    def get(self, network_id: str) -> Network | None:
        self.mark_dead()
        rows = self._read(select(*SUMMARY).where(NETWORKS.c.id == network_id))
        return _network(rows[0]) if rows else None

    def mine(self, visitor_id: str) -> list[Network]:
        """A visitor's networks, newest first."""
        self.mark_dead()
        query = select(*SUMMARY).where(NETWORKS.c.visitor_id == visitor_id)
        return [_network(row) for row in self._read(query.order_by(NETWORKS.c.created_at.desc(), NETWORKS.c.id))]

    def board(self) -> list[Network]:
        """The networks on the class's board that have a model, best test accuracy first (unscored last)."""
        query = select(*SUMMARY).where(NETWORKS.c.on_board.is_(True), NETWORKS.c.status.in_(USABLE), HAS_MODEL)
        order = (NETWORKS.c.test_accuracy.desc().nulls_last(), NETWORKS.c.finished_at, NETWORKS.c.id)
        return [_network(row) for row in self._read(query.order_by(*order))]

    def queue_position(self, network_id: str) -> int:
        """For a queued network, 1 + the networks queued or training that were created before it; 0 when not queued."""
        try:
            with self.engine.connect() as connection:
                query = select(NETWORKS.c.status, NETWORKS.c.created_at).where(NETWORKS.c.id == network_id)
                network = connection.execute(query).first()
                if network is None or network.status != "queued":
                    return 0
                earlier = or_(
                    NETWORKS.c.created_at < network.created_at,
                    and_(NETWORKS.c.created_at == network.created_at, NETWORKS.c.id < network_id),
                )
                ahead = select(func.count()).select_from(NETWORKS).where(NETWORKS.c.status.in_(ACTIVE), earlier)
                return 1 + connection.execute(ahead).scalar_one()
        except SQLAlchemyError as error:
            raise self._fail("be read", error) from error

    def start(self, network_id: str) -> bool:
        """Mark a queued network running, for the worker; False when it is not queued (stopped or deleted meanwhile)."""
        now = time.time()
        statement = (
            NETWORKS.update()
            .where(NETWORKS.c.id == network_id, NETWORKS.c.status == "queued")
            .values(status="running", started_at=now, heartbeat=now)
        )
        return self._write("start the network", statement) == 1

    def report(self, network_id: str, progress: dict) -> bool:
        """Store the worker's progress and beat the heartbeat; False when the worker should stop.

        That is when its owner asked for a stop, or when the network is no longer training (deleted, or
        given up as dead by `mark_dead`).
        """
        statement = (
            NETWORKS.update()
            .where(NETWORKS.c.id == network_id, NETWORKS.c.status.in_(TRAINING))
            .values(progress=json.dumps(progress), heartbeat=time.time())
            .returning(NETWORKS.c.stop_requested)
        )
        try:
            with self.engine.begin() as connection:
                stop_requested = connection.execute(statement).scalar()
        except SQLAlchemyError as error:
            raise self._fail("store the training's progress", error) from error
        return stop_requested is not None and not stop_requested

    def request_stop(self, network_id: str, visitor_id: str) -> bool:
        """The owner's stop: a queued network stops at once, a running one is asked to. True when something changed."""
        owned = _owned(network_id, visitor_id)
        stop_now = (
            NETWORKS.update()
            .where(owned, NETWORKS.c.status == "queued")
            .values(status="stopped", message=STOPPED_BEFORE_START, finished_at=time.time())
        )
        ask = NETWORKS.update().where(owned, NETWORKS.c.status == "running").values(status="stopping", stop_requested=True)
        try:
            with self.engine.begin() as connection:
                return connection.execute(stop_now).rowcount == 1 or connection.execute(ask).rowcount == 1
        except SQLAlchemyError as error:
            raise self._fail("stop the network", error) from error

    def finish(
        self,
        network_id: str,
        *,
        status: str,
        keras: bytes,
        tflite: bytes,
        training_seconds: float,
        test_accuracy: float,
        metrics: dict,
        progress: dict,
    ) -> bool:
        """Store a trained model and how it did; `status` is "finished", or "stopped" when it stopped early with a model.

        False when the network no longer exists (its owner deleted it while it trained).
        """
        if status not in USABLE:
            raise ValueError(f"A network with a model is {' or '.join(USABLE)}, not {status!r}.")
        statement = (
            NETWORKS.update()
            .where(NETWORKS.c.id == network_id)
            .values(
                status=status,
                message=None,
                finished_at=time.time(),
                keras=keras,
                tflite=tflite,
                training_seconds=float(training_seconds),
                test_accuracy=float(test_accuracy),
                metrics=json.dumps(metrics),
                progress=json.dumps(progress),
            )
        )
        return self._write("store the trained network", statement) == 1

    def fail(self, network_id: str, message: str) -> bool:
        """Mark a network failed with a message for its owner (a network with a model keeps it); False when there is none."""
        statement = (
            NETWORKS.update()
            .where(NETWORKS.c.id == network_id, NETWORKS.c.status.not_in(USABLE))
            .values(status="failed", message=message, finished_at=time.time())
        )
        return self._write("record the failure", statement) == 1

    def model_bytes(self, network_id: str, kind: str) -> bytes:
        """The trained model as a .keras or .tflite file's bytes; StoreError when the network has none."""
        if kind not in MODEL_KINDS:
            raise ValueError(f"A model is {' or '.join(MODEL_KINDS)}, not {kind!r}.")
        rows = self._read(select(NETWORKS.c[kind]).where(NETWORKS.c.id == network_id))
        if not rows or rows[0][0] is None:
            raise StoreError(NO_MODEL)
        return bytes(rows[0][0])

    def rename(self, network_id: str, visitor_id: str, name: str) -> bool:
        """Rename the owner's network (stripped, at most NAME_LENGTH characters); False when it is not theirs."""
        statement = NETWORKS.update().where(_owned(network_id, visitor_id)).values(name=_clean_name(name))
        return self._write("rename the network", statement) == 1

    def delete(self, network_id: str, visitor_id: str) -> bool:
        """Delete the owner's network (a worker training it stops at its next report); False when it is not theirs."""
        return self._write("delete the network", NETWORKS.delete().where(_owned(network_id, visitor_id))) == 1

    def delete_visitor(self, visitor_id: str) -> int:
        """Delete every network of one visitor; return how many there were."""
        return self._write("delete the networks", NETWORKS.delete().where(NETWORKS.c.visitor_id == visitor_id))

    def clear_board(self) -> int:
        """Take every network off the board, also those still training (the teacher's action); return how many."""
        statement = NETWORKS.update().where(NETWORKS.c.on_board.is_(True)).values(on_board=False)
        return self._write("clear the board", statement)

    def mark_dead(self, now: float | None = None) -> int:
        """Fail the training networks whose heartbeat is older than HEARTBEAT_TIMEOUT; return how many."""
        now = time.time() if now is None else now
        stale = and_(
            NETWORKS.c.status.in_(TRAINING),
            or_(NETWORKS.c.heartbeat.is_(None), NETWORKS.c.heartbeat < now - HEARTBEAT_TIMEOUT),
        )
        # Look before writing: this runs on every page's poll, and a read does not queue behind SQLite's writers.
        if not self._read(select(NETWORKS.c.id).where(stale).limit(1)):
            return 0
        statement = NETWORKS.update().where(stale).values(status="failed", message=DIED, finished_at=now)
        return self._write("record the failure", statement)

    def _read(self, query) -> list:
        try:
            with self.engine.connect() as connection:
                return connection.execute(query).all()
        except SQLAlchemyError as error:
            raise self._fail("be read", error) from error

    def _write(self, doing: str, statement) -> int:
        """Run one INSERT, UPDATE or DELETE; return how many rows it touched."""
        try:
            with self.engine.begin() as connection:
                return connection.execute(statement).rowcount
        except SQLAlchemyError as error:
            raise self._fail(doing, error) from error
