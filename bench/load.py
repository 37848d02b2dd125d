"""Load test: 16 threads making 500 predictions each on shared classifiers, both tasks and both models.

Usage: python bench/load.py [--threads 16] [--per-thread 500]. Every result is compared with the
single-thread result for the same input; prints throughput, p95 latency, wrong, lost and errors, and
writes bench/results/load.json. Exits 1 on any wrong or lost result or error.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from classifier import ClassifierError, load_classifier
from classifier.core import datasets, settings, tasks
from classifier.serve.preprocessing import open_image
from classifier.train import synthetic

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
INPUTS_PER_TASK = 32


def make_inputs() -> list[tuple[str, object]]:
    """Canvas drawings and decoded product photos made from the test sets."""
    rng = np.random.default_rng(0)
    inputs = []
    for task in tasks.all_tasks():
        test = datasets.load_split(task.dataset, "test")
        for image in test.images[:INPUTS_PER_TASK]:
            given = synthetic.realistic(task, image, rng)
            inputs.append((task.name, open_image(given) if isinstance(given, bytes) else given))
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=500)
    args = parser.parse_args()
    classifiers = {(task, kind): load_classifier(task, kind) for task in tasks.names() for kind in settings.MODEL_KINDS}
    inputs = make_inputs()
    jobs = [(task, kind, index) for index, (task, _) in enumerate(inputs) for kind in settings.MODEL_KINDS]
    expected = {job: classifiers[job[:2]].predict(inputs[job[2]][1]).probabilities for job in jobs}

    def worker(thread: int) -> tuple[int, int, list[float]]:
        wrong, errors, latencies = 0, 0, []
        rng = np.random.default_rng(thread)
        for _ in range(args.per_thread):
            job = jobs[rng.integers(len(jobs))]
            started = time.perf_counter()
            try:
                probabilities = classifiers[job[:2]].predict(inputs[job[2]][1]).probabilities
            except ClassifierError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            wrong += not np.array_equal(probabilities, expected[job])
        return wrong, errors, latencies

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        outcomes = list(pool.map(worker, range(args.threads)))
    elapsed = time.perf_counter() - started
    latencies = np.concatenate([outcome[2] for outcome in outcomes]) * 1000
    total = args.threads * args.per_thread
    results = {
        "threads": args.threads,
        "predictions": total,
        "completed": int(len(latencies)),
        "wrong": int(sum(outcome[0] for outcome in outcomes)),
        "errors": int(sum(outcome[1] for outcome in outcomes)),
        "lost": int(total - len(latencies) - sum(outcome[1] for outcome in outcomes)),
        "seconds": elapsed,
        "predictions_per_second": total / elapsed,
        "latency_p50_ms": float(np.percentile(latencies, 50)),
        "latency_p95_ms": float(np.percentile(latencies, 95)),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(
        f"{results['threads']} threads x {args.per_thread} predictions (canvas drawings and photos, both tasks, CNN and MLP): "
        f"{results['predictions_per_second']:.0f} predictions/s, p50 {results['latency_p50_ms']:.2f} ms, "
        f"p95 {results['latency_p95_ms']:.2f} ms; wrong {results['wrong']}, lost {results['lost']}, errors {results['errors']}"
    )
    raise SystemExit(1 if results["wrong"] or results["lost"] or results["errors"] else 0)


if __name__ == "__main__":
    main()
