"""Chart builders return Altair charts whose Vega-Lite specs draw the tutorial's colours and the right data.

Fast tier: plain pytest, no browser and no model. Each test reads `chart.to_dict()`, the spec that
`st.altair_chart` sends, which Altair checks against the Vega-Lite schema as it makes it.
"""

from __future__ import annotations

import altair as alt
import jsonschema
import numpy as np
from altair.vegalite.v6.schema.core import load_schema

from classifier.core import tasks
from ui.charts import GREY, RIGHT, WRONG, confusion_chart, probability_chart, training_curve_chart

DIGITS, CLOTHING = tasks.get("digits").class_names, tasks.get("fashion").class_names
HISTORY = [{"epoch": e, "loss": 1 / e, "accuracy": 1 - 1 / (e + 1), "val_loss": 1.1 / e, "val_accuracy": 0.9} for e in (1, 2, 3)]


def rows(chart: alt.Chart) -> list[dict]:
    """The rows a chart draws, one per bar, point or cell."""
    return chart.to_dict()["data"]["values"]


def colours(chart: alt.Chart) -> list[str]:
    """The colour of each bar, from left to right."""
    return [row["colour"] for row in rows(chart)]


def test_the_colours_are_the_tutorials_grey_red_and_blue():
    assert (GREY, WRONG, RIGHT) == ("#777777", "red", "blue")


def test_each_bar_is_drawn_in_the_colour_of_its_row_not_from_a_palette():
    """Without `scale: null`, Vega would map "red" and "blue" to colours of its own category palette."""
    encoding = probability_chart(np.full(10, 0.1), DIGITS, predicted=2).to_dict()["encoding"]
    assert encoding["color"] == {"field": "colour", "type": "nominal", "scale": None}


def test_the_predicted_class_is_red_and_the_rest_grey_when_the_truth_is_unknown():
    probabilities = np.array([0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])
    assert colours(probability_chart(probabilities, DIGITS, predicted=2)) == [GREY, GREY, WRONG] + [GREY] * 7


def test_a_right_answer_shows_one_blue_bar_and_no_red():
    assert colours(probability_chart(np.full(10, 0.1), DIGITS, predicted=4, true=4)) == [GREY] * 4 + [RIGHT] + [GREY] * 5


def test_a_wrong_answer_shows_the_prediction_red_and_the_truth_blue():
    chart = probability_chart(np.full(10, 0.1), CLOTHING, predicted=9, true=7)
    assert colours(chart) == [GREY] * 7 + [RIGHT, GREY, WRONG]
    assert rows(chart)[7]["class"] == "Sneaker"


def test_a_greyed_chart_shows_every_bar_grey_even_the_guess_and_the_truth():
    assert colours(probability_chart(np.full(10, 0.1), DIGITS, predicted=3, true=5, greyed=True)) == [GREY] * 10


def test_the_bars_are_the_probabilities_in_class_order_on_a_0_to_1_axis_with_exact_percentages_in_tooltips():
    probabilities = np.array([0.123456] + [0.876544 / 9] * 9)
    chart = probability_chart(probabilities, DIGITS, predicted=0)
    encoding = chart.to_dict()["encoding"]
    assert [row["probability"] for row in rows(chart)] == probabilities.tolist()
    assert rows(chart)[0]["percent"] == "12.35 %"
    assert encoding["x"]["sort"] == list(DIGITS)
    assert encoding["y"]["scale"]["domain"] == [0, 1]
    assert [tooltip["field"] for tooltip in encoding["tooltip"]] == ["class", "percent"]


def test_the_probability_axis_and_tooltip_are_titled_in_the_readers_language():
    encoding = probability_chart(np.full(10, 0.1), DIGITS, predicted=0, axis_title="Wahrscheinlichkeit").to_dict()["encoding"]
    assert encoding["y"]["title"] == "Wahrscheinlichkeit"
    assert encoding["tooltip"][1]["title"] == "Wahrscheinlichkeit"


def test_a_compact_chart_has_no_axis_title_and_no_class_labels():
    encoding = probability_chart(np.full(10, 0.1), DIGITS, predicted=0, compact=True).to_dict()["encoding"]
    assert encoding["y"]["title"] is None and encoding["x"]["axis"]["labels"] is False


def test_long_class_names_are_slanted_and_digits_are_not():
    def label_angle(names: list[str]) -> int:
        return probability_chart(np.full(10, 0.1), names, predicted=0).to_dict()["encoding"]["x"]["axis"]["labelAngle"]

    assert (label_angle(CLOTHING), label_angle(DIGITS)) == (-45, 0)


def test_the_curve_chart_has_a_training_and_a_validation_point_per_epoch():
    values = rows(training_curve_chart(HISTORY, "loss"))
    assert [(v["epoch"], v["split"]) for v in values][:2] == [(1, "training"), (1, "validation")]
    assert len(values) == 6 and values[1]["value"] == 1.1


def test_the_curve_chart_names_its_axes_and_lines_in_the_readers_language():
    splits = {"training": "Training", "validation": "Validierung"}
    spec = training_curve_chart(HISTORY, "accuracy", "Genauigkeit", "Epoche", splits).to_dict()
    assert (spec["encoding"]["x"]["title"], spec["encoding"]["y"]["title"]) == ("Epoche", "Genauigkeit")
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Training", "Validierung"]
    assert {row["split"] for row in spec["data"]["values"]} == {"Training", "Validierung"}


def test_the_confusion_heatmap_has_one_cell_per_pair_of_classes():
    values = rows(confusion_chart(np.arange(100).reshape(10, 10), DIGITS))
    assert len(values) == 100 and values[23] == {"true": "2", "predicted": "3", "count": 23}


def test_the_confusion_heatmap_names_its_axes_in_the_readers_language():
    titles = {"true": "wahr", "predicted": "vorhergesagt", "count": "Bilder"}
    encoding = confusion_chart(np.eye(10, dtype=int), DIGITS, titles).to_dict()["encoding"]
    assert (encoding["y"]["title"], encoding["x"]["title"], encoding["color"]["title"]) == ("wahr", "vorhergesagt", "Bilder")


def test_every_chart_is_valid_vega_lite():
    """Checked here once, against the Vega-Lite schema that Altair ships, with jsonschema's own messages on failure."""
    charts = [
        probability_chart(np.full(10, 0.1), CLOTHING, predicted=9, true=7),
        probability_chart(np.full(10, 0.1), DIGITS, predicted=3, compact=True, greyed=True),
        training_curve_chart(HISTORY, "accuracy"),
        confusion_chart(np.eye(10, dtype=int), DIGITS),
    ]
    validator = jsonschema.Draft7Validator(load_schema())
    assert [list(validator.iter_errors(chart.to_dict(validate=False))) for chart in charts] == [[]] * len(charts)
