"""Draw it, and the network tells you what it is: the entry point, which only routes to the pages."""

import streamlit as st

st.set_page_config(page_title="Draw it: digit and clothing classifier", page_icon=":material/draw:", layout="wide")

st.navigation(
    [
        st.Page("pages/draw.py", title="Draw a digit", icon=":material/draw:", default=True),
        st.Page("pages/upload.py", title="Upload clothing", icon=":material/checkroom:"),
        st.Page("pages/curves.py", title="Training curves", icon=":material/show_chart:"),
        st.Page("pages/explorer.py", title="Test-set explorer", icon=":material/grid_view:"),
    ]
).run()
