"""Upload clothing: photos in, Fashion-MNIST classes out, with a table to download."""

from __future__ import annotations

import csv
import io

import streamlit as st
from PIL import Image

from classifier import ClassifierError, Prediction
from classifier.core import tasks
from classifier.core.settings import MAX_IMAGE_PIXELS, MODEL_KINDS, example_path
from classifier.serve.explain import Explanation
from classifier.serve.preprocessing import open_image
from ui.charts import probability_chart
from ui.i18n import _, class_names
from ui.inside import show_inside
from ui.networks import classifier_of, model_choice, title_of, usable_networks
from ui.pictures import grey28, pixel_figure, thumbnail

TASK = tasks.get("fashion")
IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]

st.title(_("Upload clothing"))
st.write(
    _(
        "Upload photos of single clothing items, best on a plain background. Each photo is trimmed, turned "
        "into a 28x28 grey image the way Fashion-MNIST was made, and classified into its ten classes."
    )
)


@st.cache_data(show_spinner=False)
def example_photos() -> dict[str, tuple[str, bytes]]:
    """The shipped product photos made from Fashion-MNIST test images, one per class: file name -> (class, content)."""
    paths = {class_name: example_path(class_name) for class_name in TASK.class_names}
    return {path.name: (class_name, path.read_bytes()) for class_name, path in paths.items() if path.exists()}


def chosen_files(own: dict) -> tuple[str, bool, list[tuple[str, bytes]]]:
    """The model, whether to show inside the network, and the (name, content) of every uploaded or chosen example photo.

    The models are the shipped CNN and MLP, and the visitor's own clothing networks (views/train.py).
    """
    with st.sidebar:
        model_kind = st.segmented_control(
            _("Model"), [*MODEL_KINDS, *own], default="cnn", format_func=lambda kind: title_of(kind, own), key="fashion_model"
        )
        if model_kind in own:
            st.caption(_("Your own network has no “doesn't look like clothing” check: it gives every photo a class."))
        inside = st.toggle(
            _("Inside the network"),
            value=True,
            key="fashion_inside",
            help=_("Under each photo: every layer's activity, the why-map and the training images the network finds alike."),
        )
    limit_mb = st.get_option("server.maxUploadSize")
    megapixels = MAX_IMAGE_PIXELS // 1_000_000
    uploads = st.file_uploader(
        _("Photos of clothing"),
        type=IMAGE_TYPES,
        accept_multiple_files=True,
        key="uploads",
        help=_(
            "Up to {megabytes} MB and {megapixels} million pixels per image. "
            "Uploads are kept in memory for this session only and never stored."
        ).format(megabytes=limit_mb, megapixels=megapixels),
    )
    st.caption(
        _(
            "Accepted: {types}; up to {megabytes} MB and {megapixels} million pixels per file. "
            "Photos stay in memory and are never stored."
        ).format(types=", ".join(IMAGE_TYPES), megabytes=limit_mb, megapixels=megapixels)
    )
    examples = example_photos()
    picked = st.pills(
        _("Or try an example photo"),
        list(examples),
        selection_mode="multi",
        format_func=lambda name: _(examples[name][0]),
        key="examples",
    )
    files = [(upload.name, upload.getvalue()) for upload in uploads or []]
    files += [(name, examples[name][1]) for name in picked or []]
    return model_kind or "cnn", inside, files


def show_result(
    name: str, picture: Image.Image, prediction: Prediction, explanation: Explanation | None, model_kind: str
) -> None:
    """One photo: the original, what the model sees, the answer and the ten probabilities."""
    photo_column, seen_column, answer_column = st.columns([1, 1, 3])
    photo_column.image(thumbnail(picture), caption=name)
    with seen_column:
        pixel_figure(grey28(prediction.image28), 140, _("What the model sees"))
    with answer_column:
        st.metric(
            _("Prediction") if prediction.in_domain else _("Best guess"),
            _(prediction.class_name),
            _("{percent} % sure").format(percent=f"{100 * prediction.confidence:.1f}"),
            delta_color="off",
            delta_arrow="off",
        )
        if not prediction.in_domain:
            st.warning(
                _(
                    "**This doesn't look like one of the ten kinds of clothing.** What the network sees in it is too "
                    "unlike every item it was trained on, so the grey bars are only its best guess."
                ),
                icon=":material/help:",
            )
        chart = probability_chart(
            prediction.probabilities,
            class_names(TASK.class_names),
            prediction.label,
            height=180,
            greyed=not prediction.in_domain,
            axis_title=_("probability"),
        )
        st.altair_chart(chart, width="stretch")
    if explanation is not None:
        with st.expander(_("Inside the network: {name}").format(name=name)):
            show_inside({model_kind: explanation})


def results_table(rows: list[dict]) -> None:
    """All predictions in a table, with a CSV download."""
    st.subheader(_("Results"))
    st.dataframe(rows, hide_index=True, width="stretch")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    st.download_button(_("Download CSV"), buffer.getvalue(), file_name="predictions.csv", mime="text/csv")


own = {model_choice(network): network for network in usable_networks(TASK.name)}
model_kind, inside, files = chosen_files(own)
if not files:
    st.info(_("Upload a photo, or pick an example above, to see what the network makes of it."))
    st.stop()
try:
    classifier = classifier_of(TASK.name, model_kind, own)
except ClassifierError as error:
    st.error(_("The {model} model cannot be loaded: {error}").format(model=title_of(model_kind, own), error=error))
    st.stop()
rows = []
for name, content in files:
    try:
        # Decoded once, for both the model and the thumbnail.
        picture = open_image(content, name)
        explanation = classifier.explain(picture, name=name) if inside else None
        prediction = explanation.prediction if explanation else classifier.predict(picture, name=name)
    except ClassifierError as error:
        st.error(str(error))
        continue
    show_result(name, picture, prediction, explanation, model_kind)
    rows.append(
        {
            _("file"): name,
            _("prediction"): _(prediction.class_name),
            _("confidence"): round(prediction.confidence, 4),
            _("looks like clothing"): prediction.in_domain,
        }
    )
if rows:
    results_table(rows)
