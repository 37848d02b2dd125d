"""A classroom at once: how many people drawing at the same time one `streamlit run app.py` process serves.

Usage: python bench/classroom.py [--users 10 20 30 40] [--seconds 45] [--think 1.0] [--processes 1]. Prints a Markdown
table and writes bench/results/classroom.json.

One real Chromium page opens the Draw page and draws a 7 with the mouse; the message its browser sends
to the server at the end of the stroke (Streamlit's own websocket protocol: a BackMsg with every
widget's state and the canvas's PNG) is the template for the simulated users. Each simulated user is
a websocket client, like a browser tab: it opens its own session, then again and again sends the
template with its own drawing in place of the 7 (MNIST test digits redrawn as canvas strokes), waits
for the new answer (the Prediction metric the server sends back), and "draws" the next stroke after
a random pause of up to 2 x `think` seconds. All settings are the page's defaults: CNN, inside view on.

Counted per level of users: answers right (the digit the CNN reads in that drawing, computed here
beforehand: another user's answer or a stale one counts as wrong), wrong, missing (no answer within
TIMEOUT) and failed (an error shown or the connection lost); the round trip of each stroke (sent to
answer received) as p50/p95/max; and the server's CPU (percent of one core) and resident memory. The
real page draws again at the end of each level and must still read its 7. The largest level with
p95 <= 1 s and nothing wrong, missing or failed is the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import random
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import websockets
from PIL import Image
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from classifier import load_classifier
from classifier.core import datasets
from classifier.train import synthetic
from harness import browser

RESULTS = Path(__file__).resolve().parent / "results" / "classroom.json"
TIMEOUT = 30.0
GOAL_USERS, GOAL_P95 = 30, 1.0
# The answer's metric: "Best guess" when the drawing does not look like a digit to the model.
ANSWER_LABELS = ("Prediction", "Best guess")


def template_stroke(chromium, url: str) -> tuple[bytes, object]:
    """Draw a 7 in a real page and return the BackMsg its browser sent at the end of the stroke, and the page."""
    sent: list[bytes] = []
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(payload)))
    page.goto(url)
    browser.drawing_surface(page)
    page.wait_for_timeout(1000)
    browser.draw(page, "7")
    if browser.wait_for_prediction(page, "7")[:1] != ["7"]:
        raise SystemExit("The real page did not read its 7: the app is broken, no load test.")
    strokes = [payload for payload in sent if isinstance(payload, bytes) and b"drawing" in payload]
    return strokes[-1], page


def canvas_widget(message: BackMsg):
    for widget in message.rerun_script.widget_states.widgets:
        if widget.id.endswith("-canvas"):
            return widget
    raise SystemExit("The template has no canvas state: has the canvas's key changed?")


def drawings(count: int, seed: int) -> list[tuple[str, str]]:
    """(PNG data URL, the CNN's answer for it) for MNIST test digits redrawn as the canvas sends them."""
    test = datasets.load_split("mnist", "test")
    rng = np.random.default_rng(seed)
    classifier = load_classifier("digits", "cnn")
    found = []
    for index in rng.choice(len(test.labels), count, replace=False):
        grey = synthetic.canvas_digit(test.images[index], rng, "white-on-black")[..., 0]
        rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
        buffer = io.BytesIO()
        Image.fromarray(rgba).save(buffer, "PNG")
        found.append(
            ("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), classifier.predict(rgba).class_name)
        )
    return found


async def answer(socket) -> tuple[str | None, bool]:
    """Read messages to the end of the script run: the Prediction shown, and whether an error was shown."""
    prediction, failed = None, False
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "metric" and element.metric.label in ANSWER_LABELS:
                prediction = element.metric.body
            failed |= element.WhichOneof("type") == "exception"
        if kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return prediction, failed


async def user(url: str, template: bytes, mine: list[tuple[str, str]], until: float, think: float, tally: dict) -> None:
    stroke = BackMsg()
    stroke.ParseFromString(template)
    canvas = canvas_widget(stroke)
    state = json.loads(canvas.json_value)
    first = BackMsg()
    first.rerun_script.CopyFrom(stroke.rerun_script)
    first.rerun_script.ClearField("widget_states")
    # A stroke reruns only the Draw page's fragment; a new session first runs the whole page, as a browser does.
    first.rerun_script.ClearField("fragment_id")
    try:
        async with websockets.connect(
            url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None
        ) as socket:
            await socket.send(first.SerializeToString())
            await asyncio.wait_for(answer(socket), TIMEOUT)
            for data_url, expected in iter(lambda: random.choice(mine), None):
                if time.monotonic() > until:
                    return
                state["drawing"]["data"] = data_url
                canvas.json_value = json.dumps(state)
                start = time.monotonic()
                await socket.send(stroke.SerializeToString())
                try:
                    shown, failed = await asyncio.wait_for(answer(socket), TIMEOUT)
                except TimeoutError:
                    tally["missing"] += 1
                    return
                tally["seconds"].append(time.monotonic() - start)
                tally["failed" if failed else "right" if shown == expected else "wrong" if shown else "missing"] += 1
                await asyncio.sleep(random.uniform(0, 2 * think))
    except (OSError, websockets.WebSocketException):
        tally["failed"] += 1


def app_processes() -> list[psutil.Process]:
    """Every `streamlit run` process on this machine (one, or those behind nginx)."""
    return [process for process in psutil.process_iter(["cmdline"]) if {"streamlit", "run"} <= set(process.info["cmdline"] or ())]


def sample_server(stop: threading.Event, samples: list) -> None:
    """(CPU percent of one core, resident MB) of the app processes together, every half second."""
    processes = app_processes()
    for process in processes:
        process.cpu_percent()
    while not stop.wait(0.5):
        samples.append(
            (sum(process.cpu_percent() for process in processes), sum(process.memory_info().rss for process in processes) / 1e6)
        )


def level(url: str, template: bytes, users: int, seconds: float, think: float, pool) -> dict:
    tally = {"right": 0, "wrong": 0, "missing": 0, "failed": 0, "seconds": []}
    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=sample_server, args=(stop, samples))
    sampler.start()

    async def everyone() -> None:
        until = time.monotonic() + seconds
        tasks = []
        for index in range(users):
            tasks.append(asyncio.create_task(user(url, template, pool[index::users] or pool, until, think, tally)))
            await asyncio.sleep(0.1)  # people open the page within a few seconds of each other
        await asyncio.gather(*tasks)

    # In a thread of its own: Playwright's synchronous API keeps an event loop running in this one.
    runner = threading.Thread(target=asyncio.run, args=(everyone(),))
    runner.start()
    runner.join()
    stop.set()
    sampler.join()
    times = np.array(tally.pop("seconds")) if tally["right"] + tally["wrong"] else np.array([np.nan])
    cpu, memory = (np.array([sample[i] for sample in samples]) for i in (0, 1))
    return tally | {
        "users": users,
        "answers": int(len(times)),
        "p50_s": round(float(np.percentile(times, 50)), 3),
        "p95_s": round(float(np.percentile(times, 95)), 3),
        "max_s": round(float(np.max(times)), 3),
        "server_cpu_percent_mean": round(float(cpu.mean()), 1),
        "server_rss_mb_max": round(float(memory.max()), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 20, 30, 40])
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between an answer and the next stroke (s)")
    parser.add_argument("--processes", type=int, default=1, help="app processes; more than 1 are put behind nginx (deploy/)")
    args = parser.parse_args()
    pool = drawings(200, seed=0)
    rows = []
    if args.processes > 1:
        from deploy.serve import cluster

        served = cluster(args.processes, f"127.0.0.1:{browser.free_port()}")
    else:
        served = browser.streamlit_server()
    with served as (url, *_), browser.chromium() as chromium:
        template, page = template_stroke(chromium, url)
        print("| users | answers | right | wrong | missing | failed | p50 | p95 | max | server CPU | server memory | real page |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for users in args.users:
            row = level(url, template, users, args.seconds, args.think, pool)
            page.reload()
            browser.drawing_surface(page)
            page.wait_for_timeout(1000)
            browser.draw(page, "7")
            row["real_page_read_7"] = browser.wait_for_prediction(page, "7")[:1] == ["7"]
            rows.append(row)
            print(
                f"| {users} | {row['answers']} | {row['right']} | {row['wrong']} | {row['missing']} | {row['failed']} "
                f"| {1000 * row['p50_s']:.0f} ms | {1000 * row['p95_s']:.0f} ms | {1000 * row['max_s']:.0f} ms "
                f"| {row['server_cpu_percent_mean']:.0f} % | {row['server_rss_mb_max']:.0f} MB | {row['real_page_read_7']} |",
                flush=True,
            )
    served = [
        row["users"]
        for row in rows
        if row["p95_s"] <= GOAL_P95 and row["wrong"] + row["missing"] + row["failed"] == 0 and row["real_page_read_7"]
    ]
    largest = max(served, default=0)
    print(
        f"\nLargest number of users with p95 <= {GOAL_P95} s and nothing wrong, missing or failed: {largest} (goal {GOAL_USERS})"
    )
    settings = {"seconds": args.seconds, "think_s": args.think, "processes": args.processes, "cpus": psutil.cpu_count()}
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[f"{args.processes} process" + "es" * (args.processes > 1)] = {
        "settings": settings,
        "levels": rows,
        "largest_users": largest,
    }
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
