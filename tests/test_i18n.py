"""Every page in English and Simplified Chinese: every string it shows has a translation in the one catalogue."""

from __future__ import annotations

import ast
import html
import re
import uuid

import numpy as np
import pytest
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from classifier.core import networks, settings, tasks
from classifier.core.networks import NetworkSettings
from classifier.store.networks import NetworkStore
from tests.conftest import large_digit
from ui import i18n
from ui.canvas import INJECTED_DRAWING_KEY
from ui.inside import INTRODUCTION, LAYER_TEXT, NEIGHBOURS_TEXT, WHY_MAP_TEXT, text_html
from ui.visitor import ID_KEY

PAGES = ["views/draw.py", "views/upload.py", "views/curves.py", "views/explorer.py", "views/handwriting.py", "views/train.py"]
# Names that stay as they are in Chinese text: models, datasets, file formats, units, and the names a learner
# writes in Keras (the layers of their network as the Train your own page lists them, activations, optimisers).
UNTRANSLATED = re.compile(
    r"\b(CNN|MLP|MNIST|Fashion-MNIST|TensorFlow|dropout|epoch|batch|CSV|MB|png|jpe?g|gif|bmp|webp|tiff?|[a-z-]+\.jpg"
    r"|Flatten|Dense|Conv|MaxPool|AveragePool|relu|tanh|sigmoid|Adam|SGD|keras|tflite|streamlit/secrets\.toml)\b",
    re.IGNORECASE,
)
# Messages the code passes to _() only as values: the Train your own page's pooling choices (format_func=_).
PASSED_AS_VALUES = [*networks.POOLINGS]
# Streamlit's own Markdown for coloured text, e.g. ":blue[...]".
MARKUP = re.compile(r":(blue|red)\[|`[^`]*`")
# The page's CSS and scripts (the visitor's cookie, ui/visitor.py) are not text a reader sees.
STYLE, TAG = re.compile(r"<(style|script)>.*?</\1>", re.DOTALL), re.compile(r"<[^>]*>")


def _strings(value) -> list[str]:
    """The strings in a constant: itself, or the values of a dict, or the items of a tuple or list."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple | list) else ()
    return [item for item in items if isinstance(item, str)]


def module_constants(tree: ast.Module) -> dict:
    """A module's constants, {name: value}, read without running it (a page runs when it is imported)."""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                pass
    return constants


# The Train your own page's constants (its presets' titles, the words it explains, its widgets' keys).
TRAIN_PAGE = module_constants(ast.parse((settings.PROJECT_ROOT / "views" / "train.py").read_text()))


def messages_in_the_code() -> list[str]:
    """Every message passed to _() in app.py, views/ and ui/: literals, and a module's constants passed by name,
    as `_(WORDS)` or `_(PRESET_TITLES[name])` (views/train.py); and the texts ui/inside.py passes as constants."""
    found = []
    paths = [settings.PROJECT_ROOT / "app.py", *sorted((settings.PROJECT_ROOT / "views").glob("*.py"))]
    for path in paths + sorted((settings.PROJECT_ROOT / "ui").glob("*.py")):
        tree = ast.parse(path.read_text())
        constants = module_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                message = node.args[0]
                if isinstance(message, ast.Subscript):
                    message = message.value
                if isinstance(message, ast.Constant):
                    found.append(message.value)
                elif isinstance(message, ast.Name) and message.id in constants:
                    found += _strings(constants[message.id])
    return found + [INTRODUCTION, WHY_MAP_TEXT, NEIGHBOURS_TEXT, *LAYER_TEXT.values(), *PASSED_AS_VALUES]


def test_the_messages_passed_by_name_are_found():
    found = set(messages_in_the_code())
    assert set(TRAIN_PAGE["PRESET_TITLES"].values()) <= found
    assert TRAIN_PAGE["WORDS"] in found


def test_every_message_in_the_code_and_every_class_name_has_a_chinese_translation():
    chinese = i18n.catalogue("zh_CN")
    needed = messages_in_the_code() + [name for task in tasks.all_tasks() for name in (task.title, *task.class_names)]
    missing = [message for message in needed if any(c.isalpha() for c in message) and not chinese.get(message)]
    assert missing == []


def test_the_inside_views_texts_become_html_with_all_their_markup_in_both_languages():
    """The inside view turns its texts into HTML itself (ui/inside.py): only **bold** and *italic*, which must
    pair up in every translation, or a stray asterisk would show."""
    chinese = i18n.catalogue("zh_CN")
    for text in [WHY_MAP_TEXT, NEIGHBOURS_TEXT, *LAYER_TEXT.values()]:
        for shown in (text, chinese[text]):
            paragraph = text_html(shown)
            assert "*" not in paragraph, shown
            assert paragraph.count("<strong>") == 1 == paragraph.count("</strong>"), shown
    assert text_html("a < b and **c** *d*") == "<p>a &lt; b and <strong>c</strong> <em>d</em></p>"


def test_placeholders_survive_translation():
    for message, translated in i18n.catalogue("zh_CN").items():
        assert sorted(re.findall(r"\{\w+\}", message)) == sorted(re.findall(r"\{\w+\}", translated)), message


def test_markdown_and_paragraphs_survive_translation():
    """Bold, italics, code and paragraph breaks: as many in each translation as in its English message."""
    for message, translated in i18n.catalogue("zh_CN").items():
        for mark in ("**", "*", "`", "\n\n", "\n"):
            assert message.count(mark) == translated.count(mark), (mark, message)


def shown_texts(at: AppTest) -> list[str]:
    """The texts a page shows: titles, headers, paragraphs, captions, alerts, metric, expander and widget labels and
    help, progress bars' texts, button-group and choice-box options, and table headers."""
    texts = [
        element.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
        for element in at.get(kind)
    ]
    # st.html blocks (the pictures' captions, the inside view): their text without the page's CSS and the tags.
    texts += [html.unescape(TAG.sub(" ", STYLE.sub("", block.value))).strip() for block in at.html]
    texts += [metric.label for metric in at.metric] + [tab.label for tab in at.tabs]
    texts += [expander.label for expander in at.expander] + [bar.text for bar in at.progress if bar.text]
    texts += [option for group in at.button_group for option in group.options]
    texts += [option for box in at.selectbox for option in box.options]
    texts += [str(column) for table in at.dataframe for column in table.value.columns]
    widgets = ("toggle", "selectbox", "slider", "select_slider", "segmented_control", "button", "download_button")
    widgets += ("text_input", "number_input")
    texts += [text for kind in widgets for widget in at.get(kind) for text in (widget.label, getattr(widget, "help", "")) if text]
    # The language switch names each language in itself.
    return [text for text in texts if text != i18n.SWITCH_LABEL and text not in i18n.LANGUAGES.values()]


def app_in(language: str) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=120)
    at.session_state[i18n.LANGUAGE_KEY] = language
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_chinese_shows_no_untranslated_string(page, mnist_test):
    i18n.MISSING.clear()
    at = app_in("zh_CN")
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[0])
    at.run()
    if page == "views/handwriting.py":
        at.button(key="confirm").click().run()
    at.switch_page(page).run()
    if page == "views/draw.py":
        at.segmented_control(key="model_choice").set_value("Both").run()
    if page == "views/upload.py":
        at.pills(key="examples").set_value(["sneaker.jpg", "bag.jpg"]).run()
    assert not at.exception
    assert i18n.MISSING == set()
    assert_shown_in_chinese(at)


def assert_shown_in_chinese(at: AppTest) -> None:
    english = [text for text in shown_texts(at) if re.search(r"[A-Za-z]{4,}", UNTRANSLATED.sub("", MARKUP.sub("", text)))]
    assert english == [], english


@pytest.mark.parametrize(("language", "title"), [("en", "Draw a digit"), ("zh_CN", "画一个数字")])
def test_the_language_switch_changes_the_draw_page(language, title, mnist_test):
    at = app_in(language)
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[0])
    at.run()
    assert not at.exception
    assert at.title[0].value == title
    assert [header.value for header in at.subheader][-1] == {"en": "Inside the network", "zh_CN": "网络内部"}[language]


# A small network as the worker reports it, and the Train your own page in each state a learner meets it in:
# choosing a CNN, the teacher's password, then their network queued, training, stopping, finished or stopped.
TRAIN_SETTINGS = NetworkSettings(task="digits", kind="mlp", hidden=(32,), dropout=0.2, images=2_000, epochs=2, batch_size=64)
TRAIN_STATES = {
    "cnn": "Convolution blocks",
    "teacher": "That is not the teacher's password.",
    "queued": "In the queue: number {position}. The worker starts it when the jobs before it are done.",
    "training": "Validation images and the network's answers after the last epoch: blue when right, red when wrong.",
    "stopping": "Stopping after this batch…",
    "finished": "It is yours now: choose it on the Draw page (or on Upload clothing) to try it.",
    "stopped": "You stopped it: it answers with what it learned so far.",
}


def train_progress(epochs: int) -> dict:
    """What the worker reports after `epochs` epochs (classifier/train/learner.py): curves, and four answered images."""
    steps = -(-TRAIN_SETTINGS.images // TRAIN_SETTINGS.batch_size)
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(10), size=4).round(4).tolist()
    return {
        "step": steps * epochs,
        "steps": steps * TRAIN_SETTINGS.epochs,
        "epoch": epochs,
        "epochs": TRAIN_SETTINGS.epochs,
        "elapsed": 4.2 * epochs,
        "batches": [[step, 2.3 / step, 1 - 0.9 / step] for step in range(1, steps * epochs + 1)],
        "history": [
            {"epoch": epoch, "loss": 0.5 / epoch, "accuracy": 0.8, "val_loss": 0.45 / epoch, "val_accuracy": 0.85}
            for epoch in range(1, epochs + 1)
        ],
        "samples": {"images": [[0] * 784] * 4, "labels": [0, 1, 2, 3], "probabilities": probabilities},
    }


@pytest.mark.parametrize("state", list(TRAIN_STATES))
def test_the_train_page_in_chinese_shows_no_untranslated_string_in_any_state(state, monkeypatch):
    key = TRAIN_PAGE["KEY"]
    # AppTest finds a choice box's chosen option by formatting it again, outside the page's run, where the
    # session's language is not known: it is this test's, Chinese (the preset box's options are translated).
    language = i18n.language
    monkeypatch.setattr(i18n, "language", lambda: language() if get_script_run_ctx() else "zh_CN")
    visitor, store = uuid.uuid4().hex, NetworkStore()
    if state not in ("cnn", "teacher"):
        network = store.create(visitor, TRAIN_SETTINGS, "我的第一个网络")
    if state in ("training", "stopping", "finished", "stopped"):
        assert store.start(network.id)
        store.report(network.id, train_progress(1))
    if state == "stopping":
        assert store.request_stop(network.id, visitor)
    if state in ("finished", "stopped"):
        matrix = (np.eye(10, dtype=int) * 90 + 1).tolist()
        metrics = {"per_class_accuracy": [0.9] * 10, "confusion_matrix": matrix}
        assert store.finish(
            network.id,
            status=state,
            keras=b"keras",
            tflite=b"tflite",
            training_seconds=12.5,
            test_accuracy=0.9,
            metrics=metrics,
            progress=train_progress(2 if state == "finished" else 1),
        )
    i18n.MISSING.clear()
    at = app_in("zh_CN")
    at.session_state[ID_KEY] = visitor
    if state == "teacher":
        at.secrets[TRAIN_PAGE["TEACHER_SECRET"]] = "the teacher's"
    at.run()
    at.switch_page("views/train.py").run()
    if state == "cnn":
        at.selectbox(key=f"{key}preset-zh_CN").set_value("tutorial-digits-cnn").run()  # per_language's key
    if state == "teacher":
        at.text_input(key=key + "teacher").input("a guess").run()
        at.button(key="clear_board").click().run()
    assert not at.exception
    assert i18n.MISSING == set()
    shown = shown_texts(at)
    expected = i18n.catalogue("zh_CN")[TRAIN_STATES[state]].split("{")[0]
    assert any(text.startswith(expected) for text in shown), (expected, shown)
    assert_shown_in_chinese(at)
