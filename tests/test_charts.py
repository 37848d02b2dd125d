"""Chart builders return valid Vega-Lite specs with the tutorial's colours and the right data."""

from __future__ import annotations

import numpy as np

from classifier import tasks
from ui.charts import GREY, RIGHT, WRONG, confusion_chart, probability_chart, training_curve_chart

DIGITS, CLOTHING = tasks.get("digits").class_names, tasks.get("fashion").class_names


def bars(spec: dict) -> list[dict]:
    """The rows a chart draws."""
    return spec["data"]["values"]


def test_the_predicted_class_is_red_and_the_rest_grey_when_the_truth_is_unknown():
    probabilities = np.array([0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])
    values = bars(probability_chart(probabilities, DIGITS, predicted=2))
    assert [value["colour"] for value in values] == [GREY, GREY, WRONG] + [GREY] * 7


def test_a_right_answer_shows_one_blue_bar_and_no_red():
    values = bars(probability_chart(np.full(10, 0.1), DIGITS, predicted=4, true=4))
    assert [value["colour"] for value in values].count(RIGHT) == 1
    assert WRONG not in [value["colour"] for value in values]


def test_a_wrong_answer_shows_the_prediction_red_and_the_truth_blue():
    values = bars(probability_chart(np.full(10, 0.1), CLOTHING, predicted=9, true=7))
    assert values[9]["colour"] == WRONG and values[7]["colour"] == RIGHT and values[7]["class"] == "Sneaker"


def test_the_probability_axis_runs_from_0_to_1_with_exact_percentages_in_tooltips():
    probabilities = np.array([0.123456] + [0.876544 / 9] * 9)
    spec = probability_chart(probabilities, DIGITS, predicted=0)
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert bars(spec)[0]["percent"] == "12.35 %"
    assert spec["encoding"]["x"]["sort"] == list(DIGITS)


def test_the_curve_chart_has_a_training_and_a_validation_point_per_epoch():
    history = [
        {"epoch": e, "loss": 1 / e, "accuracy": 1 - 1 / (e + 1), "val_loss": 1.1 / e, "val_accuracy": 0.9} for e in (1, 2, 3)
    ]
    values = bars(training_curve_chart(history, "loss"))
    assert [(v["epoch"], v["split"]) for v in values][:2] == [(1, "training"), (1, "validation")]
    assert len(values) == 6 and values[1]["value"] == 1.1


def test_the_confusion_heatmap_has_one_cell_per_pair_of_classes():
    matrix = np.arange(100).reshape(10, 10)
    values = bars(confusion_chart(matrix, DIGITS))
    assert len(values) == 100 and values[23] == {"true": "2", "predicted": "3", "count": 23}


def test_a_greyed_chart_shows_every_bar_grey_even_the_guess_and_the_truth():
    values = bars(probability_chart(np.full(10, 0.1), DIGITS, predicted=3, true=5, greyed=True))
    assert {value["colour"] for value in values} == {GREY}


def test_every_chart_is_valid_vega_lite():
    """The specs are written by hand: each is checked against the Vega-Lite schema that Altair (a Streamlit dependency) ships."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    history = [{"epoch": 1, "accuracy": 0.9, "val_accuracy": 0.95}]
    specs = [
        probability_chart(np.full(10, 0.1), CLOTHING, predicted=9, true=7),
        probability_chart(np.full(10, 0.1), DIGITS, predicted=3, compact=True, greyed=True),
        training_curve_chart(history, "accuracy"),
        confusion_chart(np.eye(10, dtype=int), DIGITS),
    ]
    validator = jsonschema.Draft7Validator(load_schema())
    assert [list(validator.iter_errors(spec)) for spec in specs] == [[]] * len(specs)
