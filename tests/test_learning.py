"""Train your own, end to end with a real worker process: a job trains and is served, stops, dies with its worker,
and is refused when it costs too much; on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import time
import uuid

import numpy as np
import psutil
import pytest

from classifier import Classifier
from classifier.core import networks
from classifier.core.errors import NetworkSettingsError
from classifier.core.networks import NetworkSettings
from classifier.jobs import queue, submit
from classifier.store.database import DATABASE_URL_ENV
from classifier.store.networks import NetworkStore
from harness.worker import worker_process
from tests.conftest import large_digit

pytestmark = [pytest.mark.slow, pytest.mark.needs_data]

QUICK = networks.PRESETS["quick"]
# Long enough to stop or kill in the middle: about a minute on one thread.
LONG = NetworkSettings(task="digits", kind="mlp", hidden=(256, 256), images=50_000, epochs=5, batch_size=32)


@pytest.fixture
def worker(database_url):
    """A worker process (`python -m classifier worker`) on the test database; yields (store, process)."""
    store = NetworkStore(database_url)
    environment = {**os.environ, DATABASE_URL_ENV: database_url, "CLASSIFIER_WORKER_THREADS": "1", "CLASSIFIER_WORKER_NICE": "0"}
    with worker_process(environment) as process:
        yield store, process
    store.close()


def wait_for(store: NetworkStore, network_id: str, done, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        network = store.get(network_id)
        if done(network):
            return network
        time.sleep(0.2)
    raise AssertionError(f"network {network_id} is still {store.get(network_id).status} after {timeout} s")


def visitor() -> str:
    return uuid.uuid4().hex


def test_a_job_trains_on_the_worker_and_is_served_by_another_process(worker, mnist_test):
    store, _ = worker
    network = submit(visitor(), QUICK, "quick one", store=store)
    finished = wait_for(store, network.id, lambda n: n.status in ("finished", "failed"))
    assert finished.status == "finished", finished.message
    assert finished.test_accuracy > 0.7 and finished.training_seconds > 0
    assert len(finished.progress["history"]) == QUICK.epochs
    assert finished.progress["step"] == finished.progress["steps"]
    # Another process (as another app process would) serves it from the database alone, with LiteRT.
    other = NetworkStore(store.url)
    served = Classifier.from_litert("digits", "quick one", other.model_bytes(network.id, "tflite"))
    images = mnist_test.images[:200] / np.float32(255)
    assert np.mean(served.predict_batch(images).argmax(1) == mnist_test.labels[:200]) > 0.7
    explanation = served.explain(large_digit(mnist_test.images[0]))
    assert explanation.neighbours == () and explanation.saliency.shape == (28, 28)
    assert network.id in [n.id for n in other.board()]


def test_stop_ends_a_running_job_within_two_seconds_and_keeps_what_it_learned(worker):
    store, _ = worker
    owner = visitor()
    network = submit(owner, LONG, store=store)
    running = wait_for(store, network.id, lambda n: n.status == "running" and n.progress.get("step", 0) > 50)
    assert store.request_stop(network.id, visitor()) is False  # nobody else can stop it
    assert store.request_stop(network.id, owner)
    asked = time.monotonic()
    last_step, last_change = running.progress["step"], asked
    while time.monotonic() - asked < 10:
        now = store.get(network.id)
        if now.status not in ("running", "stopping"):
            break
        if now.progress["step"] != last_step:
            last_step, last_change = now.progress["step"], time.monotonic()
        time.sleep(0.1)
    # The last batch came within two seconds of the request (the worker reports at least every half second).
    assert last_change - asked <= 2.0
    stopped = wait_for(store, network.id, lambda n: n.status in ("stopped", "failed"))
    assert stopped.status == "stopped" and stopped.has_model, stopped.message
    assert stopped.progress["step"] < stopped.progress["steps"] and stopped.test_accuracy > 0.5


def test_a_worker_killed_in_the_middle_leaves_the_job_failed_not_running(worker):
    store, process = worker
    network = submit(visitor(), LONG, store=store)
    running = wait_for(store, network.id, lambda n: n.status == "running" and n.progress.get("step", 0) > 10)
    # The worker and its training process die at once (as when the machine kills them for memory).
    trainers = psutil.Process(process.pid).children(recursive=True)
    for killed in [process, *trainers]:
        killed.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    psutil.wait_procs(trainers, timeout=10)
    assert store.get(network.id).status == "running"  # its heartbeat is fresh
    # No heartbeat for longer than the timeout: the next look marks it failed, with what happened.
    assert store.mark_dead(now=running.heartbeat + 31) == 1
    failed = store.get(network.id)
    assert failed.status == "failed" and "worker stopped" in failed.message
    # The visitor may start another one.
    assert submit(network.visitor_id, QUICK, store=store).status == "queued"


def test_settings_over_the_cap_or_out_of_range_are_refused_and_nothing_is_queued(database_url):
    store = NetworkStore(database_url)
    huey, _ = queue(database_url)
    before = huey.pending_count()
    too_costly = NetworkSettings(task="digits", kind="mlp", hidden=(512, 512, 512), images=55_000, epochs=100)
    with pytest.raises(NetworkSettingsError, match="Lower the epochs to"):
        submit(visitor(), too_costly, store=store)
    with pytest.raises(NetworkSettingsError, match="learning rate"):
        submit(visitor(), NetworkSettings(learning_rate=5.0), store=store)
    with pytest.raises(NetworkSettingsError, match="Unknown settings"):
        NetworkSettings.from_dict({"layers": 99})
    assert huey.pending_count() == before
    assert store.mine(visitor()) == []
