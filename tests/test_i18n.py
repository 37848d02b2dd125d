"""Every page in English and Simplified Chinese: every string it shows has a translation in the one catalogue."""

from __future__ import annotations

import ast
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from classifier.core import settings, tasks
from tests.conftest import large_digit
from ui import i18n
from ui.canvas import INJECTED_DRAWING_KEY
from ui.inside import INTRODUCTION, LAYER_TEXT, NEIGHBOURS_TEXT, WHY_MAP_TEXT, text_html

PAGES = ["views/draw.py", "views/upload.py", "views/curves.py", "views/explorer.py", "views/handwriting.py"]
# Names that stay as they are in Chinese text: models, datasets, file formats, units.
UNTRANSLATED = re.compile(
    r"\b(CNN|MLP|MNIST|Fashion-MNIST|TensorFlow|dropout|epoch|CSV|MB|png|jpe?g|gif|bmp|webp|tiff?|[a-z-]+\.jpg)\b",
    re.IGNORECASE,
)
# Streamlit's own Markdown for coloured text, e.g. ":blue[...]".
MARKUP = re.compile(r":(blue|red)\[|`[^`]*`")
STYLE, TAG = re.compile(r"<style>.*?</style>", re.DOTALL), re.compile(r"<[^>]*>")


def messages_in_the_code() -> list[str]:
    """Every literal message passed to _() in app.py, views/ and ui/, and the texts ui/inside.py passes as constants."""
    found = []
    paths = [settings.PROJECT_ROOT / "app.py", *sorted((settings.PROJECT_ROOT / "views").glob("*.py"))]
    for path in paths + sorted((settings.PROJECT_ROOT / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    found.append(node.args[0].value)
    return found + [INTRODUCTION, WHY_MAP_TEXT, NEIGHBOURS_TEXT, *LAYER_TEXT.values()]


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


def shown_texts(at: AppTest) -> list[str]:
    """The texts a page shows: titles, headers, paragraphs, captions, alerts, metric and widget labels, button-group options."""
    texts = [
        element.value
        for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success")
        for element in at.get(kind)
    ]
    # st.html blocks (the pictures' captions, the inside view): their text without the page's CSS and the tags.
    texts += [html.unescape(TAG.sub(" ", STYLE.sub("", block.value))).strip() for block in at.html]
    texts += [metric.label for metric in at.metric] + [tab.label for tab in at.tabs]
    texts += [option for group in at.button_group for option in group.options]
    texts += [
        widget.label for kind in ("toggle", "selectbox", "slider", "segmented_control", "button") for widget in at.get(kind)
    ]
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
