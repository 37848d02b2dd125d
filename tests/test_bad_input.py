"""Every hostile or broken file gets a prediction or a typed error naming it, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

from classifier import ClassifierError, load_classifier
from classifier.core import settings
from tests.bad_files import catalogue


@pytest.fixture(scope="module")
def files(fashion_test):
    return catalogue(fashion_test)


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """A temp folder of this test's own, which no other process writes to, made the one `tempfile` uses."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def snapshot(temp_folder) -> set[str]:
    folders = [settings.PROJECT_ROOT, settings.MODELS_DIR, temp_folder]
    return {os.path.join(folder, name) for folder in folders for name in os.listdir(folder)}


def test_each_bad_file_gets_its_prediction_or_typed_error_through_the_api(files, private_temp):
    classifier = load_classifier("fashion", "cnn")
    before = snapshot(private_temp)
    for name, (content, expected) in files.items():
        if isinstance(expected, type):
            with pytest.raises(expected) as caught:
                classifier.predict(content, name=name)
            assert name in str(caught.value), f"the message for {name} does not name it: {caught.value}"
        elif expected is None:
            try:
                classifier.predict(content, name=name)
            except ClassifierError as error:
                assert name in str(error)
        else:
            assert classifier.predict(content, name=name).class_name == expected, name
    assert snapshot(private_temp) == before


def test_each_bad_file_gets_a_json_line_and_the_good_ones_are_still_predicted_by_the_cli(tmp_path, files):
    paths = []
    for name, (content, _) in files.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "predict", "--task", "fashion", *paths],
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert [line["file"] for line in lines] == paths
    for line, (name, (_, expected)) in zip(lines, files.items()):
        if isinstance(expected, type):
            assert name in line["error"]
        elif isinstance(expected, str):
            assert line["class_name"] == expected, name
    assert sorted(os.listdir(tmp_path)) == sorted(files)
