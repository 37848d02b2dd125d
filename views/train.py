"""Train your own: build a network, train it on a worker while its curves grow, stop it, then use it and compare it."""

from __future__ import annotations

import hmac

import numpy as np
import streamlit as st

from classifier import ClassifierError
from classifier.core import networks, tasks
from classifier.core.networks import NetworkSettings
from classifier.store.networks import ACTIVE
from ui.charts import answer_colour, confusion_chart, live_curve_chart, training_curve_chart
from ui.i18n import _, class_names, per_language
from ui.loaders import get_history
from ui.networks import get_network_store
from ui.pictures import grey28, pixel_figures
from ui.visitor import keep_visitor_id, visitor_id

PRESET_TITLES = {
    "quick": "A quick start: a small MLP, 2,000 digits, 2 epochs",
    "tutorial-fashion-mlp": "The TensorFlow tutorial's clothing MLP",
    "tutorial-digits-cnn": "The MNIST tutorial's CNN",
    "overfit": "Overfit on purpose: 1,000 digits, 60 epochs, no dropout",
    "shipped-digits-mlp": "The shape of the shipped digits MLP",
    "shipped-fashion-mlp": "The shape of the shipped clothing MLP",
    "shipped-fashion-cnn": "The shape of the shipped clothing CNN",
}
# How the page names each state of a learner's network (classifier/store/networks.py, STATUSES).
STATUS_TITLES = {
    "queued": "in the queue",
    "running": "training",
    "stopping": "stopping",
    "finished": "finished",
    "stopped": "stopped",
    "failed": "failed",
}
UNITS = (16, 32, 64, 128, 256, 512)
FILTERS = (8, 16, 32, 64)
RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
BATCHES = (16, 32, 64, 128, 256, 512)
# The app's secret (.streamlit/secrets.toml) that holds the teacher's password, which clears the class board.
TEACHER_SECRET = "teacher_password"
# The settings' widgets keep their values under these keys, so that a preset can set them.
KEY = "train_"
SPLITS = {"training": _("training"), "validation": _("validation")}
WORDS = (
    "**Epoch**: one pass over all the training images. More epochs, more practice: until the network starts "
    "to learn the training images by heart.\n\n"
    "**Batch**: the network looks at this many images, then adjusts its weights once. Small batches adjust often "
    "and noisily; big ones seldom and smoothly.\n\n"
    "**Learning rate**: how big each adjustment is. Too small and it learns slowly; too big and it overshoots "
    "and never settles.\n\n"
    "**Dropout**: while training, switch off this share of the units at random, so the network cannot lean on "
    "any one of them. It usually helps with new images.\n\n"
    "**Overfitting**: the training curve keeps getting better while the validation curve (images it never trains "
    'on) gets worse: it is memorising, not learning. Try the "overfit on purpose" preset to see it.'
)


def apply_preset(name: str) -> None:
    """Put a preset's settings into the widgets."""
    preset = networks.PRESETS[name]
    layers = preset.hidden if preset.kind == "mlp" else preset.filters
    values = {
        "task": preset.task,
        "kind": preset.kind,
        "layers": len(layers),
        # Every layer's widget gets a value, also those the preset does not use, so that adding a layer shows one.
        **{f"units_{i}": (preset.hidden + (128,) * 3)[i] for i in range(3)},
        **{f"filters_{i}": (preset.filters + (16, 32, 64)[len(preset.filters) :])[i] for i in range(3)},
        "activation": preset.activation,
        "dropout": preset.dropout,
        "kernel": preset.kernel,
        "pooling": preset.pooling,
        "dense": preset.dense,
        "optimizer": preset.optimizer,
        "learning_rate": preset.learning_rate,
        "batch_size": preset.batch_size,
        "epochs": preset.epochs,
        "images": preset.images,
        "seed": preset.seed,
    }
    for name, value in values.items():
        st.session_state[KEY + name] = value


def settings_form() -> NetworkSettings:
    """The learner's choices: a preset, then every setting, each with what it means."""
    if KEY + "task" not in st.session_state:
        apply_preset(next(iter(PRESET_TITLES)))
    # A key of its own in each language, so that the chosen preset's title follows the language (ui/i18n.py).
    preset_key = per_language(KEY + "preset")
    st.selectbox(
        _("Start from"),
        list(PRESET_TITLES),
        format_func=lambda name: _(PRESET_TITLES[name]),
        key=preset_key,
        on_change=lambda: apply_preset(st.session_state[preset_key]),
    )
    task_column, kind_column = st.columns(2)
    task = (
        task_column.segmented_control(
            _("Task"), tasks.names(), format_func=lambda name: _(tasks.get(name).title), key=KEY + "task"
        )
        or "digits"
    )
    kind = kind_column.segmented_control(_("Network"), networks.KINDS, format_func=str.upper, key=KEY + "kind") or "mlp"
    shape_column, training_column = st.columns(2)
    with shape_column:
        count = st.slider(_("Hidden layers") if kind == "mlp" else _("Convolution blocks"), 1, 3, key=KEY + "layers")
        if kind == "mlp":
            hidden = tuple(
                st.select_slider(_("Units in layer {n}").format(n=i + 1), UNITS, key=KEY + f"units_{i}") for i in range(count)
            )
            filters, kernel, pooling, dense = (16, 32), 3, "max", 128
        else:
            hidden = (128,)
            filters = tuple(
                st.select_slider(_("Filters in block {n}").format(n=i + 1), FILTERS, key=KEY + f"filters_{i}")
                for i in range(count)
            )
            kernel = st.segmented_control(_("Kernel size"), networks.KERNELS, key=KEY + "kernel") or 3
            pooling = st.segmented_control(_("Pooling"), networks.POOLINGS, format_func=_, key=KEY + "pooling") or "max"
            dense = st.select_slider(_("Units in the dense layer"), UNITS, key=KEY + "dense")
        activation = st.segmented_control(_("Activation"), networks.ACTIVATIONS, key=KEY + "activation") or "relu"
        dropout = st.slider(_("Dropout"), 0.0, 0.8, step=0.05, key=KEY + "dropout")
    with training_column:
        optimizer = (
            st.segmented_control(
                _("Optimiser"),
                networks.OPTIMIZERS,
                format_func=lambda name: {"adam": "Adam", "sgd": _("SGD with momentum")}[name],
                key=KEY + "optimizer",
            )
            or "adam"
        )
        learning_rate = st.select_slider(_("Learning rate"), RATES, key=KEY + "learning_rate")
        batch_size = st.select_slider(_("Batch size"), BATCHES, key=KEY + "batch_size")
        epochs = st.slider(_("Epochs"), 1, 100, key=KEY + "epochs")
        images = st.slider(
            _("Training images"), networks.IMAGES_MIN, networks.training_split_size(task), step=1000, key=KEY + "images"
        )
        seed = st.number_input(_("Seed"), 0, networks.SEED_RANGE[1], step=1, key=KEY + "seed")
    return NetworkSettings(
        task=task,
        kind=kind,
        hidden=hidden,
        activation=activation,
        dropout=float(dropout),
        filters=filters,
        kernel=int(kernel),
        pooling=pooling,
        dense=int(dense),
        optimizer=optimizer,
        learning_rate=float(learning_rate),
        batch_size=int(batch_size),
        epochs=int(epochs),
        images=int(images),
        seed=int(seed),
    )


def before_the_start(settings: NetworkSettings) -> bool:
    """The network's layers, size, cost and time; say what is wrong, if anything. Return whether it may start."""
    parameters_column, time_column = st.columns(2)
    parameters_column.metric(_("Parameters"), f"{networks.parameters(settings):,}")
    seconds = networks.estimated_seconds(settings)
    time_column.metric(
        _("About"),
        _("{seconds} s").format(seconds=f"{seconds:.0f}")
        if seconds < 120
        else _("{minutes} min").format(minutes=f"{seconds / 60:.0f}"),
    )
    st.caption(" → ".join(settings.layers()))
    # The widgets keep every setting in range; what is left to say is the cost, in the reader's language.
    problems = networks.problems(settings)
    for problem in problems:
        st.error(problem)
    if not problems and networks.cost(settings) > networks.MAX_COST:
        epochs, images = networks.within_cap(settings)
        st.error(
            _(
                "This network would cost {cost} (parameters x images x epochs), over this app's cap of {cap}. "
                "Lower the epochs to {epochs} or the training images to {images}, or make the network smaller."
            ).format(
                cost=f"{networks.cost(settings):.2e}", cap=f"{networks.MAX_COST:.1e}", epochs=max(epochs, 0), images=f"{images:,}"
            )
        )
        return False
    return not problems


def start(settings: NetworkSettings, name: str) -> None:
    from classifier import jobs

    try:
        jobs.submit(visitor_id(), settings, name, store=get_network_store())
    except ClassifierError as error:
        st.error(str(error))
        return
    keep_visitor_id()


def _left(progress: dict) -> str:
    done, total, elapsed = progress.get("step", 0), max(progress.get("steps", 1), 1), progress.get("elapsed", 0.0)
    if not done:
        return _("{seconds} s so far").format(seconds=f"{elapsed:.0f}")
    left = elapsed / done * (total - done)
    return _("{elapsed} s so far, about {left} s left").format(elapsed=f"{elapsed:.0f}", left=f"{left:.0f}")


def curves(progress: dict) -> None:
    steps_per_epoch = progress["steps"] // progress["epochs"]
    loss_column, accuracy_column = st.columns(2)
    for column, metric in ((loss_column, "loss"), (accuracy_column, "accuracy")):
        column.altair_chart(
            live_curve_chart(
                progress.get("batches", []), progress.get("history", []), steps_per_epoch, metric, _(metric), _("epoch"), SPLITS
            ),
            width="stretch",
        )


def samples(network, progress: dict) -> None:
    """A few validation images with the network's answer: blue when right, red when wrong."""
    shown = progress.get("samples", {})
    probabilities = shown.get("probabilities") or []
    if not probabilities:
        return
    names = class_names(tasks.get(network.task).class_names)
    images = [np.asarray(image, dtype=np.float32).reshape(28, 28) / 255 for image in shown["images"]]
    captions, colours = [], []
    for label, row in zip(shown["labels"], probabilities):
        guess = int(np.argmax(row))
        captions.append(f"{names[guess]} {100 * max(row):.0f}% ({names[label]})")
        colours.append(answer_colour(guess, label))
    st.caption(_("Validation images and the network's answers after the last epoch: blue when right, red when wrong."))
    pixel_figures([grey28(image) for image in images], 56, captions, colours)


def results(network) -> None:
    """At the end: test accuracy, each class's, the confusion matrix, and the curves beside the shipped model's."""
    spec = tasks.get(network.task)
    names = class_names(spec.class_names)
    accuracy_column, seconds_column = st.columns(2)
    accuracy_column.metric(_("Test accuracy"), f"{100 * (network.test_accuracy or 0):.2f} %")
    seconds_column.metric(_("Training time"), _("{seconds} s").format(seconds=f"{network.training_seconds or 0:.0f}"))
    per_class = network.metrics.get("per_class_accuracy", [])
    if per_class:
        st.dataframe({_("class"): list(names), _("accuracy"): [f"{100 * value:.1f} %" for value in per_class]}, hide_index=True)
        titles = {"true": _("true"), "predicted": _("predicted"), "count": _("images")}
        st.altair_chart(confusion_chart(network.metrics["confusion_matrix"], names, titles, height=300), width="stretch")
    st.subheader(_("Beside the shipped {model}").format(model=network.settings.kind.upper()))
    try:
        shipped = get_history(network.task, network.settings.kind)
    except ClassifierError as error:
        st.warning(str(error))
        return
    mine, theirs = st.columns(2)
    mine.caption(_("Yours"))
    mine.altair_chart(
        training_curve_chart(network.progress.get("history", []), "accuracy", _("accuracy"), _("epoch"), SPLITS), width="stretch"
    )
    theirs.caption(_("The shipped model's"))
    theirs.altair_chart(training_curve_chart(shipped, "accuracy", _("accuracy"), _("epoch"), SPLITS), width="stretch")
    store = get_network_store()
    keras_column, litert_column = st.columns(2)
    keras_column.download_button(
        _("Download (.keras)"),
        lambda: store.model_bytes(network.id, "keras"),
        file_name=f"{network.name or 'network'}.keras",
        key=f"keras-{network.id}",
    )
    litert_column.download_button(
        _("Download (.tflite)"),
        lambda: store.model_bytes(network.id, "tflite"),
        file_name=f"{network.name or 'network'}.tflite",
        key=f"tflite-{network.id}",
    )


def watch(network_id: str, was_active: bool) -> None:
    """The newest network of this visitor: its place in the queue, or its curves as they grow, or its results."""
    store = get_network_store()
    network = store.get(network_id)
    if network is None:
        return
    if was_active and network.status not in ACTIVE:
        st.rerun()  # the whole page: the start button comes back, and this part stops refreshing
    st.subheader(_("“{name}”").format(name=network.name) if network.name else _("Your newest network"))
    if network.status == "queued":
        st.info(
            _("In the queue: number {position}. The worker starts it when the jobs before it are done.").format(
                position=store.queue_position(network.id)
            )
        )
    elif network.status == "failed":
        st.error(network.message or _("Training failed."))
    progress = network.progress
    if progress:
        done = progress.get("step", 0) / max(progress.get("steps", 1), 1)
        st.progress(
            min(done, 1.0),
            text=_("Epoch {epoch} of {epochs} · {time}").format(
                epoch=progress.get("epoch", 0), epochs=progress.get("epochs", 0), time=_left(progress)
            ),
        )
    if network.status in ("queued", "running"):
        if st.button(_("Stop"), icon=":material/stop:", key="stop"):
            store.request_stop(network.id, visitor_id())
    elif network.status == "stopping":
        st.info(_("Stopping after this batch…"))
    if progress:
        curves(progress)
        samples(network, progress)
    if network.has_model:
        if network.status == "stopped":
            st.info(_("You stopped it: it answers with what it learned so far."))
        results(network)
        st.success(_("It is yours now: choose it on the Draw page (or on Upload clothing) to try it."))


def my_networks() -> None:
    """The learner's own networks: rename one, or delete it (only theirs; the store checks)."""
    from classifier.core.errors import StoreError

    store = get_network_store()
    try:
        mine = {network.id: network for network in store.mine(visitor_id())}
    except StoreError as error:
        st.error(str(error))
        return
    if not mine:
        return
    with st.expander(_("Your networks ({count})").format(count=len(mine))):
        chosen = st.selectbox(
            _("Network"),
            list(mine),
            format_func=lambda key: " · ".join(
                [mine[key].name or _("unnamed"), _(tasks.get(mine[key].task).title), _(STATUS_TITLES[mine[key].status])]
            ),
            key=KEY + "mine",
        )
        name = st.text_input(_("New name"), max_chars=40, key=KEY + "rename")
        rename_column, delete_column = st.columns(2)
        try:
            if rename_column.button(_("Rename"), key="rename", disabled=not name.strip()):
                store.rename(chosen, visitor_id(), name)
                st.rerun()
            if delete_column.button(_("Delete this network"), icon=":material/delete:", key="delete_network"):
                store.delete(chosen, visitor_id())
                st.rerun()
        except StoreError as error:
            st.error(str(error))


def board() -> None:
    """Every network trained here since the teacher last cleared the board, best first; the teacher may clear it."""
    from classifier.core.errors import StoreError

    st.header(_("Class board"))
    try:
        everyone = get_network_store().board()
    except StoreError as error:
        st.error(str(error))
        return
    if not everyone:
        st.info(_("No network has finished training yet. Yours will be the first."))
    else:
        st.dataframe(
            [
                {
                    _("name"): network.name or _("unnamed"),
                    _("yours"): "✓" if network.visitor_id == visitor_id() else "",
                    _("task"): _(tasks.get(network.task).title),
                    _("test accuracy"): f"{100 * (network.test_accuracy or 0):.2f} %",
                    _("parameters"): network.parameters,
                    _("training seconds"): round(network.training_seconds or 0),
                    _("layers"): " → ".join(network.settings.layers()),
                }
                for network in everyone
            ],
            hide_index=True,
            width="stretch",
        )
    with st.expander(_("For the teacher: clear the board")):
        password = st.secrets.get(TEACHER_SECRET) if _has_secrets() else None
        if not password:
            st.caption(
                _("Set {name} in .streamlit/secrets.toml to clear the board from here.").format(name=f"`{TEACHER_SECRET}`")
            )
            return
        given = st.text_input(_("Teacher's password"), type="password", key=KEY + "teacher")
        if st.button(_("Clear the board"), key="clear_board", disabled=not given):
            if hmac.compare_digest(given, str(password)):
                st.success(_("Cleared {count} networks from the board.").format(count=get_network_store().clear_board()))
            else:
                st.error(_("That is not the teacher's password."))


def _has_secrets() -> bool:
    """Whether the app has a secrets file (reading st.secrets without one raises)."""
    try:
        return bool(st.secrets)
    except FileNotFoundError:
        return False


def newest_network():
    from classifier.core.errors import StoreError

    try:
        mine = get_network_store().mine(visitor_id())
    except StoreError as error:
        st.error(str(error))
        return None
    return mine[0] if mine else None


st.title(_("Train your own"))
st.write(
    _(
        "Build a network, train it here and watch it learn: the curves grow as it trains, on a worker beside the app. "
        "Then draw for it on the Draw page, and see it on the class board beside everyone else's."
    )
)
with st.expander(_("What the words mean")):
    st.markdown(_(WORDS))

newest = newest_network()
active = newest is not None and newest.status in ACTIVE
with st.container(border=True):
    chosen = settings_form()
    allowed = before_the_start(chosen)
    name = st.text_input(_("A name for it (on the class board)"), max_chars=40, key=KEY + "name")
    if st.button(_("Start training"), type="primary", icon=":material/play_arrow:", disabled=not allowed or active, key="start"):
        start(chosen, name)
        st.rerun()
    if active:
        st.caption(_("One network at a time: this one starts when yours has finished or stopped."))

if newest is not None:
    st.fragment(watch, run_every=1.0 if active else None)(newest.id, active)
my_networks()
board()
