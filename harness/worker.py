"""A worker process (`python -m classifier worker`) beside the app, for the tests and benchmarks of learners' networks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from classifier.core import settings
from deploy.serve import stop


@contextmanager
def worker_process(environment: dict[str, str] | None = None, log: Path | None = None) -> Iterator[subprocess.Popen]:
    """Run a worker in `environment` (this process's by default: the database URL, the worker's threads and
    niceness); its output goes to `log`, or nowhere. Stopped (SIGTERM, then SIGKILL) on leaving."""
    output = open(log, "w") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "classifier", "worker"],
        cwd=settings.PROJECT_ROOT,
        env={**(os.environ if environment is None else environment), "TF_CPP_MIN_LOG_LEVEL": "2"},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        stop([process], timeout=30)
        if log:
            output.close()
