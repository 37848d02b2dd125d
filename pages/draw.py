"""Draw a digit: the canvas, what the model sees, its answer and how sure it is."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier import ClassifierError, EmptyImageError, Prediction
from classifier.settings import CLASS_NAMES
from ui.canvas import drawing_canvas
from ui.charts import probability_chart
from ui.loaders import get_classifier
from ui.pictures import pixelated

TASK = "digits"
MODEL_CHOICES = {"CNN": ["cnn"], "MLP": ["mlp"], "Both": ["cnn", "mlp"]}
# Below this probability the answer is shown with a warning that the model is unsure.
LOW_CONFIDENCE = 0.6

st.title("Draw a digit")
st.write(
    "Draw one digit from 0 to 9 with your mouse or finger. The drawing is cropped, scaled into a 20x20 box "
    "and centred by its centre of mass, the way MNIST was made; the network then says which digit it sees."
)


def controls() -> tuple[int, list[str], int | None]:
    """The stroke width, the chosen models and the optional true digit."""
    with st.sidebar:
        stroke_width = st.slider("Stroke width", min_value=6, max_value=40, value=18, key="stroke_width")
        choice = st.segmented_control("Model", list(MODEL_CHOICES), default="CNN", key="model_choice")
        drawn = st.selectbox(
            "I drew a …",
            [None, *range(10)],
            format_func=lambda digit: "(not saying)" if digit is None else str(digit),
            key="true_digit",
            help="Tell the app what you drew: its bar turns blue, so a right answer shows one blue bar.",
        )
    return stroke_width, MODEL_CHOICES[choice or "CNN"], drawn


def show_answer(model_kind: str, prediction: Prediction, true_digit: int | None) -> None:
    """The prediction, its confidence and the ten probabilities of one model."""
    st.subheader(model_kind.upper())
    prediction_column, confidence_column = st.columns(2)
    prediction_column.metric("Prediction", prediction.class_name)
    confidence_column.metric("Confidence", f"{100 * prediction.confidence:.1f} %")
    if prediction.confidence < LOW_CONFIDENCE:
        st.warning("The model is not sure. Try drawing the digit larger, or more like a printed one.")
    chart = probability_chart(prediction.probabilities, CLASS_NAMES[TASK], prediction.label, true_digit)
    st.altair_chart(chart, width="stretch")


def classify(drawing: np.ndarray | None, model_kinds: list[str], true_digit: int | None) -> None:
    """What the model sees and each chosen model's answer, or a hint when nothing is drawn."""
    if drawing is None:
        st.info("Draw a digit on the black canvas to see what the network thinks it is.")
        return
    predictions: dict[str, Prediction] = {}
    for model_kind in model_kinds:
        try:
            predictions[model_kind] = get_classifier(TASK, model_kind).predict(drawing)
        except EmptyImageError:
            st.info("The canvas is empty: draw a digit (0 to 9) on it to see what the network thinks it is.")
            return
        except ClassifierError as error:
            st.error(f"The {model_kind.upper()} cannot answer: {error}")
    if not predictions:
        return
    st.caption("What the model sees (28x28)")
    st.image(pixelated(next(iter(predictions.values())).image28), width=168)
    for column, (model_kind, prediction) in zip(st.columns(len(predictions)), predictions.items()):
        with column:
            show_answer(model_kind, prediction, true_digit)


stroke_width, model_kinds, true_digit = controls()
canvas_column, answer_column = st.columns([1, 2], gap="large")
with canvas_column:
    st.caption("Your drawing")
    drawing = drawing_canvas(stroke_width)
    st.caption("Undo, redo and clear are in the canvas toolbar.")
with answer_column:
    classify(drawing, model_kinds, true_digit)
