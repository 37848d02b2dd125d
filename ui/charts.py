"""Pure chart builders: each takes plain data and returns an `alt.Chart`; pages only display them."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np

# The colours of the TensorFlow tutorial's plot_value_array.
GREY, RED, BLUE = "#777777", "red", "blue"


def bar_colours(count: int, predicted: int, true: int | None = None) -> list[str]:
    """Grey bars, the predicted class red, then the true class blue (so a right answer is one blue bar)."""
    colours = [GREY] * count
    colours[predicted] = RED
    if true is not None:
        colours[true] = BLUE
    return colours


def probability_chart(
    probabilities: Sequence[float],
    class_names: Sequence[str],
    predicted: int,
    true: int | None = None,
    height: int = 220,
    compact: bool = False,
) -> alt.Chart:
    """Ten bars of class probabilities on a 0..1 axis, coloured as in the tutorial.

    A compact chart (for grids of small charts) has no axis titles and no class labels.
    """
    colours = bar_colours(len(class_names), predicted, true)
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
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), title=None if compact else "probability"),
            color=alt.Color("colour:N", scale=None),
            tooltip=[alt.Tooltip("class:N"), alt.Tooltip("percent:N", title="probability")],
        )
    )


def training_curve_chart(history: Sequence[dict], metric: str, height: int = 300) -> alt.Chart:
    """Training and validation `metric` ('loss' or 'accuracy') per epoch, as two lines.

    The y axis names the metric; a chart title as well would take height from the plot, since
    Streamlit fits title, legend, axes and plot into `height` together.
    """
    values = [
        {"epoch": int(row["epoch"]), "value": float(row[key]), "split": split}
        for row in history
        for key, split in ((metric, "training"), (f"val_{metric}", "validation"))
    ]
    return (
        alt.Chart(alt.Data(values=values), height=height)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "split:N",
                title=None,
                scale=alt.Scale(domain=["training", "validation"], range=["#1f77b4", "#ff7f0e"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["epoch:Q", "split:N", alt.Tooltip("value:Q", format=".4f")],
        )
    )


def confusion_chart(matrix: np.ndarray | Sequence[Sequence[int]], class_names: Sequence[str], height: int = 360) -> alt.Chart:
    """The confusion matrix as a heatmap: true class down, predicted class across, counts on hover."""
    values = [
        {"true": class_names[true], "predicted": class_names[predicted], "count": int(count)}
        for true, row in enumerate(np.asarray(matrix))
        for predicted, count in enumerate(row)
    ]
    return (
        alt.Chart(alt.Data(values=values), height=height)
        .mark_rect()
        .encode(
            x=alt.X("predicted:N", sort=list(class_names), title="predicted"),
            y=alt.Y("true:N", sort=list(class_names), title="true"),
            color=alt.Color("count:Q", scale=alt.Scale(type="symlog", scheme="blues"), title="images"),
            tooltip=["true:N", "predicted:N", "count:Q"],
        )
    )
