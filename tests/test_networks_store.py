"""The networks store, against SQLite and a real PostgreSQL server: a learner's network from the queue to the board.

Fast tier: no training; the "models" are a few bytes.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from classifier.core.errors import NetworkBusyError, NetworkSettingsError, StoreError
from classifier.core.networks import NetworkSettings
from classifier.store.corrections import CORRECTIONS, CorrectionStore
from classifier.store.database import MIGRATIONS_DIR
from classifier.store.migrations import HEAD_REVISION
from classifier.store.networks import DIED, HEARTBEAT_TIMEOUT, NETWORKS, STOPPED_BEFORE_START, NetworkStore
from harness.browser import free_port
from tests.conftest import finish

SETTINGS = NetworkSettings(task="fashion", kind="cnn", filters=(8, 16), dense=32, images=2_000, epochs=2, seed=7)


def test_a_created_network_reads_back_queued_with_its_settings(database_url):
    store = NetworkStore(database_url)
    created = store.create("visitor-a", SETTINGS, name="  My first CNN  ")
    network = store.get(created.id)
    assert network == created
    assert (network.visitor_id, network.name, network.task, network.status) == ("visitor-a", "My first CNN", "fashion", "queued")
    assert network.settings == SETTINGS and network.parameters > 0
    assert (network.progress, network.metrics, network.has_model, network.on_board) == ({}, {}, False, True)
    assert store.mine("visitor-a") == [network] and store.mine("visitor-b") == []
    assert store.get("no-such-network") is None


def test_mine_lists_the_newest_first(database_url):
    store = NetworkStore(database_url)
    first = store.create("visitor-a", SETTINGS)
    finish(store, first.id)
    second = store.create("visitor-a", SETTINGS, name="x" * 200)
    assert [network.id for network in store.mine("visitor-a")] == [second.id, first.id]
    assert store.get(second.id).name == "x" * 80


def test_settings_out_of_range_or_over_the_cost_cap_are_refused_and_nothing_is_stored(database_url):
    store = NetworkStore(database_url)
    with pytest.raises(NetworkSettingsError, match="epochs"):
        store.create("visitor-a", NetworkSettings(epochs=0))
    with pytest.raises(NetworkSettingsError, match="cap"):
        store.create("visitor-a", NetworkSettings(hidden=(512, 512, 512), images=50_000, epochs=100))
    assert store.mine("visitor-a") == []


def test_a_visitor_has_one_network_queued_or_training_at_a_time(database_url):
    store = NetworkStore(database_url)
    first = store.create("visitor-a", SETTINGS)
    with pytest.raises(NetworkBusyError, match="already have a network"):
        store.create("visitor-a", SETTINGS)
    store.create("visitor-b", SETTINGS)  # another visitor is not held up
    finish(store, first.id)
    second = store.create("visitor-a", SETTINGS)
    assert [network.id for network in store.mine("visitor-a")] == [second.id, first.id]


def test_visitors_who_queue_two_networks_at_once_get_one(database_url):
    store = NetworkStore(database_url)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            store.create("double-clicker", SETTINGS)
            outcomes.append("created")
        except NetworkBusyError:
            outcomes.append("busy")

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["busy"] * 7 + ["created"]
    assert len(store.mine("double-clicker")) == 1


def test_the_database_itself_refuses_a_second_active_network_of_a_visitor(database_url):
    """The unique index behind NetworkBusyError, for requests that race past the store's own check."""
    store = NetworkStore(database_url)
    store.create("visitor-a", SETTINGS)
    row = {"id": "f" * 32, "visitor_id": "visitor-a", "task": "fashion", "settings": SETTINGS.to_json(), "status": "running"}
    row["created_at"] = time.time()
    with pytest.raises(IntegrityError, match="(?i)unique"), store.engine.begin() as connection:
        connection.execute(NETWORKS.insert().values(row))


def test_queued_networks_are_numbered_behind_the_one_training(database_url):
    store = NetworkStore(database_url)
    running, second, third = (store.create(f"visitor-{index}", SETTINGS) for index in range(3))
    assert [store.queue_position(network.id) for network in (running, second, third)] == [1, 2, 3]
    assert store.start(running.id)
    assert [store.queue_position(network.id) for network in (running, second, third)] == [0, 2, 3]
    assert store.fail(running.id, "The training ran out of memory.")
    assert [store.queue_position(network.id) for network in (second, third)] == [1, 2]
    assert store.queue_position("no-such-network") == 0


def test_a_network_starts_once(database_url):
    store = NetworkStore(database_url)
    network = store.create("visitor-a", SETTINGS)
    assert store.start(network.id) is True
    assert store.start(network.id) is False
    started = store.get(network.id)
    assert started.status == "running" and started.started_at is not None and started.heartbeat is not None


def test_the_owners_stop_reaches_the_worker_at_its_next_report(database_url):
    store = NetworkStore(database_url)
    network = store.create("visitor-a", SETTINGS)
    store.start(network.id)
    assert store.report(network.id, {"epoch": 1, "loss": [0.5]}) is True
    assert store.request_stop(network.id, "visitor-b") is False
    assert store.get(network.id).status == "running"
    assert store.report(network.id, {"epoch": 1, "loss": [0.5, 0.4]}) is True
    assert store.request_stop(network.id, "visitor-a") is True
    assert store.report(network.id, {"epoch": 2, "loss": [0.5, 0.4, 0.3]}) is False
    stopping = store.get(network.id)
    assert (stopping.status, stopping.stop_requested) == ("stopping", True)
    assert stopping.progress == {"epoch": 2, "loss": [0.5, 0.4, 0.3]}
    assert store.request_stop(network.id, "visitor-a") is False  # already asked


def test_a_queued_network_stops_at_once_and_is_never_started(database_url):
    store = NetworkStore(database_url)
    network = store.create("visitor-a", SETTINGS)
    assert store.request_stop(network.id, "visitor-a") is True
    stopped = store.get(network.id)
    assert (stopped.status, stopped.message, stopped.has_model) == ("stopped", STOPPED_BEFORE_START, False)
    assert store.start(network.id) is False
    assert store.queue_position(network.id) == 0
    store.create("visitor-a", SETTINGS)  # the visitor may queue another
    assert store.board() == []


def test_a_finished_model_reads_back_and_the_board_shows_the_best_first(database_url):
    store = NetworkStore(database_url)
    accuracies = {"visitor-a": 0.91, "visitor-b": 0.97, "visitor-c": 0.95}
    ids = {}
    for visitor, accuracy in accuracies.items():
        ids[visitor] = store.create(visitor, SETTINGS).id
        finish(store, ids[visitor], accuracy, status="stopped" if visitor == "visitor-c" else "finished")
    failed = store.create("visitor-d", SETTINGS)
    store.start(failed.id)
    store.fail(failed.id, "The training ran out of memory.")
    store.create("visitor-e", SETTINGS)
    assert store.model_bytes(ids["visitor-b"], "tflite") == b"tflite " + ids["visitor-b"].encode()
    assert store.model_bytes(ids["visitor-b"], "keras") == b"keras " + ids["visitor-b"].encode()
    with pytest.raises(StoreError, match="no trained model"):
        store.model_bytes(failed.id, "tflite")
    best = store.get(ids["visitor-b"])
    assert (best.status, best.test_accuracy, best.training_seconds, best.metrics) == ("finished", 0.97, 12.5, {"accuracy": 0.97})
    assert best.has_model and best.finished_at is not None and best.progress == {"epoch": 2}
    assert store.get(failed.id).message == "The training ran out of memory."
    assert [network.visitor_id for network in store.board()] == ["visitor-b", "visitor-c", "visitor-a"]
    assert store.clear_board() == 5  # also those not on show: the failed and the queued one
    assert store.board() == []
    assert store.model_bytes(ids["visitor-b"], "tflite")  # off the board, still the owner's


def test_a_network_whose_worker_stopped_beating_is_failed_and_a_live_one_is_not(database_url):
    store = NetworkStore(database_url)
    dead = store.create("visitor-a", SETTINGS)
    store.start(dead.id)
    assert store.mark_dead() == 0
    assert store.mark_dead(now=time.time() + HEARTBEAT_TIMEOUT + 1) == 1
    failed = store.get(dead.id)
    assert (failed.status, failed.message) == ("failed", DIED)
    assert store.report(dead.id, {"epoch": 3}) is False  # a worker that was only slow stops too
    live = store.create("visitor-a", SETTINGS)
    store.start(live.id)
    assert store.report(live.id, {"epoch": 1}) is True
    assert store.mark_dead() == 0 and store.get(live.id).status == "running"
    with store.engine.begin() as connection:  # its worker is killed: the heartbeat stops a minute ago
        connection.execute(NETWORKS.update().where(NETWORKS.c.id == live.id).values(heartbeat=time.time() - 60))
    assert store.get(live.id).status == "failed"  # looking is enough


def test_only_the_owner_renames_or_deletes_a_network(database_url):
    store = NetworkStore(database_url)
    network = store.create("visitor-a", SETTINGS, name="mine")
    assert store.rename(network.id, "visitor-b", "theirs") is False
    assert store.delete(network.id, "visitor-b") is False
    assert store.get(network.id).name == "mine"
    assert store.rename(network.id, "visitor-a", "  renamed ") is True
    assert store.get(network.id).name == "renamed"
    assert store.delete(network.id, "visitor-a") is True
    assert store.get(network.id) is None


def test_deleting_a_visitors_networks_leaves_everyone_elses(database_url):
    store = NetworkStore(database_url)
    finish(store, store.create("visitor-a", SETTINGS).id)
    store.create("visitor-a", SETTINGS)
    kept = store.create("visitor-b", SETTINGS)
    assert store.delete_visitor("visitor-a") == 2
    assert store.mine("visitor-a") == [] and store.mine("visitor-b") == [kept]


def test_two_app_processes_on_one_database_see_each_others_networks(database_url):
    page, worker = NetworkStore(database_url), NetworkStore(database_url)
    network = page.create("visitor-a", SETTINGS)
    assert worker.start(network.id)
    assert worker.report(network.id, {"epoch": 1})
    assert page.get(network.id).progress == {"epoch": 1}
    assert page.request_stop(network.id, "visitor-a")
    assert worker.report(network.id, {"epoch": 2}) is False
    worker.finish(
        network.id,
        status="stopped",
        keras=b"k",
        tflite=b"t",
        training_seconds=3.0,
        test_accuracy=0.5,
        metrics={},
        progress={"epoch": 2},
    )
    assert page.get(network.id).status == "stopped" and page.model_bytes(network.id, "tflite") == b"t"


def test_a_database_with_only_corrections_is_upgraded_and_keeps_them(database_url):
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        row = {
            "created_at": datetime.now(UTC),
            "session_id": "visitor-a",
            "task": "digits",
            "model": "cnn",
            "model_digest": "ab" * 32,
            "predicted": 7,
            "label": 1,
            "image28": bytes(784),
        }
        connection.execute(CORRECTIONS.insert().values(row))
    engine.dispose()
    store = NetworkStore(database_url)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD_REVISION]
    assert store.create("visitor-a", SETTINGS).status == "queued"
    (kept,) = CorrectionStore(database_url).corrections("digits")
    assert (kept.session_id, kept.label) == ("visitor-a", 1)


def test_a_server_that_is_down_gives_a_message_for_the_train_page():
    with pytest.raises(StoreError) as raised:
        NetworkStore(f"postgresql+psycopg://someone:secret@127.0.0.1:{free_port()}/classifier")
    message = str(raised.value)
    assert "running and reachable" in message and "settings are still on this page" in message and "secret" not in message
