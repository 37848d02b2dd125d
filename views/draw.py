"""The Draw page: one digit or a number on the canvas, what the model sees, its answer and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from classifier import ClassifierError, EmptyImageError
from classifier.core import settings, tasks
from ui.canvas import drawing_canvas
from ui.charts import probability_chart
from ui.i18n import _, class_names, per_language
from ui.inside import show_inside
from ui.loaders import warm_up_in_background
from ui.networks import classifier_of, model_choice, title_of, usable_networks
from ui.pictures import boxed_digits, grey28, pixel_figure, pixel_figures

if TYPE_CHECKING:
    from classifier import Prediction
    from classifier.serve.adapt import Adapter
    from classifier.serve.explain import Explanation
    from classifier.serve.numbers import Number
    from classifier.store.networks import Network

TASK = tasks.get("digits")
MODEL_CHOICES = {"CNN": ["cnn"], "MLP": ["mlp"], "Both": ["cnn", "mlp"]}
# The model choice of a network the visitor trained (views/train.py), offered when they have one.
MINE = "Mine"
WRITING_CHOICES = ("One digit", "A number")
# Below this calibrated probability the answer is shown with a warning that the model is unsure.
LOW_CONFIDENCE = 0.6


def introduction(number_mode: bool) -> None:
    """The page's title and what to do, for one digit or for a number."""
    if number_mode:
        st.title(_("Write a number"))
        st.write(
            _(
                "Write a number of 1 to 8 digits from left to right. The network finds each digit, makes it 28x28 "
                "the way MNIST was made, and reads the digits one by one; each gets a box on your drawing. Digits "
                "that touch are read together by a second network, which reads along the line and finds where each is."
            )
        )
        return
    st.title(_("Draw a digit"))
    st.write(
        _(
            "Draw one digit from 0 to 9 with your mouse or finger. The drawing is cropped, scaled into a 20x20 box "
            "and centred by its centre of mass, the way MNIST was made; the network then says which digit it sees."
        )
    )


@dataclass(frozen=True)
class Controls:
    number_mode: bool
    stroke_width: int
    model_kinds: list[str]
    true_digit: int | None
    inside: bool
    adapt: bool
    networks: dict[str, Network]  # the visitor's own networks, by model choice


def controls() -> Controls:
    """What the sidebar asks: digit or number, stroke width, models, the true digit, inside view, adaptation."""
    with st.sidebar:
        writing = st.segmented_control(_("Write"), WRITING_CHOICES, default=WRITING_CHOICES[0], format_func=_, key="writing")
        stroke_width = st.slider(_("Stroke width"), min_value=6, max_value=40, value=18, key="stroke_width")
        own = {model_choice(network): network for network in usable_networks(TASK.name)}
        offered = [*MODEL_CHOICES, MINE] if own else list(MODEL_CHOICES)
        choice = st.segmented_control(_("Model"), offered, default="CNN", format_func=_, key="model_choice")
        if choice == MINE:
            mine = st.selectbox(
                _("Your network"),
                list(own),
                format_func=lambda kind: title_of(kind, own),
                key="own_network",
                help=_("A network you trained on the Train your own page. It has no “doesn't look like a digit” check."),
            )
        drawn = st.selectbox(
            _("I drew a …"),
            [None, *range(TASK.num_classes)],
            format_func=lambda digit: _("(not saying)") if digit is None else str(digit),
            placeholder=_("(not saying)"),
            key=per_language("true_digit"),
            help=_("Tell the app what you drew: its bar turns blue, so a right answer shows one blue bar."),
        )
        inside = st.toggle(
            _("Inside the network"),
            value=True,
            key="inside_view",
            help=_("Every layer's activity, the why-map and the training images the network finds alike, under the answer."),
        )
        adapt = st.toggle(
            _("Adapt to my handwriting"),
            value=False,
            key="adapt",
            help=_(
                "Uses the drawings you confirmed or corrected in this browser: a new drawing that the network finds "
                "more like one of yours than like any of its training images gets the answer you gave that one."
            ),
        )
    kinds = [mine] if choice == MINE else MODEL_CHOICES[choice if choice in MODEL_CHOICES else "CNN"]
    return Controls(writing == "A number", stroke_width, kinds, drawn, inside, adapt, own)


def show_adapted(prediction: Prediction, adapter: Adapter | None) -> None:
    """When adaptation changed an answer: the drawing of yours it was changed by."""
    if adapter is None or prediction.example is None:
        return
    picture_column, text_column = st.columns([1, 4], vertical_alignment="center")
    with picture_column:
        pixel_figure(grey28(adapter.images[prediction.example]), 56)
    text_column.caption(
        _("Adapted to your handwriting: this looks most like a drawing you said was a {label}.").format(
            label=class_names(TASK.class_names)[adapter.labels[prediction.example]]
        )
    )


def show_answer(model_kind: str, prediction: Prediction, choice: Controls, adapter: Adapter | None) -> None:
    """The prediction, its confidence and the ten probabilities of one model."""
    true_digit = choice.true_digit
    st.subheader(title_of(model_kind, choice.networks))
    # The container's key gives it the CSS class that keeps the two side by side on a phone (app.py). The
    # confidence gets the wider column: with both models on a laptop, half of it would cut "100.0 %" short.
    prediction_column, confidence_column = st.container(key=f"answer-{model_kind}").columns([2, 3])
    # An answer for a digit is a prediction; for anything else it is only a guess.
    prediction_column.metric(_("Prediction") if prediction.in_domain else _("Best guess"), prediction.class_name)
    confidence_column.metric(_("Confidence"), f"{100 * prediction.confidence:.1f} %")
    show_adapted(prediction, adapter)
    if not prediction.in_domain:
        st.warning(
            _(
                "**That doesn't look like a digit to me.** What the network sees in it is too unlike every digit "
                "it was trained on, so the grey bars are only its best guess."
            ),
            icon=":material/help:",
        )
    elif prediction.confidence < LOW_CONFIDENCE:
        st.warning(_("The model is not sure. Try drawing the digit larger, or more like a printed one."))
    if model_kind in choice.networks:
        st.caption(_("Your own network has no “doesn't look like a digit” check: it gives every drawing a digit."))
    chart = probability_chart(
        prediction.probabilities,
        class_names(TASK.class_names),
        prediction.label,
        true_digit,
        greyed=not prediction.in_domain,
        axis_title=_("probability"),
    )
    st.altair_chart(chart, width="stretch")


def adapters(choice: Controls) -> dict[str, Adapter | None]:
    """Each chosen model's adapter to this session's drawings, when adapting is on and there are some."""
    if not choice.adapt:
        return dict.fromkeys(choice.model_kinds)
    from ui.corrections import my_adapter  # here, not above: see warm_up_in_background

    found = {}
    for model_kind in choice.model_kinds:
        try:
            found[model_kind] = my_adapter(classifier_of(TASK.name, model_kind, choice.networks))
        except ClassifierError:
            found[model_kind] = None  # the answer below says what is wrong with the model
    if not any(found.values()):
        st.caption(_("To adapt, confirm or correct a few answers first: adapting uses those drawings."))
    return found


def classify(drawing: np.ndarray | None, choice: Controls) -> tuple[dict[str, Prediction], dict[str, Adapter | None]]:
    """What the model sees and each chosen model's answer, or a hint when nothing is drawn; return the answers
    and the adapters that made them (none when there is nothing to answer)."""
    if drawing is None:
        st.info(_("Draw a digit on the black canvas to see what the network thinks it is."))
        return {}, {}
    predictions: dict[str, Prediction] = {}
    adapted = adapters(choice)
    for model_kind in choice.model_kinds:
        try:
            predictions[model_kind] = classifier_of(TASK.name, model_kind, choice.networks).predict(
                drawing, adapter=adapted[model_kind]
            )
        except EmptyImageError:
            st.info(_("The canvas is empty: draw a digit (0 to 9) on it to see what the network thinks it is."))
            return {}, {}
        except ClassifierError as error:
            st.error(_("The {model} cannot answer: {error}").format(model=title_of(model_kind, choice.networks), error=error))
    if not predictions:
        return {}, {}
    # The answers first: on a phone, where the columns stack, they then fit on the screen with the canvas.
    for column, (model_kind, prediction) in zip(st.columns(len(predictions)), predictions.items()):
        with column:
            show_answer(model_kind, prediction, choice, adapted[model_kind])
    pixel_figure(grey28(next(iter(predictions.values())).image28), 168, _("What the model sees (28x28)"))
    first = next(iter(predictions))
    from ui.corrections import correction_box  # here, not above: see warm_up_in_background

    correction_box(classifier_of(TASK.name, first, choice.networks), predictions[first], drawing)
    return predictions, adapted


def inside(drawing: np.ndarray, predictions: dict[str, Prediction], adapted: dict[str, Adapter | None], choice: Controls) -> None:
    """Inside each network that answered: computed after the answers are shown, so that they appear as soon as known."""
    explanations: dict[str, Explanation] = {}
    for model_kind in predictions:
        try:
            model = classifier_of(TASK.name, model_kind, choice.networks)
            explanations[model_kind] = model.explain(drawing, adapter=adapted[model_kind])
        except ClassifierError as error:
            title = title_of(model_kind, choice.networks)
            st.error(_("Inside the {model} cannot be shown: {error}").format(model=title, error=error))
    if explanations:
        show_inside(explanations)


def read_number(drawing: np.ndarray | None, choice: Controls) -> None:
    """Each chosen model's reading of a number: the number, a box per digit, and each digit as the model saw it."""
    if drawing is None:
        st.info(_("Write a number of 1 to 8 digits, left to right, to see the network read it digit by digit."))
        return
    adapted = adapters(choice)
    readings = {}
    for model_kind in choice.model_kinds:
        try:
            reading = classifier_of(TASK.name, model_kind, choice.networks).read_number(drawing, adapter=adapted[model_kind])
        except EmptyImageError:
            st.info(_("The canvas is empty: write a number of 1 to 8 digits on it."))
            return
        except ClassifierError as error:
            st.error(_("The {model} cannot answer: {error}").format(model=title_of(model_kind, choice.networks), error=error))
            continue
        st.subheader(title_of(model_kind, choice.networks))
        number_column, confidence_column = st.columns(2)
        number_column.metric(_("Number"), reading.number)
        confidence_column.metric(_("Confidence"), f"{100 * reading.confidence:.1f} %")
        if not reading.in_domain:
            st.warning(_("Some marks do not look like digits to me: their answers are only guesses."), icon=":material/help:")
        st.image(
            boxed_digits(drawing, [digit.box for digit in reading.digits], list(reading.number)), width=settings.NUMBER_CANVAS[0]
        )
        pixel_figures(
            [grey28(digit.prediction.image28) for digit in reading.digits],
            84,
            [f"{digit.prediction.label} · {100 * digit.prediction.confidence:.0f} %" for digit in reading.digits],
        )
        readings[model_kind] = reading
    if readings:
        check_a_digit(next(iter(readings)), next(iter(readings.values())), drawing, choice)


def check_a_digit(model_kind: str, reading: Number, drawing: np.ndarray, choice: Controls) -> None:
    """Confirm or correct one digit of a number (the first model's reading), as a single digit is."""
    position = st.selectbox(
        _("Check a digit"),
        range(len(reading.digits)),
        format_func=lambda index: _("Digit {position}: {answer}").format(
            position=index + 1, answer=reading.digits[index].prediction.class_name
        ),
        key=per_language("digit_to_check"),
    )
    digit = reading.digits[position or 0]
    left, top, right, bottom = digit.box
    from ui.corrections import correction_box  # here, not above: see warm_up_in_background

    correction_box(
        classifier_of(TASK.name, model_kind, choice.networks),
        digit.prediction,
        np.asarray(drawing)[top : bottom + 1, left : right + 1],
    )


@st.fragment
def drawing_and_answers(choice: Controls) -> None:
    """The canvas and what the models make of it: a stroke reruns only this part of the page, not the sidebar."""
    if choice.number_mode:
        st.caption(_("Your number"))
        drawing = drawing_canvas(choice.stroke_width, settings.NUMBER_CANVAS, key="number_canvas")
        read_number(drawing, choice)
        return
    # The container's key gives it the CSS class that keeps the canvas column as wide as the canvas (app.py).
    canvas_column, answer_column = st.container(key="drawing").columns([1, 2], gap="large")
    with canvas_column:
        st.caption(_("Your drawing"))
        drawing = drawing_canvas(choice.stroke_width)
        st.caption(_("Undo, redo and clear are in the canvas toolbar."))
    with answer_column:
        predictions, adapted = classify(drawing, choice)
    # Below both columns, across the page: the layers' pictures and their explanations need the width.
    if predictions and choice.inside:
        inside(drawing, predictions, adapted, choice)


choice = controls()
introduction(choice.number_mode)
drawing_and_answers(choice)
warm_up_in_background()
