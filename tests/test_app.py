"""Every page runs in Streamlit's AppTest without an exception and shows its key elements."""

from __future__ import annotations

import ast
import subprocess
import sys
import uuid

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from classifier.core import settings
from classifier.store.corrections import CorrectionStore
from classifier.store.database import DATABASE_URL_ENV
from classifier.train import synthetic
from tests.conftest import ADAPTATION_DIGIT, ADAPTATION_STYLE, large_digit, letter_drawing
from ui.canvas import INJECTED_DRAWING_KEY
from ui.corrections import get_store
from ui.i18n import per_language
from ui.visitor import ID_KEY as VISITOR_ID_KEY

TIMEOUT = 120


def app() -> AppTest:
    return AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=TIMEOUT)


def answers(at: AppTest) -> list[str]:
    """The answers shown: "Prediction", or "Best guess" where the domain check finds the drawing unlike a digit."""
    return [metric.value for metric in at.metric if metric.label in ("Prediction", "Best guess")]


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_the_draw_page_shows_a_hint_and_no_prediction_for_an_empty_canvas():
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Draw a digit"
    assert "Draw a digit" in at.info[0].value
    assert not [metric for metric in at.metric if metric.label == "Prediction"]
    assert not charts(at)


def test_the_draw_page_reads_a_drawn_test_digit(mnist_test):
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[0])
    at.run()
    assert not at.exception
    prediction = [metric for metric in at.metric if metric.label == "Prediction"]
    assert [metric.value for metric in prediction] == [str(mnist_test.labels[0])]
    assert len(charts(at)) == 1


def test_the_draw_page_shows_inside_the_network_for_both_models_and_hides_it_when_asked(mnist_test):
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[2])
    at.run()
    at.segmented_control(key="model_choice").set_value("Both").run()
    assert not at.exception
    assert "Inside the network" in [header.value for header in at.subheader]
    assert [tab.label for tab in at.tabs] == ["CNN", "MLP"]
    assert sum("Why-map" in block.value for block in at.html) == 2
    at.toggle(key="inside_view").set_value(False).run()
    assert "Inside the network" not in [header.value for header in at.subheader]


def test_the_draw_page_shows_both_models_side_by_side_and_colours_the_true_digit(mnist_test):
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[1])
    at.run()
    at.segmented_control(key="model_choice").set_value("Both")
    at.selectbox(key=per_language("true_digit")).set_value(int(mnist_test.labels[1]))
    at.run()
    assert not at.exception
    assert [metric.value for metric in at.metric if metric.label == "Prediction"] == [str(mnist_test.labels[1])] * 2
    assert len(charts(at)) == 2


def test_the_draw_page_says_a_drawn_letter_does_not_look_like_a_digit_and_still_shows_its_guess():
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = letter_drawing("K", np.random.default_rng(3))
    at.run()
    assert not at.exception
    assert "doesn't look like a digit" in at.warning[0].value
    assert [metric.label for metric in at.metric] == ["Best guess", "Confidence"] and len(charts(at)) == 1


def test_the_draw_page_treats_a_blank_drawing_as_an_empty_canvas():
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = np.zeros((280, 280, 4), dtype=np.uint8)
    at.run()
    assert not at.exception
    assert "empty" in at.info[0].value


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("views/upload.py", "Upload clothing"),
        ("views/curves.py", "Training curves"),
        ("views/explorer.py", "Test-set explorer"),
        ("views/handwriting.py", "Your handwriting"),
    ],
)
def test_every_other_page_runs_without_an_exception(page, title):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title[0].value == title


def test_the_upload_page_classifies_the_chosen_example_photos():
    at = app().run()
    at.switch_page("views/upload.py").run()
    at.pills(key="examples").set_value(["sneaker.jpg", "trouser.jpg"]).run()
    assert not at.exception
    assert [metric.value for metric in at.metric if metric.label == "Prediction"] == ["Sneaker", "Trouser"]
    assert len(charts(at)) == 2


def test_the_curve_page_shows_loss_and_accuracy_for_all_four_models():
    at = app().run()
    at.switch_page("views/curves.py").run()
    assert len(charts(at)) == 8
    assert len([metric for metric in at.metric if metric.label == "Test accuracy"]) == 4


def test_the_explorer_shows_fifteen_images_and_a_confusion_matrix_and_filters_mistakes():
    at = app().run()
    at.switch_page("views/explorer.py").run()
    assert len(charts(at)) == 15 + 1
    at.toggle(key="mistakes_only").set_value(True).run()
    assert not at.exception
    captions = [markdown.value for markdown in at.markdown if markdown.value.startswith(":")]
    assert captions and all(caption.startswith(":red[") for caption in captions)


@pytest.fixture
def damaged_models(tmp_path, monkeypatch):
    """A copy of the shipped models: the digits CNN truncated, the digits MLP's neighbours and fashion MLP's history gone."""
    import shutil

    import streamlit as st

    folder = tmp_path / "models"
    shutil.copytree(settings.MODELS_DIR, folder)
    cnn = folder / "digits-cnn.tflite"
    cnn.write_bytes(cnn.read_bytes()[:1000])
    (folder / "fashion-mlp.history.csv").unlink()
    (folder / "digits-mlp.neighbours.npz").unlink()
    monkeypatch.setattr(settings, "MODELS_DIR", folder)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield folder
    st.cache_resource.clear()
    st.cache_data.clear()


def first_test_digit_read_by(model_choice: str, mnist_test) -> AppTest:
    """The Draw page after the first MNIST test digit is drawn and `model_choice` (CNN, MLP, Both) is chosen."""
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[0])
    at.run()
    return at.segmented_control(key="model_choice").set_value(model_choice).run()


def test_a_damaged_model_is_explained_on_its_page_and_the_other_model_still_answers(damaged_models, mnist_test):
    at = first_test_digit_read_by("Both", mnist_test)
    assert not at.exception
    assert "digits-cnn.tflite is damaged" in at.error[0].value
    assert "python -m classifier train --task digits --model cnn" in at.error[0].value
    assert [metric.value for metric in at.metric if metric.label == "Prediction"] == [str(mnist_test.labels[0])]


def test_a_missing_neighbour_file_is_named_inside_the_network_and_the_answer_stays(damaged_models, mnist_test):
    at = first_test_digit_read_by("MLP", mnist_test)
    assert not at.exception
    assert [metric.value for metric in at.metric if metric.label == "Prediction"] == [str(mnist_test.labels[0])]
    (error,) = at.error
    assert error.value.startswith("Inside the MLP cannot be shown:")
    assert "digits-mlp.neighbours.npz" in error.value and "calibrate --task digits --model mlp" in error.value


def test_a_missing_history_is_explained_and_the_other_curves_still_show(damaged_models):
    at = app().run()
    at.switch_page("views/curves.py").run()
    assert not at.exception
    assert any("fashion-mlp.history.csv is missing" in warning.value for warning in at.warning)
    assert len(charts(at)) == 6


def test_a_number_written_on_the_wide_canvas_is_read_digit_by_digit(mnist_test):
    rng = np.random.default_rng(0)
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = synthetic.canvas_number([mnist_test.images[i] for i in (0, 1, 2)], rng)
    at.run()
    at.segmented_control(key="writing").set_value("A number").run()
    assert not at.exception
    assert at.title[0].value == "Write a number"
    numbers = [metric.value for metric in at.metric if metric.label == "Number"]
    assert numbers == ["".join(str(label) for label in mnist_test.labels[:3])]


def test_a_correction_is_stored_only_when_asked_and_found_on_the_handwriting_page_after_a_restart(mnist_test):
    get_store.clear()
    at = app()
    mine = at.session_state[VISITOR_ID_KEY] = uuid.uuid4().hex
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[3])
    at.run()
    assert CorrectionStore().corrections("digits", mine) == []
    at.selectbox(key=per_language("right_label")).set_value(8).run()
    at.button(key="correct").click().run()
    assert not at.exception
    assert "Saved as 8" in at.success[0].value
    # A new app process: the cached store is gone, the database is not.
    get_store.clear()
    again = app()
    again.session_state[VISITOR_ID_KEY] = mine
    again.run()
    again.switch_page("views/handwriting.py").run()
    assert not again.exception
    assert [correction.label for correction in CorrectionStore().corrections("digits", mine)] == [8]
    assert len([metric for metric in again.metric if "on these 1 drawings" in metric.label]) == 2
    again.button(key="delete_mine").click().run()
    assert not again.exception
    assert CorrectionStore().corrections("digits", mine) == []


def test_a_database_that_is_down_is_named_and_the_answer_stays(mnist_test, monkeypatch):
    from harness.browser import free_port

    monkeypatch.setenv(DATABASE_URL_ENV, f"postgresql+psycopg://app@127.0.0.1:{free_port()}/corrections")
    get_store.clear()
    at = app()
    at.session_state[INJECTED_DRAWING_KEY] = large_digit(mnist_test.images[0])
    at.run()
    at.button(key="confirm").click().run()
    assert not at.exception
    assert "Could not save it" in at.error[0].value and "127.0.0.1" in at.error[0].value
    assert [metric.value for metric in at.metric if metric.label == "Prediction"] == [str(mnist_test.labels[0])]
    at.switch_page("views/handwriting.py").run()
    assert not at.exception
    assert "cannot be shown" in at.error[0].value
    get_store.clear()


def test_adapting_to_my_handwriting_reads_a_style_i_corrected_and_says_so(digits_cnn):
    rng = np.random.default_rng(5)
    digit = ADAPTATION_DIGIT
    drawings = [synthetic.styled_digit(ADAPTATION_STYLE, rng) for _ in range(60)]
    misread = [drawing for drawing in drawings if digits_cnn.predict(drawing).label != digit]
    # A misread drawing to correct, and a later one that the correction should fix (not every pair is alike enough).
    first, later = next(
        (first, later)
        for first in misread
        for later in misread
        if later is not first
        and digits_cnn.predict(later, adapter=digits_cnn.adapter(digits_cnn.predict(first).image28[None], [digit])).label == digit
    )
    get_store.clear()
    at = app()
    at.session_state[VISITOR_ID_KEY] = uuid.uuid4().hex
    at.session_state[INJECTED_DRAWING_KEY] = first
    at.run()
    at.selectbox(key=per_language("right_label")).set_value(digit).run()
    at.button(key="correct").click().run()
    at.session_state[INJECTED_DRAWING_KEY] = later
    at.run()
    unadapted = str(digits_cnn.predict(later).label)
    assert answers(at) == [unadapted]
    at.toggle(key="adapt").set_value(True).run()
    assert not at.exception
    assert answers(at) == [str(digit)]
    assert any(f"you said was a {digit}" in caption.value for caption in at.caption)
    at.toggle(key="adapt").set_value(False).run()
    assert answers(at) == [unadapted]


def test_one_digit_of_a_number_is_corrected_and_stored_with_its_own_image(mnist_test, digits_cnn):
    rng = np.random.default_rng(1)
    drawing = synthetic.canvas_number([mnist_test.images[i] for i in (0, 1, 2)], rng)
    get_store.clear()
    at = app()
    mine = at.session_state[VISITOR_ID_KEY] = uuid.uuid4().hex
    at.session_state[INJECTED_DRAWING_KEY] = drawing
    at.run()
    at.segmented_control(key="writing").set_value("A number").run()
    at.selectbox(key=per_language("digit_to_check")).set_value(1).run()
    at.selectbox(key=per_language("right_label")).set_value(4).run()
    at.button(key="correct").click().run()
    assert not at.exception
    (stored,) = CorrectionStore().corrections("digits", mine)
    second = digits_cnn.read_number(drawing).digits[1]
    assert (stored.label, stored.predicted) == (4, second.prediction.label)
    assert np.array_equal(stored.image28, (second.prediction.image28 * 255).round().astype(np.uint8))
    left, top, right, bottom = second.box
    assert stored.drawing.shape[:2] == (bottom - top + 1, right - left + 1)


def test_the_draw_page_imports_neither_the_engine_nor_pandas_nor_sqlalchemy_before_its_canvas():
    """Its module-level imports stay light; the rest comes in ui.loaders.warm_up_in_background while the visitor draws."""
    tree = ast.parse((settings.PROJECT_ROOT / "views" / "draw.py").read_text())
    imports = [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    heavy = {"scipy", "pandas", "pyarrow", "altair", "sqlalchemy", "ai_edge_litert"}
    check = "\n".join([*imports, "import sys", f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r}))"])
    result = subprocess.run([sys.executable, "-c", check], cwd=settings.PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
