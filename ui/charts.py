"""Pure chart builders: each takes plain data and returns a Vega-Lite spec (a dict); pages show it with `st.vega_lite_chart`.

The specs are written out, not built with Altair: importing Altair (with the JSON schema it validates
every chart against) cost the app 27 MB of memory and each chart a validation, for three chart kinds
that are a dozen lines of Vega-Lite each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Spec = dict[str, Any]

# The colours of the TensorFlow tutorial's plot_value_array and plot_image: the other classes grey, a
# wrong answer red, the right one blue. RIGHT and WRONG are colour names that both Vega and Streamlit's
# Markdown (":blue[...]") understand.
GREY, WRONG, RIGHT = "#777777", "red", "blue"


def bar_colours(count: int, predicted: int, true: int | None = None) -> list[str]:
    """Grey bars, the predicted class red, then the true class blue (so a right answer is one blue bar)."""
    colours = [GREY] * count
    colours[predicted] = WRONG
    if true is not None:
        colours[true] = RIGHT
    return colours


def answer_colour(predicted: int, true: int) -> str:
    """The colour of an answer's caption: blue when right, red when wrong."""
    return RIGHT if predicted == true else WRONG


def probability_chart(
    probabilities: Sequence[float],
    class_names: Sequence[str],
    predicted: int,
    true: int | None = None,
    height: int = 220,
    compact: bool = False,
    greyed: bool = False,
    axis_title: str = "probability",
) -> Spec:
    """Ten bars of class probabilities on a 0..1 axis, coloured as in the tutorial.

    A compact chart (for grids of small charts) has no axis titles and no class labels. A greyed chart
    (for an input that does not look like the training data) has every bar grey: a guess, not an answer.
    The ten rows go inside the spec as plain values: no DataFrame to build and convert to Arrow on every
    stroke (bench/latency.py measured no slower a page with them).
    """
    colours = [GREY] * len(class_names) if greyed else bar_colours(len(class_names), predicted, true)
    values = [
        {
            "class": name,
            "probability": float(probability),
            "percent": f"{100 * float(probability):.2f} %",
            "colour": colour,
        }
        for name, probability, colour in zip(class_names, probabilities, colours, strict=True)
    ]
    return _spec(
        values,
        "bar",
        height,
        x={
            "field": "class",
            "type": "nominal",
            "sort": list(class_names),
            "title": None,
            "axis": {"labelAngle": -45 if max(map(len, class_names)) > 2 else 0, "labelOverlap": False, "labels": not compact},
        },
        y={"field": "probability", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": None if compact else axis_title},
        color={"field": "colour", "type": "nominal", "scale": None},
        tooltip=[_field("class", "nominal", None), _field("percent", "nominal", axis_title)],
    )


def training_curve_chart(
    history: Sequence[dict],
    metric: str,
    metric_title: str | None = None,
    epoch_title: str = "epoch",
    split_titles: dict[str, str] | None = None,
    height: int = 300,
) -> Spec:
    """Training and validation `metric` ('loss' or 'accuracy') per epoch, as two lines.

    The titles (of the metric, the epoch axis and the two splits) are given in the reader's language.

    The y axis names the metric; a chart title as well would take height from the plot, since
    Streamlit fits title, legend, axes and plot into `height` together.
    """
    splits = split_titles or {"training": "training", "validation": "validation"}
    values = [
        {"epoch": int(row["epoch"]), "value": float(row[key]), "split": splits[split]}
        for row in history
        for key, split in ((metric, "training"), (f"val_{metric}", "validation"))
    ]
    title = metric_title or metric
    return _spec(
        values,
        {"type": "line", "point": True},
        height,
        x={"field": "epoch", "type": "quantitative", "title": epoch_title, "axis": {"tickMinStep": 1}},
        y={"field": "value", "type": "quantitative", "title": title, "scale": {"zero": False}},
        color={
            "field": "split",
            "type": "nominal",
            "title": None,
            "scale": {"domain": [splits["training"], splits["validation"]], "range": ["#1f77b4", "#ff7f0e"]},
            "legend": {"orient": "top"},
        },
        tooltip=[
            _field("epoch", "quantitative", epoch_title),
            _field("split", "nominal", None),
            {**_field("value", "quantitative", title), "format": ".4f"},
        ],
    )


def confusion_chart(
    matrix: np.ndarray | Sequence[Sequence[int]],
    class_names: Sequence[str],
    titles: dict[str, str] | None = None,
    height: int = 360,
) -> Spec:
    """The confusion matrix as a heatmap: true class down, predicted class across, counts on hover.

    `titles` names the "true", "predicted" and "count" axes in the reader's language.
    """
    titles = titles or {"true": "true", "predicted": "predicted", "count": "images"}
    values = [
        {"true": class_names[true], "predicted": class_names[predicted], "count": int(count)}
        for true, row in enumerate(np.asarray(matrix))
        for predicted, count in enumerate(row)
    ]
    return _spec(
        values,
        "rect",
        height,
        x={"field": "predicted", "type": "nominal", "sort": list(class_names), "title": titles["predicted"]},
        y={"field": "true", "type": "nominal", "sort": list(class_names), "title": titles["true"]},
        color={
            "field": "count",
            "type": "quantitative",
            "scale": {"type": "symlog", "scheme": "blues"},
            "title": titles["count"],
        },
        tooltip=[
            _field("true", "nominal", titles["true"]),
            _field("predicted", "nominal", titles["predicted"]),
            _field("count", "quantitative", titles["count"]),
        ],
    )


def _spec(values: list[dict], mark: str | dict, height: int, **encoding: Any) -> Spec:
    """A one-layer Vega-Lite chart of inline rows: Streamlit sends the rows as Arrow beside the spec."""
    return {"data": {"values": values}, "mark": mark, "encoding": encoding, "height": height}


def _field(name: str, kind: str, title: str | None) -> dict:
    return {"field": name, "type": kind, "title": title}
