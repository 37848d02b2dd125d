"""End to end in Debian's Chromium: draw, upload, read the curves, and four users at once."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from classifier.core import tasks
from classifier.train import synthetic
from harness import browser
from harness.worker import worker_process
from tests.bad_files import catalogue
from tests.conftest import imported_modules

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served():
    with browser.streamlit_server() as (url, process, log):
        yield url, log


@pytest.fixture(scope="module")
def server(served):
    return served[0]


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as instance:
        yield instance


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        browser.screenshot(page, f"failed-{request.node.name}")
    context.close()


def test_a_vertical_stroke_on_the_canvas_reads_as_1(server, page):
    page.goto(server)
    browser.draw(page, "1")
    assert browser.wait_for_prediction(page, "1")[:1] == ["1"]
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
    assert browser.exceptions_on(page) == 0
    browser.screenshot(page, "draw-1")


def test_on_a_phone_a_finger_draws_without_scrolling_and_the_answer_is_on_the_same_screen(server, chromium):
    phone = {"width": 390, "height": 844}
    context = chromium.new_context(viewport=phone, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(server)
        canvas = browser.drawing_surface(page).bounding_box()
        assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= phone["width"]
        scrolled = "[window.scrollY, document.querySelector('[data-testid=stMain]').scrollTop]"
        before = page.evaluate(scrolled)
        browser.draw(page, "7", touch=True)
        assert browser.wait_for_prediction(page, "7")[:1] == ["7"]
        assert page.evaluate(scrolled) == before
        for label in ("Prediction", "Confidence"):
            answer = page.locator('[data-testid="stMetric"]').filter(has_text=label).first.bounding_box()
            assert answer["y"] + answer["height"] <= phone["height"], f"{label} is below the first screen"
        assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
        assert browser.exceptions_on(page) == 0
        page.screenshot(path=str(browser.ARTIFACTS / "phone-draw-7.png"))
    finally:
        context.close()


@pytest.mark.parametrize(("width", "side"), [(1024, "under"), (1280, "beside")])
def test_on_a_small_laptop_the_whole_canvas_shows_and_both_answers_come_on_the_expected_side(server, chromium, width, side):
    """With the sidebar open, 1024 pixels leave under 300 beside the canvas, so the answers go under it; 1280 leave more."""
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(server)
        page.locator('[data-testid="stSidebar"]').get_by_text("Both", exact=True).click()
        canvas = browser.drawing_surface(page).bounding_box()
        column = page.locator('.st-key-drawing [data-testid="stColumn"]').first.bounding_box()
        # The whole canvas lies inside its column: none of it is cut off.
        assert column["x"] <= canvas["x"] and canvas["x"] + canvas["width"] <= column["x"] + column["width"]
        browser.draw(page, "4")
        deadline = time.monotonic() + 60  # the MLP's answer comes a moment after the CNN's
        while browser.metric_values(page, "Prediction") != ["4", "4"] and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert browser.metric_values(page, "Prediction") == ["4", "4"]
        answer = page.locator('[data-testid="stMetricValue"]').first.bounding_box()
        beside = answer["x"] >= canvas["x"] + canvas["width"] and answer["y"] < canvas["y"] + canvas["height"]
        under = answer["y"] >= canvas["y"] + canvas["height"]
        assert {"beside": beside, "under": under}[side], f"at {width} px the answers are not {side} the canvas: {answer}"
        assert browser.exceptions_on(page) == 0
    finally:
        context.close()


def test_a_drawn_digit_shows_the_feature_maps_the_why_map_and_alike_training_images(server, page):
    page.goto(server)
    browser.draw(page, "7")
    assert browser.wait_for_prediction(page, "7")[:1] == ["7"]
    page.get_by_text("Why-map", exact=True).first.wait_for(timeout=30_000)
    shape = tasks.get("digits").cnn
    blocks = len(shape.filters)
    side = 28 >> blocks  # each pooling halves the maps, rounding down
    captions = (
        f"convolution 1: {shape.filters[0]} maps of 28x28",
        f"pooling {blocks}: {shape.filters[-1]} maps of {side}x{side}",
        "128 hidden units",
    )
    for caption in captions:
        page.get_by_text(caption, exact=True).wait_for(state="visible", timeout=30_000)
    # The input, the why-map and one strip of the six alike training images are pictures, and so is each
    # convolution, each pooling and the hidden units.
    layers = blocks * shape.convolutions_per_block + blocks + 1
    assert page.locator('[data-testid="stMain"] figure.pixels img').count() == 3 + layers
    assert browser.exceptions_on(page) == 0


def test_a_number_written_with_the_mouse_is_read_with_a_box_per_digit(server, page):
    page.goto(server)
    page.locator('[data-testid="stSidebar"]').get_by_text("A number", exact=True).click()
    page.get_by_text("to see the network read it digit by digit", exact=False).wait_for(timeout=30_000)
    browser.draw(page, "2026")
    deadline = time.monotonic() + 60
    while browser.metric_values(page, "Number") != ["2026"] and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert browser.metric_values(page, "Number") == ["2026"]
    assert browser.exceptions_on(page) == 0
    browser.screenshot(page, "draw-number-2026")


def test_the_first_click_on_the_language_switch_turns_the_page_chinese_even_opened_by_its_address(server, page):
    page.goto(f"{server}/curves")
    page.get_by_text("How each shipped model learned", exact=False).wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("简体中文").click()
    page.get_by_role("heading", name="训练曲线").wait_for(timeout=30_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("画数字").click()
    page.get_by_role("heading", name="画一个数字").wait_for(timeout=30_000)
    assert browser.exceptions_on(page) == 0


def test_a_choice_box_shown_before_the_language_switch_shows_its_choice_in_chinese_after_it(server, page):
    page.goto(server)
    shown = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first
    shown.wait_for(timeout=60_000)
    assert shown.input_value() == "(not saying)"
    page.locator('[data-testid="stSidebar"]').get_by_text("简体中文").click()
    page.get_by_role("heading", name="画一个数字").wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    while shown.input_value() != "（不说）" and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert shown.input_value() == "（不说）"
    assert browser.exceptions_on(page) == 0


def test_every_digit_drawn_with_the_mouse_is_recognised(server, page):
    seen = {}
    for digit in browser.STROKES:
        page.goto(server)
        browser.draw(page, digit)
        seen[digit] = (browser.wait_for_prediction(page, digit, timeout=20) or ["nothing"])[0]
        if seen[digit] != digit:
            browser.screenshot(page, f"misread-{digit}")
    assert seen == {digit: digit for digit in browser.STROKES}


def test_an_uploaded_product_photo_is_classified_and_bad_files_get_errors(server, page, fashion_test, tmp_path):
    sneaker = fashion_test.images[np.flatnonzero(fashion_test.labels == 7)[0]]
    (tmp_path / "sneaker.jpg").write_bytes(synthetic.photo_clothing(sneaker, np.random.default_rng(0)))
    bad = {
        name: content
        for name, (content, expected) in catalogue(fashion_test).items()
        if name in ("text.png", "truncated.jpg", "all-white.png")
    }
    for name, content in bad.items():
        (tmp_path / name).write_bytes(content)
    page.goto(f"{server}/upload")
    page.locator('input[type="file"]').set_input_files(
        [str(tmp_path / name) for name in ["text.png", "sneaker.jpg", "truncated.jpg", "all-white.png"]]
    )
    assert browser.wait_for_prediction(page, "Sneaker")[:1] == ["Sneaker"]
    errors = page.locator('[data-testid="stAlertContentError"]')
    errors.nth(2).wait_for(timeout=30_000)
    texts = " ".join(errors.nth(i).inner_text() for i in range(errors.count()))
    assert all(name in texts for name in bad)
    assert browser.exceptions_on(page) == 0
    browser.screenshot(page, "upload")


def test_the_sidebar_leads_to_the_training_curves_which_show_charts(server, page):
    page.goto(server)
    links = page.locator('[data-testid="stSidebarNavLink"]')
    links.filter(has_text="Test-set explorer").wait_for(timeout=60_000)
    titles = " ".join(links.nth(i).inner_text() for i in range(links.count()))
    assert all(title in titles for title in ("Draw digits", "Upload clothing", "Training curves", "Test-set explorer"))
    links.filter(has_text="Training curves").click()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
    assert page.locator("h1").first.inner_text() == "Training curves"
    assert browser.exceptions_on(page) == 0
    browser.screenshot(page, "curves")


def test_the_explorer_page_shows_images_and_charts(server, page):
    page.goto(f"{server}/explorer")
    page.locator('[data-testid="stVegaLiteChart"]').nth(15).wait_for(timeout=60_000)
    assert browser.exceptions_on(page) == 0
    browser.screenshot(page, "explorer")


def test_my_drawings_stay_mine_after_a_reload_and_delete_all_my_data_removes_them(server, chromium):
    """The anonymous id lives in a cookie from the first stored drawing: a reload is a new session with the same id."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    stranger = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server)
        browser.draw(page, "7")
        assert browser.wait_for_prediction(page, "7")[:1] == ["7"]
        page.get_by_role("button", name="Yes, it is 7").click()
        page.get_by_text("Saved as 7").first.wait_for(timeout=30_000)
        assert "draw_it_visitor" in [cookie["name"] for cookie in context.cookies()]
        page.reload()
        page.goto(f"{server}/handwriting")
        page.get_by_text("CNN on these 1 drawings").wait_for(timeout=60_000)
        other = stranger.new_page()
        other.goto(f"{server}/handwriting")
        other.get_by_text("Nothing is stored yet").wait_for(timeout=60_000)
        page.get_by_role("button", name="Delete all my data").click()
        page.get_by_text("Deleted 1 of your drawings and 0 of your networks.").wait_for(timeout=30_000)
        assert browser.exceptions_on(page) == 0 and browser.exceptions_on(other) == 0
    finally:
        context.close()
        stranger.close()


@pytest.fixture(scope="module")
def worker():
    """A worker beside the server (as app.sh starts one), on the same database: the test run's."""
    with worker_process({**os.environ, "CLASSIFIER_WORKER_NICE": "0"}) as process:
        yield process


def test_a_learner_trains_the_quick_preset_watches_it_then_draws_for_it_after_a_reload(server, chromium, worker):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/train")
        page.get_by_label("A name for it (on the class board)").fill("my first net")
        page.get_by_role("button", name="Start training").click()
        # The curves grow while it trains, then the results come, and it is on the class board.
        page.get_by_text("Test accuracy").first.wait_for(timeout=120_000)
        # Its live curves (2), its confusion matrix and its curves beside the shipped model's (2).
        page.wait_for_function("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 5", timeout=30_000)
        page.get_by_text("my first net").first.wait_for(timeout=10_000)
        browser.screenshot(page, "train-finished")
        page.reload()  # a new session, the same browser: the network is still this learner's
        page.goto(server)
        page.locator('[data-testid="stSidebar"]').get_by_text("Mine", exact=True).click()
        browser.draw(page, "1")
        deadline = time.monotonic() + 60
        while not browser.metric_values(page, "Prediction") and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert len(browser.metric_values(page, "Prediction")) == 1
        page.locator('[data-testid="stMain"]').get_by_text("Your network “my first net”").first.wait_for(timeout=10_000)
        page.get_by_text("has no “doesn't look like a digit” check").first.wait_for(timeout=10_000)
        assert browser.exceptions_on(page) == 0
    finally:
        context.close()


def test_four_users_drawing_at_once_each_see_their_own_digit(server, chromium):
    digits = ["1", "0", "7", "4"]
    with browser.users_drawing(chromium, server, digits) as (pages, seen):
        for page, digit in zip(pages, digits):
            browser.screenshot(page, f"concurrent-{digit}")
        assert seen == [[digit] for digit in digits]
        assert sum(browser.exceptions_on(page) for page in pages) == 0


def test_the_app_served_every_page_without_importing_tensorflow_or_keras(served):
    imported = imported_modules(served[1].read_text(errors="replace"))
    assert {"streamlit", "ai_edge_litert"} <= imported
    assert not imported & {"tensorflow", "keras", "tf_keras"}
