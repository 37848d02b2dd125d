"""The docs stay true: generated figures match bench/results/, the README stays short, and every link leads somewhere."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from tests.conftest import large_digit

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCUMENTS = [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]

# [text](target) and <img src="target">; a target may carry a #fragment.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HTML_SOURCE = re.compile(r"""<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)\"""")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)
CODE_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def load_bench_docs() -> ModuleType:
    """bench/docs.py, which is a script rather than a module of a package."""
    spec = importlib.util.spec_from_file_location("bench_docs", ROOT / "bench" / "docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def anchor(heading: str) -> str:
    """The #fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def links(document: Path) -> list[str]:
    """Every link target in a Markdown document, outside code blocks."""
    text = CODE_BLOCK.sub("", document.read_text())
    return MARKDOWN_LINK.findall(text) + HTML_SOURCE.findall(text)


def test_the_generated_figures_are_those_of_the_benchmark_results():
    """Run `python bench/docs.py --write` after rerunning a benchmark."""
    for path, text in load_bench_docs().expected_documents().items():
        assert path.read_text() == text, (
            f"{path.relative_to(ROOT)} differs from bench/results/: run `python bench/docs.py --write`"
        )


def test_every_results_file_has_its_tables_in_the_benchmarks_page():
    bench_docs = load_bench_docs()
    page = (ROOT / "docs" / "benchmarks.md").read_text()
    for path in sorted((ROOT / "bench" / "results").glob("*.json")):
        assert bench_docs.start_marker(path.stem) in page, f"docs/benchmarks.md has no tables of {path.name}"


def test_an_unknown_generated_part_is_refused_with_the_choices():
    bench_docs = load_bench_docs()
    with pytest.raises(ValueError, match="choose one of summary"):
        bench_docs.rendered(f"{bench_docs.start_marker('nonsense')}\n{bench_docs.END}\n", {})


def test_the_readme_is_read_in_five_minutes():
    lines = README.read_text().splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move the detail to docs/"
    long_lines = [number for number, line in enumerate(lines, start=1) if len(line) > 300]
    assert long_lines == [], f"README.md lines over 300 characters: {long_lines}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_at_an_existing_file(document):
    missing = []
    for target in links(document):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (document.parent / path).exists():
            missing.append(target)
    assert missing == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_to_a_heading_finds_it(document):
    missing = []
    for target in links(document):
        if re.match(r"[a-z]+:", target) or "#" not in target:
            continue
        path, fragment = target.split("#", 1)
        linked = (document.parent / path) if path else document
        if linked.suffix == ".md" and linked.exists():
            text = CODE_BLOCK.sub("", linked.read_text())
            if fragment not in {anchor(heading) for heading in HEADING.findall(text)}:
                missing.append(target)
    assert missing == []


@pytest.mark.needs_data
def test_the_readme_python_example_runs_on_drawn_digits_and_prints_what_it_names(tmp_path, mnist_test):
    """The README's example, run as written in a fresh process, on a drawn 7 and a drawn 2026."""
    (example,) = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    first = {label: int(np.flatnonzero(mnist_test.labels == label)[0]) for label in (7, 2, 0, 6)}
    Image.fromarray(large_digit(mnist_test.images[first[7]])).save(tmp_path / "seven.png")
    number = np.hstack([large_digit(mnist_test.images[first[digit]]) for digit in (2, 0, 2, 6)])
    Image.fromarray(number).save(tmp_path / "2026.png")
    output = subprocess.run(
        [sys.executable, "-c", example],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout.splitlines()
    assert output[0].startswith("7 ") and output[0].endswith(" True")
    assert output[2].startswith("2026 ")
