"""The drawing canvas, and the one seam through which tests hand the draw page a drawing."""

from __future__ import annotations

import numpy as np
import streamlit as st

from classifier.core.settings import CANVAS_SIZE

# AppTest cannot draw on the canvas component, so a test puts an image array in this session key.
INJECTED_DRAWING_KEY = "injected_drawing"


def drawing_canvas(
    stroke_width: int, size: tuple[int, int] = (CANVAS_SIZE, CANVAS_SIZE), key: str = "canvas"
) -> np.ndarray | None:
    """Show a canvas of (width, height) pixels, white ink on black like MNIST; return what is drawn as RGBA, if anything."""
    # Imported here: the component registers itself on import, which needs a running Streamlit app.
    from streamlit_drawable_canvas import st_canvas

    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=size[0],
        height=size[1],
        drawing_mode="freedraw",
        return_image_data=True,
        key=key,
    )
    injected = st.session_state.get(INJECTED_DRAWING_KEY)
    if injected is not None:
        return np.asarray(injected)
    return result.image_data
