"""The Train your own page in AppTest: settings, the cost cap, queueing, stopping, the class board and its teacher."""

from __future__ import annotations

import uuid

from classifier.core import networks
from classifier.store.networks import NetworkStore
from tests.conftest import finish
from tests.test_app import app
from ui.i18n import per_language
from ui.networks import get_network_store
from ui.visitor import ID_KEY


def train_page(secrets: dict | None = None):
    get_network_store.clear()
    at = app()
    at.session_state[ID_KEY] = uuid.uuid4().hex
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    at.run()
    at.switch_page("views/train.py").run()
    assert not at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_a_preset_sets_the_network_and_the_page_counts_its_parameters():
    at = train_page()
    assert metrics(at)["Parameters"] == f"{networks.parameters(networks.PRESETS['quick']):,}"
    at.selectbox(key=per_language("train_preset")).set_value("tutorial-digits-cnn").run()
    assert not at.exception
    # The MNIST tutorial's CNN has 206,922 parameters (../shared/seeds/002).
    assert metrics(at)["Parameters"] == "206,922"
    assert any("Conv 16 x 3x3, relu" in caption.value for caption in at.caption)


def test_too_costly_a_network_says_what_to_lower_and_cannot_start():
    at = train_page()
    at.selectbox(key=per_language("train_preset")).set_value("tutorial-digits-cnn").run()
    at.slider(key="train_epochs").set_value(60).run()
    assert any("Lower the epochs to" in error.value for error in at.error)
    assert at.button(key="start").disabled


def test_a_started_network_waits_in_the_queue_and_the_learner_can_stop_it():
    at = train_page()
    at.text_input(key="train_name").input("queued one").run()
    at.button(key="start").click().run()
    assert not at.exception
    mine = NetworkStore().mine(at.session_state[ID_KEY])
    assert [(network.name, network.status) for network in mine] == [("queued one", "queued")]
    assert any("In the queue: number" in info.value for info in at.info)
    assert at.button(key="start").disabled  # one at a time
    at.button(key="stop").click().run()
    assert NetworkStore().get(mine[0].id).status == "stopped"


def test_the_board_is_cleared_only_with_the_teachers_password():
    store = NetworkStore()
    network = store.create(uuid.uuid4().hex, networks.PRESETS["quick"], "on the board")
    finish(store, network.id)
    without = train_page()
    assert any("teacher_password" in caption.value for caption in without.caption)
    assert "Clear the board" not in [button.label for button in without.button]
    at = train_page({"teacher_password": "s3cret"})
    at.text_input(key="train_teacher").input("wrong").run()
    at.button(key="clear_board").click().run()
    assert any("not the teacher's password" in error.value for error in at.error)
    assert network.id in [n.id for n in store.board()]
    at.text_input(key="train_teacher").input("s3cret").run()
    at.button(key="clear_board").click().run()
    assert not at.exception
    assert network.id not in [n.id for n in store.board()]


def test_a_learner_renames_and_deletes_their_own_network():
    at = train_page()
    at.button(key="start").click().run()
    (network,) = NetworkStore().mine(at.session_state[ID_KEY])
    at.text_input(key="train_rename").input("renamed").run()
    at.button(key="rename").click().run()
    assert not at.exception
    assert NetworkStore().get(network.id).name == "renamed"
    at.button(key="delete_network").click().run()
    assert NetworkStore().get(network.id) is None
    assert NetworkStore().mine(at.session_state[ID_KEY]) == []
