"""Pure chart builders: each takes plain data and returns an Altair chart; pages show it with `st.altair_chart`.

Altair is imported inside the builders, not at the top: the Draw page imports this module before its
canvas is sent, and importing Altair (with the Vega-Lite schema it checks every chart against, jsonschema,
narwhals and Jinja) takes a fifth of a second, which the server spends in its warm-up thread
(ui/loaders.py) while the first visitor draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import altair as alt

# The colours of the TensorFlow tutorial's plot_value_array and plot_image: the other classes grey, a
# wrong answer red, the right one blue. RIGHT and WRONG are colour names that both Vega and Streamlit's
# Markdown (":blue[...]") understand.
GREY, WRONG, RIGHT = "#777777", "red", "blue"

# The training and validation lines of the curve charts: Vega's first two category colours.
SPLIT_COLOURS = ["#1f77b4", "#ff7f0e"]
# How much of the smoothed training curve each new batch leaves as it was (an exponential moving average, as
# TensorBoard smooths its curves).
SMOOTHING = 0.8


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
    Each bar's row carries its colour, drawn as it is (`scale=None`). The ten rows are plain values, not
    a DataFrame: this chart is drawn again on every stroke, and building a DataFrame would cost more
    than the rest of the chart.
    """
    import altair as alt

    colours = [GREY] * len(class_names) if greyed else bar_colours(len(class_names), predicted, true)
    rows = [
        {"class": name, "probability": float(probability), "percent": f"{100 * float(probability):.2f} %", "colour": colour}
        for name, probability, colour in zip(class_names, probabilities, colours, strict=True)
    ]
    label_angle = -45 if max(map(len, class_names)) > 2 else 0
    return (
        alt.Chart(alt.Data(values=rows), height=height)
        .mark_bar()
        .encode(
            x=alt.X(
                "class:N",
                sort=list(class_names),
                title=None,
                axis=alt.Axis(labelAngle=label_angle, labelOverlap=False, labels=not compact),
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
    import altair as alt

    splits = split_titles or {"training": "training", "validation": "validation"}
    rows = [
        {"epoch": int(row["epoch"]), "value": float(row[key]), "split": splits[split]}
        for row in history
        for key, split in ((metric, "training"), (f"val_{metric}", "validation"))
    ]
    title = metric_title or metric
    return (
        alt.Chart(alt.Data(values=rows), height=height)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title=epoch_title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "split:N",
                title=None,
                scale=alt.Scale(domain=[splits["training"], splits["validation"]], range=SPLIT_COLOURS),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", title=epoch_title),
                alt.Tooltip("split:N", title=None),
                alt.Tooltip("value:Q", title=title, format=".4f"),
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
    import altair as alt

    titles = titles or {"true": "true", "predicted": "predicted", "count": "images"}
    rows = [
        {"true": class_names[true], "predicted": class_names[predicted], "count": int(count)}
        for true, row in enumerate(np.asarray(matrix))
        for predicted, count in enumerate(row)
    ]
    return (
        alt.Chart(alt.Data(values=rows), height=height)
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


def live_curve_chart(
    batches: Sequence[Sequence[float]],
    history: Sequence[dict],
    steps_per_epoch: int,
    metric: str,
    metric_title: str | None = None,
    epoch_title: str = "epoch",
    split_titles: dict[str, str] | None = None,
    height: int = 260,
) -> alt.Chart:
    """A network learning, as the Training curves page draws a finished one: the training `metric` after every
    batch (smoothed, a line over fractional epochs), and the validation `metric` after every epoch (points).

    `batches` are [step, loss, accuracy] rows; `history` has an "epoch", "val_loss" and "val_accuracy" per epoch.
    """
    import altair as alt

    splits = split_titles or {"training": "training", "validation": "validation"}
    column = 1 if metric == "loss" else 2
    average, rows = 0.0, []
    for count, row in enumerate(batches, start=1):
        average = SMOOTHING * average + (1 - SMOOTHING) * float(row[column])
        # Divided by what the weights sum to so far, so that the first points are not pulled towards 0.
        smoothed = average / (1 - SMOOTHING**count)
        rows.append({"epoch": row[0] / steps_per_epoch, "value": smoothed, "split": splits["training"]})
    rows += [
        {"epoch": float(row["epoch"]), "value": float(row[f"val_{metric}"]), "split": splits["validation"]} for row in history
    ]
    title = metric_title or metric
    colour = alt.Color(
        "split:N",
        title=None,
        scale=alt.Scale(domain=[splits["training"], splits["validation"]], range=SPLIT_COLOURS),
        legend=alt.Legend(orient="top"),
    )
    base = alt.Chart(alt.Data(values=rows), height=height).encode(
        x=alt.X("epoch:Q", title=epoch_title, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
        color=colour,
        tooltip=[alt.Tooltip("epoch:Q", title=epoch_title, format=".2f"), alt.Tooltip("value:Q", title=title, format=".4f")],
    )
    training = base.mark_line().transform_filter(alt.datum.split == splits["training"])
    validation = base.mark_line(point=True).transform_filter(alt.datum.split == splits["validation"])
    return alt.layer(training, validation)
