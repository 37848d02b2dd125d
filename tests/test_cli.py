"""`python -m classifier predict`: one JSON line per file, errors as lines, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import subprocess
import sys

from PIL import Image

from classifier.core import settings
from tests.conftest import imported_modules, large_digit


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "classifier", *arguments],
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )


def test_predict_prints_one_json_line_per_file_in_order_and_exits_0(tmp_path, mnist_test):
    files = []
    for index in range(3):
        path = tmp_path / f"digit{index}.png"
        Image.fromarray(large_digit(mnist_test.images[index])).save(path)
        files.append(str(path))
    result = run_cli("predict", "--task", "digits", *files)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [line["file"] for line in lines] == files
    assert [line["label"] for line in lines] == [int(label) for label in mnist_test.labels[:3]]
    assert all(len(line["probabilities"]) == 10 and line["class_name"] == str(line["label"]) for line in lines)


def test_predict_goes_on_after_a_bad_file_and_exits_1_without_a_traceback(tmp_path, mnist_test):
    good = tmp_path / "good.png"
    Image.fromarray(large_digit(mnist_test.images[0])).save(good)
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    missing = tmp_path / "missing.png"
    result = run_cli("predict", "--task", "digits", "--model", "mlp", str(bad), str(missing), str(good))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert "bad.png" in lines[0]["error"] and "missing.png" in lines[1]["error"]
    assert lines[2]["label"] == mnist_test.labels[0]
    assert "Traceback" not in result.stderr


def test_a_usage_error_exits_2():
    assert run_cli("predict", "--task", "letters", "x.png").returncode == 2
    assert run_cli("predict", "--task", "digits").returncode == 2


def test_predict_never_imports_tensorflow_or_keras(tmp_path, mnist_test):
    path = tmp_path / "digit.png"
    Image.fromarray(large_digit(mnist_test.images[0])).save(path)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "classifier", "predict", "--task", "digits", str(path)],
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )
    imported = imported_modules(result.stderr)
    assert result.returncode == 0 and "ai_edge_litert" in imported
    assert not imported & {"tensorflow", "keras"}
