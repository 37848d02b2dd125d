"""A real `streamlit run app.py` server on a free port, Debian's Chromium driven by Playwright, and strokes that draw digits."""

from __future__ import annotations

import math
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from classifier.core import settings
from deploy.serve import stop, wait_until_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = settings.PROJECT_ROOT / "test-artifacts"

# Strokes in canvas pixels (280x280) that draw each digit as a person would.
_TURNS = [step / 24 * math.tau for step in range(25)]
STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "0": [[(140 + 60 * math.sin(t), 140 - 90 * math.cos(t)) for t in _TURNS]],
    "1": [[(140, 50), (140, 230)]],
    "2": [[(90, 90), (110, 60), (150, 50), (185, 70), (190, 105), (170, 140), (90, 230), (200, 230)]],
    "3": [[(90, 60), (150, 50), (190, 80), (180, 120), (140, 135), (180, 150), (195, 190), (170, 225), (120, 232), (85, 215)]],
    "4": [[(160, 45), (80, 170), (210, 170)], [(170, 90), (170, 240)]],
    "5": [[(190, 50), (100, 50), (92, 130), (140, 120), (185, 145), (195, 185), (170, 220), (120, 230), (85, 215)]],
    "6": [
        [
            (180, 55),
            (130, 80),
            (100, 140),
            (95, 190),
            (120, 228),
            (160, 230),
            (190, 200),
            (185, 160),
            (150, 140),
            (115, 150),
            (98, 180),
        ]
    ],
    "7": [[(80, 60), (200, 60), (120, 235)]],
    "8": [[(140 + 55 * math.sin(2 * t), 140 - 90 * math.cos(t)) for t in _TURNS]],
    "9": [[(140 + 45 * math.cos(t), 95 - 45 * math.sin(t)) for t in _TURNS] + [(180, 160), (175, 235)]],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(
    timeout: float = 90, script: str = "app.py", options: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """Start `streamlit run app.py` (or another script) on a free local port; once healthy, yield its URL, process and log.

    `options` are Streamlit settings given on the command line, over .streamlit/config.toml.
    """
    port = free_port()
    # -X importtime logs every module the server imports, so a test can check what was never imported.
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        *(f"--{name}={value}" for name, value in (options or {}).items()),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")
    server = subprocess.Popen(command, cwd=settings.PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(f"{url}/_stcore/health", server, timeout, log.name)
        yield url, server, Path(log.name)
    finally:
        stop([server])
        log.close()


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def users_drawing(chromium_browser, url: str, digits: list[str]) -> Iterator[tuple[list, list[list[str]]]]:
    """One browser session per digit, all open at once: each draws its digit; yield the pages and each one's answer."""
    contexts = [chromium_browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in digits]
    pages = [context.new_page() for context in contexts]
    try:
        for page in pages:
            page.goto(url)
            drawing_surface(page)
        for page, digit in zip(pages, digits):
            draw(page, digit)
        yield pages, [wait_for_prediction(page, digit)[:1] for page, digit in zip(pages, digits)]
    finally:
        for context in contexts:
            context.close()


def drawing_surface(page):
    """The canvas that takes mouse input (fabric.js puts an 'upper' canvas over the drawing)."""
    surface = page.locator("canvas.upper-canvas").first
    surface.wait_for(state="visible", timeout=60_000)
    return surface


def draw(page, digits: str, touch: bool = False) -> None:
    """Draw digits left to right on the canvas, one stroke at a time, with the mouse or (`touch`) a finger.

    Each digit is drawn in a 280-pixel square scaled to the canvas height, DIGIT_STEP squares' widths apart.
    Touch strokes are real touch events (Chrome DevTools Protocol), for a context made with `has_touch=True`.
    """
    box = drawing_surface(page).bounding_box()
    scale = box["height"] / 280
    pointer = _Finger(page) if touch else _Mouse(page)
    for index, digit in enumerate(digits):
        _draw_strokes(page, pointer, STROKES[digit], box["x"] + index * DIGIT_STEP * 280 * scale, box["y"], scale)


# Digits of a number are drawn this fraction of a 280-pixel square apart (each is about 130 wide).
DIGIT_STEP = 0.6


class _Mouse:
    def __init__(self, page) -> None:
        self._mouse = page.mouse

    def down(self, x: float, y: float) -> None:
        self._mouse.move(x, y)
        self._mouse.down()

    def move(self, x: float, y: float) -> None:
        self._mouse.move(x, y)

    def up(self) -> None:
        self._mouse.up()


class _Finger:
    def __init__(self, page) -> None:
        self._session = page.context.new_cdp_session(page)

    def _touch(self, kind: str, points: list[dict]) -> None:
        self._session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def down(self, x: float, y: float) -> None:
        self._touch("touchStart", [{"x": x, "y": y}])

    def move(self, x: float, y: float) -> None:
        self._touch("touchMove", [{"x": x, "y": y}])

    def up(self) -> None:
        self._touch("touchEnd", [])


def _draw_strokes(page, pointer, strokes: list[list[tuple[float, float]]], left: float, top: float, scale: float) -> None:
    for stroke in strokes:
        points = [(left + x * scale, top + y * scale) for x, y in stroke]
        pointer.down(*points[0])
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            for step in range(1, 9):
                pointer.move(x0 + (x1 - x0) * step / 8, y0 + (y1 - y0) * step / 8)
        pointer.up()
        page.wait_for_timeout(300)


def metric_values(page, label: str) -> list[str]:
    metrics = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return [metrics.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip() for i in range(metrics.count())]


def wait_for_prediction(page, expected: str, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    values: list[str] = []
    while time.monotonic() < deadline:
        values = metric_values(page, "Prediction")
        if values and values[0] == expected:
            return values
        page.wait_for_timeout(250)
    return values


def exceptions_on(page) -> int:
    return page.locator('[data-testid="stException"]').count()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def resident_memory_mb(process: subprocess.Popen) -> float:
    """Resident memory of a server process and its children, in MB."""
    import psutil

    parent = psutil.Process(process.pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 1e6
