"""Reading a number of several digits: the API, on numbers written from real MNIST test digits, and the CLI."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from PIL import Image

from classifier import load_classifier, numbers, settings, synthetic
from classifier.errors import EmptyImageError, NumberError
from tests.test_cli import run_cli


def written(mnist_test, indices, seed=0, touching=False) -> tuple[np.ndarray, str]:
    rng = np.random.default_rng(seed)
    drawing = synthetic.canvas_number([mnist_test.images[i] for i in indices], rng, touching=touching)
    return drawing, "".join(str(mnist_test.labels[i]) for i in indices)


def test_numbers_written_from_test_digits_are_read_with_a_box_per_digit_left_to_right(digits_cnn, mnist_test):
    rng = np.random.default_rng(3)
    right = 0
    for seed in range(30):
        drawing, truth = written(mnist_test, rng.integers(0, len(mnist_test.labels), int(rng.integers(2, 5))), seed)
        reading = digits_cnn.read_number(drawing)
        right += reading.number == truth
        lefts = [digit.box[0] for digit in reading.digits]
        assert lefts == sorted(lefts)
        width, height = settings.NUMBER_CANVAS
        assert all(
            0 <= left < right_edge <= width and 0 <= top < bottom <= height
            for left, top, right_edge, bottom in (d.box for d in reading.digits)
        )
        assert 0 < reading.confidence <= min(digit.prediction.confidence for digit in reading.digits) + 1e-9
    # Measured by bench/read_numbers.py: about 95 % of such numbers are read exactly right.
    assert right >= 26


def test_touching_digits_are_cut_where_the_piece_network_finds_whole_digits(digits_cnn, mnist_test):
    without = load_classifier("digits", "cnn")
    without.domain = dataclasses.replace(without.domain, pieces=None)
    rng = np.random.default_rng(4)
    right = right_without = 0
    for seed in range(40):
        indices = rng.integers(0, len(mnist_test.labels), int(rng.integers(2, 5)))
        drawing, truth = written(mnist_test, indices, seed, touching=True)
        right += digits_cnn.read_number(drawing).number == truth
        right_without += without.read_number(drawing).number == truth
    # Measured by bench/read_numbers.py: 74 % of such numbers are read exactly right; 28 of these 40,
    # and 6 with even odds for every piece instead of the piece network.
    assert right >= 22 and right >= right_without + 10


def test_pieces_are_labelled_whole_only_when_they_hold_one_digit_and_no_part_of_another(mnist_test):
    zero_four = [mnist_test.images[i] for i in (3, 4)]
    layers = synthetic.number_layers(zero_four, np.random.default_rng(0), touching=True)
    images, shapes, whole = numbers.labelled_pieces(layers, 160)
    assert images.shape == (len(whole), 28, 28) and shapes.shape == (len(whole), 2)
    # The widest piece is the touching pair; some narrower ones are each digit alone, most are neither.
    assert not whole[np.argmax(shapes[:, 0])] and 2 <= whole.sum() < len(whole) / 2
    apart = synthetic.number_layers(zero_four, np.random.default_rng(0))
    # Apart, each digit is a group of its own, whole; a wide one is also cut into parts that are not.
    assert numbers.labelled_pieces(apart, 160)[2].sum() == 2


def test_one_digit_on_the_wide_canvas_reads_as_predict_reads_it(digits_cnn, mnist_test):
    for index in range(5):
        drawing, truth = written(mnist_test, [index], seed=index)
        reading = digits_cnn.read_number(drawing)
        assert reading.number == str(digits_cnn.predict(drawing).label)
        assert len(reading.digits) == 1


def test_a_dot_beside_the_number_is_not_a_digit(digits_cnn, mnist_test):
    drawing, truth = written(mnist_test, [0, 1, 2], seed=1)
    before = digits_cnn.read_number(drawing).number
    dotted = drawing.copy()
    dotted[10:16, 690:696] = 255
    assert digits_cnn.read_number(dotted).number == before


def test_more_than_eight_digits_and_an_empty_canvas_are_refused_with_a_message(digits_cnn, mnist_test):
    width, height = settings.NUMBER_CANVAS
    many = np.zeros((height, width, 3), dtype=np.uint8)
    for index in range(9):
        many[100:160, 20 + 75 * index : 30 + 75 * index] = 255
    with pytest.raises(NumberError, match="at most 8 digits"):
        digits_cnn.read_number(many)
    with pytest.raises(EmptyImageError, match="write a number"):
        digits_cnn.read_number(np.zeros((height, width, 3), dtype=np.uint8))


def test_read_number_prints_one_json_line_per_file_and_an_error_line_for_a_bad_file(tmp_path, mnist_test):
    files = []
    truths = []
    for seed, indices in enumerate(([0, 1], [2, 3, 4])):
        drawing, truth = written(mnist_test, indices, seed)
        path = tmp_path / f"number{seed}.png"
        Image.fromarray(drawing).save(path)
        files.append(str(path))
        truths.append(truth)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    result = run_cli("read-number", *files, str(broken))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line["file"] for line in lines] == [*files, str(broken)]
    assert [line.get("number") for line in lines[:2]] == truths
    assert "error" in lines[2] and "broken.png" in lines[2]["error"]
