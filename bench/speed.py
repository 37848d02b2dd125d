"""Speed and memory of serving, measured in one run on this machine.

Usage: python bench/speed.py [--skip-app]. Prints a Markdown table and writes bench/results/speed.json:
- single-image latency p50/p95 from a 280x280 RGBA canvas array to probabilities (preprocessing,
  inference and both), and of `explain()` (the inside view), for the CNN and the MLP, next to the
  tutorial's `model.predict` on the same image;
- batch throughput over the 10,000 MNIST test images;
- cold start: a new process importing the package, loading a model and making its first prediction;
- the running app: time from `streamlit run` to the first prediction shown in Chromium, and its resident
  memory after every page was served once (a drawing confirmed, so that every page has something to show).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from classifier import load_classifier
from classifier.core import datasets, settings
from classifier.serve.preprocessing import preprocess
from classifier.train import synthetic

ROOT = settings.PROJECT_ROOT

RESULTS = Path(__file__).resolve().parent / "results" / "speed.json"


def percentiles(seconds: list[float]) -> dict[str, float]:
    milliseconds = np.asarray(seconds) * 1000
    return {"p50_ms": float(np.percentile(milliseconds, 50)), "p95_ms": float(np.percentile(milliseconds, 95))}


def timed(repeats: int, function, *arguments, **options) -> list[float]:
    """Seconds taken by each of `repeats` calls of function(*arguments, **options)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(*arguments, **options)
        times.append(time.perf_counter() - started)
    return times


def single_image(canvas: np.ndarray, repeats: int) -> dict:
    results = {}
    for model_kind in settings.MODEL_KINDS:
        classifier = load_classifier("digits", model_kind)
        image28 = preprocess("digits", canvas)
        classifier.predict(canvas)  # warm up
        results[model_kind] = {
            "preprocessing": percentiles(timed(repeats, preprocess, "digits", canvas)),
            "inference": percentiles(timed(repeats, classifier.predict_batch, image28[None])),
            "end_to_end": percentiles(timed(repeats, classifier.predict, canvas)),
            # The inside view: every layer, the occlusion why-map and the six nearest training images.
            "explain": percentiles(timed(max(50, repeats // 5), classifier.explain, canvas)),
        }
    return results


def tutorial_predict(canvas: np.ndarray, repeats: int) -> dict:
    """The tutorial's way: the Keras model's `model.predict` on the same preprocessed image."""
    import keras

    results = {}
    image28 = preprocess("digits", canvas)[None, ..., None]
    for model_kind in settings.MODEL_KINDS:
        model = keras.saving.load_model(settings.model_path("digits", model_kind, ".keras"), compile=False)
        model.predict(image28, verbose=0)
        results[model_kind] = percentiles(timed(repeats, model.predict, image28, verbose=0))
    return results


def batch_throughput() -> dict:
    images = datasets.load_split("mnist", "test").images.astype(np.float32) / 255.0
    results = {}
    for model_kind in settings.MODEL_KINDS:
        classifier = load_classifier("digits", model_kind)
        classifier.predict_batch(images[:500])
        results[model_kind] = {
            "images": len(images),
            "seconds": min(timed(3, classifier.predict_batch, images)),
        }
    return results


def cold_start(repeats: int = 3) -> dict:
    script = (
        "import time; started = time.perf_counter()\n"
        "import numpy as np\n"
        "from classifier import load_classifier\n"
        "classifier = load_classifier('digits', 'cnn')\n"
        "canvas = np.zeros((280, 280, 4), np.uint8); canvas[60:220, 130:150] = 255\n"
        "print(classifier.predict(canvas).label, time.perf_counter() - started)\n"
    )
    inside, whole = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
        whole.append(time.perf_counter() - started)
        inside.append(float(output.stdout.split()[-1]))
    return {"import_load_first_prediction_s": float(np.median(inside)), "new_process_total_s": float(np.median(whole))}


def running_app() -> dict:
    """Time to the first prediction in Chromium after `streamlit run` starts, and memory after every page.

    The visitor confirms the drawn 1, so that "Your handwriting" has a drawing to show; it is stored in a
    database of its own whose schema is made first, as on every start of the app after its first.
    """
    import tempfile

    from classifier.store.corrections import CorrectionStore
    from classifier.store.database import DATABASE_URL_ENV
    from harness import browser

    with tempfile.TemporaryDirectory() as folder, browser.chromium() as chromium:
        os.environ[DATABASE_URL_ENV] = f"sqlite:///{folder}/corrections.sqlite"
        CorrectionStore().close()
        page = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        started = time.perf_counter()
        with browser.streamlit_server() as (url, server, _):
            page.goto(url)
            browser.draw(page, "1")
            shown = browser.wait_for_prediction(page, "1")
            first_prediction = time.perf_counter() - started
            page.get_by_role("button", name="Yes, it is 1").click()
            page.get_by_text("Saved").first.wait_for(timeout=30_000)
            after_draw = browser.resident_memory_mb(server)
            page.goto(f"{url}/upload")
            page.get_by_role("button", name="Sneaker", exact=True).click()  # the example photo's pill
            browser.wait_for_prediction(page, "Sneaker")
            for path in ("curves", "explorer", "handwriting"):
                page.goto(f"{url}/{path}")
                if path == "handwriting":  # a new session: the drawing is among everyone's, not its own
                    page.get_by_text("Everyone").click()
                page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
            after_all = browser.resident_memory_mb(server)
        del os.environ[DATABASE_URL_ENV]
    return {
        "first_prediction_in_browser_s": first_prediction,
        "prediction_shown": shown[:1],
        "rss_after_draw_mb": after_draw,
        "rss_after_every_page_mb": after_all,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=500)
    parser.add_argument("--skip-app", action="store_true", help="skip the browser measurements")
    args = parser.parse_args()
    test = datasets.load_split("mnist", "test")
    canvas = synthetic.canvas_digit(test.images[0], np.random.default_rng(0), "white-on-black")
    canvas = np.dstack([canvas, np.full(canvas.shape[:2], 255, np.uint8)])  # RGBA, as the canvas returns it

    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "single_image": single_image(canvas, args.repeats),
        "batch": batch_throughput(),
        "cold_start": cold_start(),
    }
    results["tutorial_model_predict"] = tutorial_predict(canvas, max(30, args.repeats // 10))
    for model_kind in settings.MODEL_KINDS:
        results["single_image"][model_kind]["speedup_over_model_predict"] = (
            results["tutorial_model_predict"][model_kind]["p50_ms"] / results["single_image"][model_kind]["end_to_end"]["p50_ms"]
        )
    if not args.skip_app:
        results["app"] = running_app()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)


def print_table(results: dict) -> None:
    print(f"Machine: {results['machine']}\n")
    print("| measure | CNN | MLP |")
    print("|---|---|---|")
    single = results["single_image"]
    for part in ("preprocessing", "inference", "end_to_end", "explain"):
        cells = [f"{single[m][part]['p50_ms']:.3f} / {single[m][part]['p95_ms']:.3f} ms" for m in settings.MODEL_KINDS]
        print(f"| {part.replace('_', ' ')}, p50 / p95 | " + " | ".join(cells) + " |")
    cells = [f"{results['tutorial_model_predict'][m]['p50_ms']:.1f} ms" for m in settings.MODEL_KINDS]
    print("| tutorial `model.predict`, p50 | " + " | ".join(cells) + " |")
    cells = [f"{single[m]['speedup_over_model_predict']:.0f}x" for m in settings.MODEL_KINDS]
    print("| end to end vs `model.predict` | " + " | ".join(cells) + " |")
    cells = [f"{results['batch'][m]['seconds']:.3f} s" for m in settings.MODEL_KINDS]
    print("| 10,000 test images, batch | " + " | ".join(cells) + " |")
    cold = results["cold_start"]
    print(
        f"\nCold start (import, load CNN, first prediction): {cold['import_load_first_prediction_s']:.2f} s inside the process, "
        f"{cold['new_process_total_s']:.2f} s including Python's own start."
    )
    if "app" in results:
        app = results["app"]
        print(
            f"App: first prediction in Chromium {app['first_prediction_in_browser_s']:.1f} s after `streamlit run`; "
            f"resident memory {app['rss_after_draw_mb']:.0f} MB after the draw page, "
            f"{app['rss_after_every_page_mb']:.0f} MB after every page."
        )


if __name__ == "__main__":
    main()
