"""Run several app processes behind nginx, with sticky sessions: for a class too big for one process.

    python deploy/serve.py --processes 2 --port 8080
        starts 2 `streamlit run app.py` processes on loopback ports and nginx on 127.0.0.1:8080;
    python deploy/serve.py --processes 0 --backend 10.0.0.2:8501 --backend 10.0.0.3:8501 --listen 0.0.0.0:80
        starts only nginx, in front of app processes running on other machines.

Beside the app processes it starts `--workers` workers (default 1) that train learners' networks
(`python -m classifier worker`); `--workers 0` leaves that to other machines, which run the same command.
Every process must use the same database: set CLASSIFIER_DATABASE_URL to a PostgreSQL URL
(postgresql+psycopg://user:password@host:5432/corrections) before starting it. It holds the corrections,
the learners' networks and the task queue the workers share. nginx's configuration comes from
deploy/nginx.conf.template; Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
# The first app process listens on this port, the next on the one after, and so on.
FIRST_PORT = 8601


def nginx_config(listen: str, backends: list[str], prefix: Path) -> str:
    """nginx's configuration for these backends (host:port), listening on `listen`, with its files under `prefix`."""
    servers = "\n".join(f"        server {backend};" for backend in backends)
    routes = "\n".join(f'        "{backend}" {backend};' for backend in backends)
    text = TEMPLATE.read_text()
    for name, value in {"@SERVERS@": servers, "@ROUTES@": routes, "@LISTEN@": listen, "@PREFIX@": str(prefix)}.items():
        text = text.replace(name, value)
    return text


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float, logs: str = "the run folder") -> None:
    """Wait until `url` answers 200; raise RuntimeError naming `logs` if the process ends or time runs out first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer: see {logs}") from None
            time.sleep(0.3)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def stop(processes: list[subprocess.Popen], timeout: float = 15) -> None:
    """Ask each process to end (SIGTERM), then kill any still running after `timeout` seconds."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def cluster(
    processes: int,
    listen: str,
    backends: tuple[str, ...] = (),
    first_port: int = FIRST_PORT,
    timeout: float = 120,
    workers: int = 0,
) -> Iterator[tuple[str, list[str], Path]]:
    """Start `processes` app processes (plus any `backends` elsewhere) behind nginx on `listen` (host:port), and
    `workers` workers that train learners' networks.

    Yields nginx's URL, every backend's host:port, and the run folder (nginx's configuration and all logs).
    """
    folder = Path(tempfile.mkdtemp(prefix="draw-it-"))
    started: list[subprocess.Popen] = []
    logs = []
    try:
        ports = []
        port = first_port
        while len(ports) < processes:
            if _port_is_free(port):
                ports.append(port)
            port += 1
        local = [f"127.0.0.1:{port}" for port in ports]
        for port in ports:
            log = open(folder / f"streamlit-{port}.log", "w")
            logs.append(log)
            command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
            command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
            started.append(subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))
        for backend, process in zip(local, started):
            wait_until_healthy(f"http://{backend}/_stcore/health", process, timeout)
        for index in range(workers):
            log = open(folder / f"worker-{index}.log", "w")
            logs.append(log)
            command = [sys.executable, "-m", "classifier", "worker"]
            started.append(subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))
        everyone = [*local, *backends]
        if not everyone:
            raise ValueError("No app process to serve: ask for --processes or name a --backend.")
        (folder / "nginx.conf").write_text(nginx_config(listen, everyone, folder))
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} is missing: `apt-get install nginx`.")
        nginx = subprocess.Popen([NGINX, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(folder / "nginx.conf")])
        started.append(nginx)
        url = f"http://{listen.replace('0.0.0.0', '127.0.0.1')}"
        wait_until_healthy(f"{url}/_stcore/health", nginx, timeout)
        yield url, everyone, folder
    finally:
        stop(started[::-1])
        for log in logs:
            log.close()
        if sys.exc_info()[0] is None:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes to start on this machine")
    parser.add_argument("--backend", action="append", default=[], help="an app process elsewhere, host:port (repeatable)")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address, host:port")
    parser.add_argument("--workers", type=int, default=1, help="workers to start on this machine for learners' networks")
    args = parser.parse_args()
    with cluster(args.processes, args.listen, tuple(args.backend), workers=args.workers) as (url, backends, folder):
        print(f"Serving {url} from {len(backends)} app processes ({', '.join(backends)}); logs in {folder}. Ctrl+C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
