"""The floor to compare with: a bare Streamlit app with the same canvas as the Draw page and one metric (bench/latency.py)."""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

result = st_canvas(
    stroke_width=18,
    stroke_color="#FFFFFF",
    background_color="#000000",
    height=280,
    width=280,
    drawing_mode="freedraw",
    return_image_data=True,
    key="canvas",
)
ink = 0 if result.image_data is None else int((result.image_data[..., 0] > 0).sum())
st.metric("Ink pixels", ink)
