"""Pure chart builders: each takes plain data and returns an `alt.Chart`; pages only display them."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np

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
) -> alt.Chart:
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
    return (
        alt.Chart(alt.Data(values=values), height=height)
        .mark_bar()
        .encode(
            x=alt.X(
                "class:N",
                sort=list(class_names),
                title=None,
                axis=alt.Axis(labelAngle=-45 if max(map(len, class_names)) > 2 else 0, labelOverlap=False, labels=not compact),
            ),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), title=None if compact else axis_title),
            color=alt.Color("colour:N", scale=None),
            tooltip=[alt.Tooltip("class:N", title=None), alt.Tooltip("percent:N", title=axis_title)],
        )
    )


def training_curve_chart(
    history: Sequence[dict],
    metric: str,
    metric_title: str | None = None,
    epoch_title: str = "epoch",
    split_titles: dict[str, str] | None = None,
    height: int = 300,
) -> alt.Chart:
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
    return (
        alt.Chart(alt.Data(values=values), height=height)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1), title=epoch_title),
            y=alt.Y("value:Q", title=metric_title or metric, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "split:N",
                title=None,
                scale=alt.Scale(domain=[splits["training"], splits["validation"]], range=["#1f77b4", "#ff7f0e"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", title=epoch_title),
                alt.Tooltip("split:N", title=None),
                alt.Tooltip("value:Q", format=".4f", title=metric_title or metric),
            ],
        )
    )


def confusion_chart(
    matrix: np.ndarray | Sequence[Sequence[int]],
    class_names: Sequence[str],
    titles: dict[str, str] | None = None,
    height: int = 360,
) -> alt.Chart:
    """The confusion matrix as a heatmap: true class down, predicted class across, counts on hover.

    `titles` names the "true", "predicted" and "count" axes in the reader's language.
    """
    titles = titles or {"true": "true", "predicted": "predicted", "count": "images"}
    values = [
        {"true": class_names[true], "predicted": class_names[predicted], "count": int(count)}
        for true, row in enumerate(np.asarray(matrix))
        for predicted, count in enumerate(row)
    ]
    return (
        alt.Chart(alt.Data(values=values), height=height)
        .mark_rect()
        .encode(
            x=alt.X("predicted:N", sort=list(class_names), title=titles["predicted"]),
            y=alt.Y("true:N", sort=list(class_names), title=titles["true"]),
            color=alt.Color("count:Q", scale=alt.Scale(type="symlog", scheme="blues"), title=titles["count"]),
            tooltip=[
                alt.Tooltip("true:N", title=titles["true"]),
                alt.Tooltip("predicted:N", title=titles["predicted"]),
                alt.Tooltip("count:Q", title=titles["count"]),
            ],
        )
    )
