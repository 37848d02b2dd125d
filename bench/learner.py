"""Train your own, measured: how soon a learner sees a curve, how long the tutorials' networks take on the worker,
what the queue and its live progress cost, a class submitting at once, and the Draw page while the worker trains.

Usage: python bench/learner.py [--class-size 30] [--rounds 8] [--skip-class] [--skip-latency] [--no-idle]. Prints a
Markdown table and writes bench/results/learner.json. Everything runs on a temporary SQLite database
($CLASSIFIER_DATABASE_URL, for every process started here) with one worker, `python -m classifier worker`, at
its default settings (one thread, niceness 10), warmed by a first quick job:
- the first curve point: from `submit` to progress with a first batch in the database (polled every
  POLL_SECONDS; the page itself redraws every second), the median of 3 quick jobs;
- the tutorials' networks on 10,000 training images for 3 epochs (seed 0): the Fashion-MNIST MLP (Dense 128,
  Adam, batch 32) and the MNIST CNN (Conv 16, pool, Conv 32, pool, Dense 128, batch 64), from `submit` to
  finished, and their test accuracy; the CNN's also with the seeds OTHER_SEEDS, its goal judged on the mean,
  and when the mean misses it with batch 64, all again with batch 32;
- the overhead of the queue and the live progress: an epoch of the CNN's job (epochs 2 and 3, from the
  `elapsed` the worker reports at each epoch's end) against an epoch of the same `model.fit` in a bare process
  with the same threads and niceness and no progress callback; the two alternate, OVERHEAD_ROUNDS times each, and
  the medians of their epochs compare;
- a class: `--class-size` learners, each a new visitor, submit the quick preset evenly within a minute: how many
  finish, fail or are lost, each one's wait from submit to start, the whole class's time, the worker's peak
  resident memory and the app's before and after; meanwhile people draw on the Draw page in Chromium (a new
  session draws a 1, then a short stroke 0.7 s after the answer: the stroke's release to its answer);
- the Draw page while the worker trains a long job: the same second stroke, this app against the bare app
  (bench/bare_app.py with Streamlit's defaults, as bench/latency.py), alternating, `--rounds` sessions each; and
  the same with the worker idle, unless `--no-idle`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import psutil
from latency import APPS, CHANGED, METRIC, PICTURES, current, stroke
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from classifier.core import networks, settings
from classifier.core.errors import ClassifierError
from classifier.core.networks import NetworkSettings
from classifier.jobs import DEFAULT_NICE, DEFAULT_THREADS, NICE_ENV, THREADS_ENV, submit
from classifier.store.database import DATABASE_URL_ENV
from classifier.store.networks import Network, NetworkStore

# bench/docs.py, beside this script: the table printed is the one docs/benchmarks.md shows.
from docs import render_learner
from harness import browser, worker
from harness.results import measured_alike

RESULTS = Path(__file__).resolve().parent / "results" / "learner.json"
ENDED = ("finished", "stopped", "failed")
# How often a job's progress is read (seconds).
POLL_SECONDS = 0.05
QUICK = networks.PRESETS["quick"]
FIRST_POINT_JOBS = 3
# The tutorials' networks as their tutorials train them, on 10,000 training images for 3 epochs.
TUTORIAL_MLP = NetworkSettings(
    task="fashion", kind="mlp", hidden=(128,), optimizer="adam", batch_size=32, images=10_000, epochs=3, seed=0
)
TUTORIAL_CNN = NetworkSettings(
    task="digits", kind="cnn", filters=(16, 32), dense=128, optimizer="adam", batch_size=64, images=10_000, epochs=3, seed=0
)
# The batch size to try when the CNN misses its accuracy goal with the tutorial's.
SMALLER_BATCH = 32
OVERHEAD_ROUNDS = 3
# Seeds besides 0 the CNN trains with too (each another draw of images, first weights and order): one seed's
# test accuracy varies by more than half a point, about as far as the goal is from the mean, so the goal is
# judged on the mean of all ten.
OTHER_SEEDS = tuple(range(1, 10))
# Long enough to train through the Draw page's rounds (about a minute on one thread); resubmitted if it ends.
LONG = NetworkSettings(task="digits", kind="mlp", hidden=(256, 256), images=50_000, epochs=5, batch_size=32)
CLASS_SECONDS = 60.0
# After the last submission, how long the class's jobs may take to end before the rest count as lost (seconds).
CLASS_TIMEOUT = 600.0
# A person draws the next stroke this long after the answer appeared (seconds).
PAUSE_MS = 700
GOALS = {
    "first_point_s": 3.0,
    "tutorial_mlp_s": 15.0,
    "tutorial_cnn_s": 45.0,
    "tutorial_cnn_accuracy": 0.97,
    "overhead_ratio": 1.10,
    "class_stroke_p95_ms": 1000.0,
    "while_training_ratio": 1.2,
}


@contextmanager
def worker_process(log: Path) -> Iterator[subprocess.Popen]:
    """`python -m classifier worker` with its default threads and niceness, on $CLASSIFIER_DATABASE_URL."""
    defaults = {key: value for key, value in os.environ.items() if key not in (THREADS_ENV, NICE_ENV)}
    with worker.worker_process(defaults, log) as process:
        yield process


def follow(store: NetworkStore, network_id: str, submitted: float, timeout: float = 600.0) -> dict:
    """Read a job's progress every POLL_SECONDS until it ends: when its first curve point was seen (seconds after
    `submitted`, a perf_counter), and the `elapsed` the worker reported at the end of each epoch."""
    first_point, epoch_ends = None, {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        network = store.get(network_id)
        progress = network.progress
        if first_point is None and progress.get("step", 0) >= 1:
            first_point = time.perf_counter() - submitted
        epochs = len(progress.get("history", []))
        if epochs and epochs not in epoch_ends:
            epoch_ends[epochs] = progress["elapsed"]
        if network.status in ENDED:
            return {"network": network, "first_point_s": first_point, "epoch_ends_s": [epoch_ends[k] for k in sorted(epoch_ends)]}
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"The job {network_id} is still {store.get(network_id).status} after {timeout:.0f} s: is the worker up?")


def run_job(store: NetworkStore, job: NetworkSettings, name: str = "") -> dict:
    """Submit one job as a new visitor and follow it to its end; raise SystemExit unless it finished."""
    submitted = time.perf_counter()
    network = submit(uuid.uuid4().hex, job, name, store=store)
    followed = follow(store, network.id, submitted)
    ended: Network = followed["network"]
    if ended.status != "finished":
        raise SystemExit(f"The job {name or network.id} ended {ended.status}: {ended.message}")
    return {
        "first_point_s": round(followed["first_point_s"], 3),
        "submit_to_finished_s": round(ended.finished_at - ended.created_at, 2),
        "training_seconds": ended.training_seconds,
        "test_accuracy": round(ended.test_accuracy, 4),
        "epoch_ends_s": followed["epoch_ends_s"],
    }


def later_epochs(epoch_ends: list[float]) -> list[float]:
    """The seconds of each epoch from the second on, from the seconds at each epoch's end (the first also traces)."""
    return [round(end - before, 3) for before, end in zip(epoch_ends, epoch_ends[1:])]


def bare_fit(settings_json: str) -> None:
    """In a process of its own: the job's model.fit with the worker's threads and niceness, the same data, model
    and compilation as classifier/train/learner.py, and no progress callback; print the seconds at each epoch's end."""
    os.nice(DEFAULT_NICE)
    import keras

    from classifier.train import learner

    learner.warm_up(DEFAULT_THREADS)
    job = NetworkSettings.from_json(settings_json)
    keras.utils.set_random_seed(job.seed)
    # The learner's own data and optimiser, so that the two fits differ only in the queue and the progress.
    training, validation, _ = learner._data(job)
    model = learner.build(job)
    model.compile(
        optimizer=learner._optimizer(job),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    epoch_ends = []

    class EpochEnds(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            epoch_ends.append(time.monotonic() - started)

    started = time.monotonic()
    model.fit(
        learner._inputs(training.images),
        training.labels,
        batch_size=job.batch_size,
        epochs=job.epochs,
        validation_data=(learner._inputs(validation.images), validation.labels),
        callbacks=[EpochEnds()],
        verbose=0,
    )
    print(json.dumps(epoch_ends))


def bare_epoch_ends(job: NetworkSettings) -> list[float]:
    environment = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [sys.executable, __file__, "--bare-fit", job.to_json()],
        cwd=settings.PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def tutorials_and_overhead(store: NetworkStore) -> tuple[dict, dict]:
    """The tutorials' networks on the worker, and the CNN's epochs on the queue against a bare fit's, alternating."""
    mlp = {"settings": json.loads(TUTORIAL_MLP.to_json()), **run_job(store, TUTORIAL_MLP, "tutorial MLP")}
    print(f"tutorial MLP: {mlp['submit_to_finished_s']:.1f} s, test accuracy {mlp['test_accuracy']:.4f}", flush=True)
    bare, queued = [], []
    for _ in range(OVERHEAD_ROUNDS):
        bare.append(bare_epoch_ends(TUTORIAL_CNN))
        queued.append(run_job(store, TUTORIAL_CNN, "tutorial CNN"))
        print(
            f"CNN epochs 2 on: bare {later_epochs(bare[-1])} s, queued {later_epochs(queued[-1]['epoch_ends_s'])} s; "
            f"job {queued[-1]['submit_to_finished_s']:.1f} s, test accuracy {queued[-1]['test_accuracy']:.4f}",
            flush=True,
        )
    cnn = {"settings": json.loads(TUTORIAL_CNN.to_json()), **queued[0]}
    cnn["submit_to_finished_s"] = statistics.median(run["submit_to_finished_s"] for run in queued)
    tutorials = {"mlp": mlp, "cnn": cnn | other_seeds(store, TUTORIAL_CNN, cnn["test_accuracy"])}
    if tutorials["cnn"]["seeds_mean_test_accuracy"] < GOALS["tutorial_cnn_accuracy"]:
        smaller = dataclasses.replace(TUTORIAL_CNN, batch_size=SMALLER_BATCH)
        job = {"settings": json.loads(smaller.to_json()), **run_job(store, smaller, "CNN, batch 32")}
        tutorials["cnn_batch_32"] = job | other_seeds(store, smaller, job["test_accuracy"])
    bare_epochs = [seconds for ends in bare for seconds in later_epochs(ends)]
    queued_epochs = [seconds for run in queued for seconds in later_epochs(run["epoch_ends_s"])]
    overhead = {
        "bare_epochs_s": bare_epochs,
        "queued_epochs_s": queued_epochs,
        "bare_epoch_s": round(statistics.median(bare_epochs), 3),
        "queued_epoch_s": round(statistics.median(queued_epochs), 3),
    }
    overhead["ratio"] = round(overhead["queued_epoch_s"] / overhead["bare_epoch_s"], 3)
    return tutorials, overhead


def other_seeds(store: NetworkStore, job: NetworkSettings, accuracy: float) -> dict:
    """Beside seed 0's test accuracy, those of OTHER_SEEDS (other images, first weights and order), and the mean."""
    accuracies = [accuracy]
    for seed in OTHER_SEEDS:
        accuracies.append(run_job(store, dataclasses.replace(job, seed=seed), f"seed {seed}")["test_accuracy"])
    print(f"{job.kind}, batch {job.batch_size}: test accuracy with seeds 0, {OTHER_SEEDS}: {accuracies}", flush=True)
    return {"seeds_test_accuracy": accuracies, "seeds_mean_test_accuracy": round(statistics.mean(accuracies), 4)}


def second_stroke_ms(chromium, url: str, ours: bool) -> float | None:
    """A person in a new session: draw a 1, and 0.7 s after its answer a short stroke; the ms from its release to
    the new answer (ours: the 28x28 picture the model saw; the bare app: its metric), None if none came."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url)
        browser.draw(page, "1")
        answered = "m.innerText === '1'" if ours else "m.innerText !== '0'"
        page.wait_for_function(
            f"() => {{ const m = document.querySelector('{METRIC}'); return m && {answered}; }}", polling="raf", timeout=60_000
        )
        page.wait_for_timeout(PAUSE_MS)
        watched = (PICTURES, 0, "src") if ours else (METRIC, 0, None)
        before = current(page, *watched)
        released = stroke(page, 0)
        page.wait_for_function(CHANGED, arg=[*watched[:2], before, watched[2]], polling="raf", timeout=30_000)
        return 1000 * (time.perf_counter() - released)
    except PlaywrightTimeout as error:  # counted as a missing answer; the run goes on
        print(f"No answer: {error}".splitlines()[0], flush=True)
        return None
    finally:
        context.close()


def percentile(values: list[float], share: float) -> float | None:
    return round(float(np.percentile(values, share)), 1) if values else None


def rss_mb(process: subprocess.Popen) -> float:
    """The resident memory of a process and its children (a worker trains in a child process), in MB."""
    parent = psutil.Process(process.pid)
    every = [parent, *parent.children(recursive=True)]
    total = 0
    for one in every:
        try:
            total += one.memory_info().rss
        except psutil.NoSuchProcess:  # a training process being replaced
            pass
    return total / 1e6


def sample_peak(process: subprocess.Popen, stop: threading.Event, peak: list[float]) -> None:
    """Keep the largest resident memory of `process` in peak[0], sampled every half second."""
    while not stop.wait(0.5):
        peak[0] = max(peak[0], rss_mb(process))


def submit_class(store: NetworkStore, size: int, outcome: dict) -> None:
    """`size` learners, each a new visitor, submit the quick preset evenly within CLASS_SECONDS; wait for the jobs."""
    started = time.monotonic()
    for index in range(size):
        time.sleep(max(0.0, started + index * CLASS_SECONDS / size - time.monotonic()))
        try:
            outcome["ids"].append(submit(uuid.uuid4().hex, QUICK, f"learner {index + 1}", store=store).id)
        except ClassifierError as error:
            outcome["refused"].append(str(error))
    deadline = time.monotonic() + CLASS_TIMEOUT
    while time.monotonic() < deadline:
        outcome["networks"] = [store.get(network_id) for network_id in outcome["ids"]]
        if all(network is not None and network.status in ENDED for network in outcome["networks"]):
            return
        time.sleep(0.5)


def a_class(store: NetworkStore, size: int, worker, server, chromium, url: str, draw: bool) -> dict:
    """The class submits, and meanwhile, when `draw`, people draw on the Draw page; what came of both."""
    second_stroke_ms(chromium, url, ours=True)  # a first session loads the models: the memory before is a served app's
    app_before = browser.resident_memory_mb(server)
    outcome = {"ids": [], "refused": [], "networks": []}
    worker_before = rss_mb(worker)
    stop, peak = threading.Event(), [worker_before]
    sampler = threading.Thread(target=sample_peak, args=(worker, stop, peak))
    learners = threading.Thread(target=submit_class, args=(store, size, outcome))
    sampler.start()
    learners.start()
    strokes, missing = [], 0
    while learners.is_alive():
        if not draw:
            learners.join(1.0)
            continue
        measured = second_stroke_ms(chromium, url, ours=True)
        if measured is None:
            missing += 1
        else:
            strokes.append(measured)
    stop.set()
    sampler.join()
    ended = outcome["networks"]
    finished = [network for network in ended if network.status == "finished"]
    waits = [network.started_at - network.created_at for network in ended if network.started_at]
    ends = [network.finished_at for network in ended if network.finished_at]
    return {
        "learners": size,
        "seconds": CLASS_SECONDS,
        "finished": len(finished),
        "failed": sum(network.status == "failed" for network in ended),
        "lost": size - sum(network.status in ENDED for network in ended),  # refused or never ended
        "refused": outcome["refused"],
        "wait_to_start_p50_s": round(float(np.percentile(waits, 50)), 2) if waits else None,
        "wait_to_start_p95_s": round(float(np.percentile(waits, 95)), 2) if waits else None,
        "total_s": round(max(ends) - min(network.created_at for network in ended), 1) if ends else None,
        "worker_rss_before_mb": round(worker_before, 1),
        "worker_peak_rss_mb": round(peak[0], 1),
        "app_rss_before_mb": round(app_before, 1),
        "app_rss_after_mb": round(browser.resident_memory_mb(server), 1),
        "strokes_ms": [round(ms, 1) for ms in strokes],
        "strokes_missing": missing,
        "stroke_p50_ms": percentile(strokes, 50),
        "stroke_p95_ms": percentile(strokes, 95),
    }


class LongJob:
    """The long job the worker trains while people draw, resubmitted whenever it ends."""

    def __init__(self, store: NetworkStore) -> None:
        self.store, self.visitor, self.id = store, uuid.uuid4().hex, None
        self.submitted = 0

    def keep_training(self) -> None:
        """Make sure it trains: submit it again if it ended, and wait for its first batch."""
        network = self.store.get(self.id) if self.id else None
        if network is None or network.status in ENDED:
            self.id = submit(self.visitor, LONG, "long", store=self.store).id
            self.submitted += 1
        deadline = time.monotonic() + 60
        while self.store.get(self.id).progress.get("step", 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        if self.id and self.store.request_stop(self.id, self.visitor):
            follow(self.store, self.id, time.perf_counter())


def drawing_rounds(chromium, urls: dict[str, str], rounds: int, long_job: LongJob | None) -> dict:
    """`rounds` new sessions on each app, alternating, each timing its second stroke; the worker trains `long_job`."""
    measured: dict[str, list[float]] = {name: [] for name in urls}
    missing = 0
    for _ in range(rounds):
        for name, url in urls.items():
            if long_job:
                long_job.keep_training()
            milliseconds = second_stroke_ms(chromium, url, ours=name == "ours")
            if milliseconds is None:
                missing += 1
            else:
                measured[name].append(round(milliseconds, 1))
    medians = {name: float(np.median(values)) if values else None for name, values in measured.items()}
    ratio = medians["ours"] / medians["bare"] if medians["ours"] and medians["bare"] else None
    return {
        "ours_ms": measured["ours"],
        "bare_ms": measured["bare"],
        "missing": missing,
        "ours_median_ms": round(medians["ours"], 1) if medians["ours"] else None,
        "bare_median_ms": round(medians["bare"], 1) if medians["bare"] else None,
        "ratio": round(ratio, 3) if ratio else None,
    }


def while_training(store: NetworkStore, chromium, ours_url: str, rounds: int, idle: bool) -> dict:
    script, options = APPS["bare"]
    found = {"rounds": rounds}
    with browser.streamlit_server(script=script, options=options) as (bare_url, _, _):
        urls = {"ours": ours_url, "bare": bare_url}
        for name, url in urls.items():  # each server's first session loads what it serves: not a person's wait
            second_stroke_ms(chromium, url, ours=name == "ours")
        if idle:
            found["idle"] = drawing_rounds(chromium, urls, rounds, None)
            print(f"worker idle: {found['idle']}", flush=True)
        long_job = LongJob(store)
        try:
            found["training"] = drawing_rounds(chromium, urls, rounds, long_job)
        finally:
            long_job.stop()
        found["training"]["long_jobs"] = long_job.submitted
        print(f"worker training: {found['training']}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=30, help="learners submitting the quick preset within a minute")
    parser.add_argument("--rounds", type=int, default=8, help="new sessions on each app while the worker trains")
    parser.add_argument("--skip-class", action="store_true", help="leave out the class")
    parser.add_argument("--skip-latency", action="store_true", help="leave out the Draw page in Chromium")
    parser.add_argument("--no-idle", action="store_true", help="leave out the Draw page with the worker idle")
    parser.add_argument("--bare-fit", help=argparse.SUPPRESS)  # the bare model.fit's own process (bare_fit)
    args = parser.parse_args()
    if args.bare_fit:
        bare_fit(args.bare_fit)
        return
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results = measured_alike(RESULTS, {"machine": machine, "worker": {"threads": DEFAULT_THREADS, "nice": DEFAULT_NICE}})
    results["goals"], results["seeds"] = GOALS, [0, *OTHER_SEEDS]
    with tempfile.TemporaryDirectory() as folder:
        os.environ[DATABASE_URL_ENV] = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        store = NetworkStore()
        browser.ARTIFACTS.mkdir(exist_ok=True)
        with worker_process(browser.ARTIFACTS / "learner-worker.log") as worker:
            run_job(store, QUICK, "warm-up")  # the worker is up, warm and idle
            results["worker_rss_warm_mb"] = round(rss_mb(worker), 1)
            time.sleep(1.0)
            quick = [run_job(store, QUICK, "quick") for _ in range(FIRST_POINT_JOBS)]
            results["first_point"] = {
                "jobs": quick,
                "median_s": round(statistics.median(job["first_point_s"] for job in quick), 3),
                "quick_submit_to_finished_s": round(statistics.median(job["submit_to_finished_s"] for job in quick), 2),
            }
            print(f"first curve point: {[job['first_point_s'] for job in quick]} s", flush=True)
            results["tutorials"], results["overhead"] = tutorials_and_overhead(store)
            if not (args.skip_class and args.skip_latency):
                with browser.streamlit_server() as (url, server, _), browser.chromium() as chromium:
                    if not args.skip_class:
                        results["class"] = a_class(store, args.class_size, worker, server, chromium, url, not args.skip_latency)
                        print(f"class: { {k: v for k, v in results['class'].items() if k != 'strokes_ms'} }", flush=True)
                    if not args.skip_latency:
                        results["while_training"] = while_training(store, chromium, url, args.rounds, not args.no_idle)
        store.close()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print()
    print(render_learner(results))


if __name__ == "__main__":
    main()
