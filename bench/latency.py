"""How long a person waits, in Chromium: the Draw page against a bare Streamlit app with the same canvas and one metric.

Usage: python bench/latency.py [--rounds 3] [--strokes 8]. Prints the medians and their ratios and writes
bench/results/latency.json. The bare app runs twice: with Streamlit's defaults (the floor the goals
compare with) and with this app's server settings (.streamlit/config.toml: no garbage collection after
every run, no file watcher), which make it faster too. The machine's speed drifts, so the apps
alternate, `rounds` times each:
- first answer: from `streamlit run` to the first answer shown after a digit is drawn (ours: the
  Prediction metric; bare: the metric);
- one more stroke: `strokes` further short strokes, each timed from the mouse button's release to the
  new answer shown (ours: the new 28x28 picture the model saw, and, with the inside view on, as it is
  by default, the last picture of that view, the hidden units; bare: the new metric value).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from harness import browser

RESULTS = Path(__file__).resolve().parent / "results" / "latency.json"
BARE_APP = "bench/bare_app.py"
PICTURES = '[data-testid="stMain"] figure.pixels img'
METRIC = '[data-testid="stMetricValue"]'
# Waits in the page for the n-th (0 = first, -1 = last) element of a selector to differ from what it was.
CHANGED = """([selector, which, before, attribute]) => {
    const all = document.querySelectorAll(selector);
    if (!all.length) return false;
    const element = all[which < 0 ? all.length + which : which];
    const now = attribute ? element.getAttribute(attribute) : element.innerText;
    return now !== before;
}"""


def current(page, selector: str, which: int, attribute: str | None) -> str | None:
    elements = page.locator(selector)
    if elements.count() == 0:
        return None
    element = elements.nth(which if which >= 0 else elements.count() + which)
    return element.get_attribute(attribute) if attribute else element.inner_text()


def stroke(page, index: int) -> float:
    """Draw one short stroke below the digit; return the time the mouse button was released."""
    box = browser.drawing_surface(page).bounding_box()
    scale = box["width"] / 280
    y = box["y"] + (245 + 4 * (index % 5)) * scale
    x0 = box["x"] + (40 + 25 * (index % 7)) * scale
    page.mouse.move(x0, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x0 + 3 * step * scale, y)
    page.mouse.up()
    return time.perf_counter()


# Streamlit's defaults for the settings of .streamlit/config.toml that change its speed.
STREAMLIT_DEFAULTS = {"runner.postScriptGC": "true", "server.fileWatcherType": "auto"}
APPS = {"bare": (BARE_APP, STREAMLIT_DEFAULTS), "bare, our settings": (BARE_APP, None), "ours": ("app.py", None)}


def measure(chromium, name: str, strokes: int) -> dict:
    script, options = APPS[name]
    ours = script == "app.py"
    page = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    started = time.perf_counter()
    with browser.streamlit_server(script=script, options=options) as (url, server, _):
        page.goto(url)
        browser.draw(page, "1")
        # Both wait for their first metric the same way, checked at every frame: ours shows the Prediction
        # first, and the bare app's ink count is no longer 0.
        answered = "m.innerText === '1'" if ours else "m.innerText !== '0'"
        page.wait_for_function(
            f"() => {{ const m = document.querySelector('{METRIC}'); return m && {answered}; }}", polling="raf", timeout=60_000
        )
        first = time.perf_counter() - started
        page.wait_for_timeout(1500)
        answers, wholes = [], []
        for index in range(strokes):
            watched = [(PICTURES, 0, "src"), (PICTURES, -1, "src")] if ours else [(METRIC, 0, None)]
            before = [current(page, *what) for what in watched]
            released = stroke(page, index)
            for (selector, which, attribute), old in zip(watched, before):
                page.wait_for_function(CHANGED, arg=[selector, which, old, attribute], polling="raf", timeout=30_000)
                (answers if which == 0 else wholes).append(1000 * (time.perf_counter() - released))
            page.wait_for_timeout(700)
    page.context.close()
    return {"first_answer_s": first, "stroke_ms": answers, "stroke_whole_view_ms": wholes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=8)
    args = parser.parse_args()
    runs = {name: [] for name in APPS}
    with browser.chromium() as chromium:
        for _ in range(args.rounds):
            for name in APPS:
                runs[name].append(measure(chromium, name, args.strokes))
    summary = {}
    for name, measured in runs.items():
        summary[name] = {
            "first_answer_s": float(np.median([run["first_answer_s"] for run in measured])),
            "stroke_ms": float(np.median([ms for run in measured for ms in run["stroke_ms"]])),
        }
        wholes = [ms for run in measured for ms in run["stroke_whole_view_ms"]]
        if wholes:
            summary[name]["stroke_whole_view_ms"] = float(np.median(wholes))
    ours = summary["ours"]
    summary["ratios"] = {
        bare: {
            "first_answer": ours["first_answer_s"] / summary[bare]["first_answer_s"],
            "stroke": ours["stroke_ms"] / summary[bare]["stroke_ms"],
            "stroke_whole_view": ours["stroke_whole_view_ms"] / summary[bare]["stroke_ms"],
        }
        for bare in APPS
        if bare != "ours"
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"rounds": args.rounds, "strokes": args.strokes, "summary": summary, "runs": runs}, indent=1) + "\n"
    )
    floor, tuned = summary["bare"], summary["bare, our settings"]
    ratios, tuned_ratios = summary["ratios"]["bare"], summary["ratios"]["bare, our settings"]
    header = "| bare app | this app | ratio | bare app, our settings | ratio |"
    print(f"| measure (median of {args.rounds} alternating rounds) {header}")
    print("|---|---|---|---|---|---|")
    print(
        f"| `streamlit run` to the first answer | {floor['first_answer_s']:.2f} s | {ours['first_answer_s']:.2f} s "
        f"| {ratios['first_answer']:.2f} | {tuned['first_answer_s']:.2f} s | {tuned_ratios['first_answer']:.2f} |"
    )
    print(
        f"| one more stroke to the new answer | {floor['stroke_ms']:.0f} ms | {ours['stroke_ms']:.0f} ms "
        f"| {ratios['stroke']:.2f} | {tuned['stroke_ms']:.0f} ms | {tuned_ratios['stroke']:.2f} |"
    )
    print(
        f"| one more stroke to the whole inside view | {floor['stroke_ms']:.0f} ms | {ours['stroke_whole_view_ms']:.0f} ms "
        f"| {ratios['stroke_whole_view']:.2f} | {tuned['stroke_ms']:.0f} ms | {tuned_ratios['stroke_whole_view']:.2f} |"
    )


if __name__ == "__main__":
    main()
