"""The task queue: learners' networks are trained by worker processes, fed by Huey; the app only enqueues.

The queue lives where the corrections and networks do: on PostgreSQL (Huey's PostgresHuey, tables
`huey_*`) when the database URL is PostgreSQL, so that workers on several machines share it; else in an
SQLite file beside the SQLite database (Huey's SqliteHuey). The job's state (queued, running, its
progress and the trained network) is in the networks table (classifier/store/networks.py), which any
app process reads; the queue only carries "train network N" to one worker.

A worker is `python -m classifier worker`: one process, one job at a time, with its CPU threads and
niceness as settings, so that the app beside it stays quick while it trains.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from huey import Huey, PostgresHuey, SqliteHuey
from sqlalchemy.engine import make_url

from classifier.core.networks import NetworkSettings
from classifier.store.database import default_url
from classifier.store.networks import Network, NetworkStore

# The worker's settings: how many CPU threads TensorFlow may use, and how much lower its priority is
# than the app's (Unix niceness, 0 to 19).
THREADS_ENV, NICE_ENV = "CLASSIFIER_WORKER_THREADS", "CLASSIFIER_WORKER_NICE"
DEFAULT_THREADS, DEFAULT_NICE = 1, 10
# How often an idle worker looks for a job, at most (seconds): the first curve point comes soon after a click.
POLL_SECONDS = 0.25
# Jobs a worker's training process runs before a fresh one replaces it (see run_worker).
JOBS_PER_PROCESS = 40


def _queue_of(url: str) -> Huey:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresHuey("draw-it", dsn=dsn, results=False, read_timeout=POLL_SECONDS)
    database = Path(parsed.database or "corrections.sqlite")
    return SqliteHuey("draw-it", filename=str(database.with_suffix(".queue.sqlite")), results=False)


@functools.cache
def queue(url: str | None = None):
    """The Huey queue of a database URL ($CLASSIFIER_DATABASE_URL by default) and its one task, train_network(id)."""
    huey = _queue_of(url or default_url())

    @huey.task(name="train_network")
    def train_network(network_id: str) -> None:
        _run(network_id, url)

    return huey, train_network


def submit(visitor_id: str, settings: NetworkSettings, name: str = "", store: NetworkStore | None = None) -> Network:
    """Check the settings, keep a queued network in the database and put its job on the queue."""
    store = store or NetworkStore()
    network = store.create(visitor_id, settings, name)
    _, train_network = queue(store.url)
    train_network(network.id)
    return network


def _run(network_id: str, url: str | None) -> None:
    """The job, in the worker: train the network and keep what comes of it."""
    # Imported here, in the worker process only: the app enqueues without TensorFlow.
    from classifier.train import learner

    store = NetworkStore(url)
    if not store.start(network_id):
        return
    network = store.get(network_id)
    try:
        trained = learner.train(network.settings, lambda progress: store.report(network_id, progress))
    except Exception as error:  # any failure ends the job as "failed" with its reason, never "running"
        logging.getLogger(__name__).exception("Training network %s failed", network_id)
        store.fail(network_id, f"Training failed: {error}")
        return
    store.finish(network_id, **vars(trained))  # a Trained's fields are finish's keywords


def run_worker(url: str | None = None, threads: int | None = None, nice: int | None = None) -> None:
    """Be a worker until stopped (SIGINT or SIGTERM): take jobs off the queue one at a time and train them.

    The jobs run in a child process, which starts TensorFlow as soon as it starts (so that a learner's first
    curve point comes soon after the click) and is replaced by a fresh one after JOBS_PER_PROCESS jobs:
    TensorFlow keeps some memory of every model it built, and a class trains many.
    """
    threads = threads or int(os.environ.get(THREADS_ENV, DEFAULT_THREADS))
    nice = int(os.environ.get(NICE_ENV, DEFAULT_NICE)) if nice is None else nice
    os.nice(nice)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    NetworkStore(url).close()  # make or upgrade the schema before the first job
    huey, _ = queue(url)

    @huey.on_startup()
    def warm_up() -> None:
        from classifier.train import learner

        learner.warm_up(threads)

    huey.create_consumer(
        workers=1,
        worker_type="process",
        max_tasks=JOBS_PER_PROCESS,
        periodic=False,
        initial_delay=POLL_SECONDS,
        max_delay=POLL_SECONDS,
        health_check_interval=1,
    ).run()
