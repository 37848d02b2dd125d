"""Draw it, and the network tells you what it is: the entry point, which routes to the pages and offers the two languages."""

import streamlit as st

from ui.i18n import LANGUAGE_KEY, LANGUAGES, SWITCH_LABEL, _

st.set_page_config(page_title="Draw it: digit and clothing classifier", page_icon=":material/draw:", layout="wide")

st.sidebar.segmented_control(SWITCH_LABEL, list(LANGUAGES), default="en", format_func=LANGUAGES.get, key=LANGUAGE_KEY)

st.navigation(
    [
        st.Page("views/draw.py", title=_("Draw a digit"), icon=":material/draw:", default=True),
        st.Page("views/upload.py", title=_("Upload clothing"), icon=":material/checkroom:"),
        st.Page("views/curves.py", title=_("Training curves"), icon=":material/show_chart:"),
        st.Page("views/explorer.py", title=_("Test-set explorer"), icon=":material/grid_view:"),
        st.Page("views/handwriting.py", title=_("Your handwriting"), icon=":material/gesture:"),
    ]
).run()
