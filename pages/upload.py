"""Upload clothing: photos in, Fashion-MNIST classes out, with a table to download."""

from __future__ import annotations

import csv
import io

import streamlit as st
from PIL import Image

from classifier import ClassifierError, Prediction
from classifier.preprocessing import open_image
from classifier.settings import CLASS_NAMES, EXAMPLES_DIR, MAX_IMAGE_PIXELS
from ui.charts import probability_chart
from ui.loaders import get_classifier
from ui.pictures import pixelated, thumbnail

TASK = "fashion"
IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]

st.title("Upload clothing")
st.write(
    "Upload photos of single clothing items, best on a plain background. Each photo is trimmed, turned "
    "into a 28x28 grey image the way Fashion-MNIST was made, and classified into its ten classes."
)


@st.cache_data(show_spinner=False)
def example_photos() -> dict[str, bytes]:
    """The shipped product photos made from Fashion-MNIST test images, one per class."""
    return {path.name: path.read_bytes() for path in sorted(EXAMPLES_DIR.glob("*.jpg"))}


def chosen_files() -> tuple[str, list[tuple[str, bytes]]]:
    """The model and the (name, content) of every uploaded or chosen example photo."""
    with st.sidebar:
        model_kind = st.segmented_control("Model", ["cnn", "mlp"], default="cnn", format_func=str.upper, key="fashion_model")
    limit_mb = st.get_option("server.maxUploadSize")
    uploads = st.file_uploader(
        "Photos of clothing",
        type=IMAGE_TYPES,
        accept_multiple_files=True,
        key="uploads",
        help=f"Up to {limit_mb} MB and {MAX_IMAGE_PIXELS // 1_000_000} million pixels per image. "
        "Uploads are kept in memory for this session only and never stored.",
    )
    st.caption(
        f"Accepted: {', '.join(IMAGE_TYPES)}; up to {limit_mb} MB and {MAX_IMAGE_PIXELS // 1_000_000} million "
        "pixels per file. Photos stay in memory and are never stored."
    )
    examples = example_photos()
    picked = st.pills("Or try an example photo", list(examples), selection_mode="multi", key="examples")
    files = [(upload.name, upload.getvalue()) for upload in uploads or []]
    files += [(name, examples[name]) for name in picked or []]
    return model_kind or "cnn", files


def show_result(name: str, picture: Image.Image, prediction: Prediction) -> None:
    """One photo: the original, what the model sees, the answer and the ten probabilities."""
    photo_column, seen_column, answer_column = st.columns([1, 1, 3])
    photo_column.image(thumbnail(picture), caption=name)
    seen_column.image(pixelated(prediction.image28, 140), caption="What the model sees")
    with answer_column:
        st.metric(
            "Prediction", prediction.class_name, f"{100 * prediction.confidence:.1f} % sure", delta_color="off", delta_arrow="off"
        )
        st.altair_chart(
            probability_chart(prediction.probabilities, CLASS_NAMES[TASK], prediction.label, height=180),
            width="stretch",
        )


def results_table(rows: list[dict]) -> None:
    """All predictions in a table, with a CSV download."""
    st.subheader("Results")
    st.dataframe(rows, hide_index=True, width="stretch")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    st.download_button("Download CSV", buffer.getvalue(), file_name="predictions.csv", mime="text/csv")


model_kind, files = chosen_files()
if not files:
    st.info("Upload a photo, or pick an example above, to see what the network makes of it.")
    st.stop()
try:
    classifier = get_classifier(TASK, model_kind)
except ClassifierError as error:
    st.error(f"The {model_kind.upper()} model cannot be loaded: {error}")
    st.stop()
rows = []
for name, content in files:
    try:
        # Decoded once, for both the model and the thumbnail.
        picture = open_image(content, name)
        prediction = classifier.predict(picture, name=name)
    except ClassifierError as error:
        st.error(str(error))
        continue
    show_result(name, picture, prediction)
    rows.append({"file": name, "prediction": prediction.class_name, "confidence": round(prediction.confidence, 4)})
if rows:
    results_table(rows)
