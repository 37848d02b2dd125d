"""The "Inside the network" view: each layer's activity, the why-map and the nearest training images, explained for a learner.

The texts are English message ids, shown through `_()` in the session's language (ui/i18n.py). Each model's
view goes to the browser as one `st.html` block, laid out by the `inside-row` classes of app.py's CSS.
"""

from __future__ import annotations

import html
import re

import streamlit as st

from classifier.serve.explain import Explanation
from ui.i18n import _
from ui.pictures import feature_grid, figure_html, neighbour_strip, unit_strip, why_map

INTRODUCTION = (
    "What each layer of the network computes for your picture. A *layer* is one step of the network's "
    "arithmetic; bright squares are big numbers (the layer is *active* there), dark ones are zero."
)
# The full text goes with the first layer of each kind; later layers of the same kind get a short one.
LAYER_TEXT = {
    ("convolution", True): (
        "**Convolution**: a small 3x3 *filter* (nine numbers the network learned) slides over the picture and "
        "lights up where it finds its pattern, such as an edge, a corner or the end of a line. Each small "
        "square is one filter's *feature map*. Notice how different filters light up on different sides of your strokes."
    ),
    ("convolution", False): (
        "**Another convolution** combines the patterns of the layer before into bigger ones, like loops, "
        "crossings and curves: each map now looks for something more particular."
    ),
    ("pooling", True): (
        "**Pooling** keeps the largest number of every 2x2 block, so each map is half as wide. The network "
        "keeps *what* it found and forgets a little of exactly *where*, which is why a picture shifted a "
        "little still reads the same."
    ),
    ("pooling", False): "**Pooling again** halves the maps: fewer, coarser positions, the same patterns.",
    ("dense", True): (
        "**Hidden units**: each square is one *unit* (a simple artificial neuron). It adds up everything the "
        "layers before it found, each with its own learned weight, and lights up for one particular mix. The "
        "answer is read from these numbers, one per unit."
    ),
}
WHY_MAP_TEXT = (
    "**Why-map**: the coloured pixels are the ones that mattered for the answer. The app hides one small "
    "square of the picture at a time and measures how much less sure the network becomes; the brighter "
    "the colour, the more hiding it hurt the answer. Look whether it used the parts you would use."
)
NEIGHBOURS_TEXT = (
    "**Training images it finds alike**: the network turns every picture into one number per hidden unit "
    "(the strip below). These are six of its training images whose numbers are closest to yours (the "
    "*distance* under each). When they all show the same thing, your picture is a typical one to the network."
)


# How wide the pictures are shown, in screen pixels: each is enlarged by the whole number nearest to this.
LAYER_WIDTH = 420
PICTURE_WIDTH = 168
# The only Markdown in the texts above and their translations: **bold** and *italic*.
STRONG, EMPHASIS = re.compile(r"\*\*(.+?)\*\*"), re.compile(r"\*(.+?)\*")


def _enlarged(width: int, target: int) -> int:
    """The shown width of a picture `width` pixels wide: a whole multiple of it, close to `target`."""
    return width * max(1, round(target / width))


def text_html(text: str) -> str:
    """One of this module's texts (after `_()`) as an HTML paragraph: they mark only **bold** and *italic*."""
    escaped = html.escape(text)
    return "<p>" + EMPHASIS.sub(r"<em>\1</em>", STRONG.sub(r"<strong>\1</strong>", escaped)) + "</p>"


def _row(cells: list[str], kind: str) -> str:
    """Cells side by side (one under the other on a narrow screen); `kind` picks their widths (app.py's CSS)."""
    return f'<div class="inside-row {kind}">' + "".join(f"<div>{cell}</div>" for cell in cells) + "</div>"


def _why_and_alike(explanation: Explanation) -> str:
    """The why-map over the input, and the six nearest training images with their labels and distances."""
    why = figure_html(why_map(explanation.prediction.image28, explanation.saliency), PICTURE_WIDTH, _("Why-map"))
    if not explanation.neighbours:  # a learner's own network keeps no training images to compare with
        return _row([why + text_html(_(WHY_MAP_TEXT))], "why")
    # One picture for the six, with one caption, is lighter for the browser on every stroke than six.
    strip = neighbour_strip([neighbour.image28 for neighbour in explanation.neighbours])
    caption = " · ".join(f"{_(neighbour.class_name)} ({neighbour.distance:.1f})" for neighbour in explanation.neighbours)
    alike = figure_html(strip, _enlarged(strip.width, LAYER_WIDTH), caption)
    return _row([why + text_html(_(WHY_MAP_TEXT)), alike + text_html(_(NEIGHBOURS_TEXT))], "why")


def _layers(explanation: Explanation) -> str:
    """Each convolution and pooling as a grid of feature maps, and the hidden units as a strip, each with its text."""
    rows, seen = [], set()
    for layer in explanation.layers:
        if (layer.kind, True) not in LAYER_TEXT:
            continue
        if layer.kind == "dense":
            caption = _("{count} hidden units").format(count=layer.activations.shape[0])
            picture = unit_strip(layer.activations)
        else:
            height, width, maps = layer.activations.shape
            picture = feature_grid(layer.activations, columns=8 if maps <= 32 else 16)
            title = f"{_(layer.kind)} {layer.name.rsplit(' ', 1)[-1]}"
            caption = _("{layer}: {maps} maps of {height}x{width}").format(layer=title, maps=maps, height=height, width=width)
        figure = figure_html(picture, _enlarged(picture.width, LAYER_WIDTH), caption)
        rows.append(_row([figure, text_html(_(LAYER_TEXT[layer.kind, layer.kind not in seen]))], "layer"))
        seen.add(layer.kind)
    return "".join(rows)


def _one_model(explanation: Explanation) -> None:
    """One model's inside view as one block of HTML: a stroke then sends the browser one element, not one per picture
    and text."""
    st.html(_why_and_alike(explanation) + _layers(explanation))


def show_inside(explanations: dict[str, Explanation]) -> None:
    """The inside view of one or two models (by kind), with where they disagree."""
    st.subheader(_("Inside the network"))
    st.caption(_(INTRODUCTION))
    answers = {kind: _(explanation.prediction.class_name) for kind, explanation in explanations.items()}
    if len(set(answers.values())) > 1:
        st.info(
            _(
                "**The CNN reads {cnn} and the MLP reads {mlp}.** Compare their why-maps: the CNN (convolutional "
                "network) looks for shapes wherever they are, while the MLP (a network of plain layers) weighs "
                "every pixel on its own, so a stroke a little out of place can change its answer."
            ).format(cnn=answers.get("cnn"), mlp=answers.get("mlp")),
            icon=":material/compare_arrows:",
        )
    if len(explanations) == 1:
        (explanation,) = explanations.values()
        _one_model(explanation)
        return
    for kind, tab in zip(explanations, st.tabs([kind.upper() for kind in explanations])):
        with tab:
            _one_model(explanations[kind])
