"""Draw it, and the network tells you what it is: the entry point, which routes to the pages and offers the two languages."""

import streamlit as st

from classifier.core.settings import CANVAS_SIZE
from ui.i18n import LANGUAGE_KEY, LANGUAGES, SWITCH_LABEL, _
from ui.loaders import return_freed_memory
from ui.visitor import remember_visitor

return_freed_memory()

# On a phone, less empty space above the title and a smaller title, so that the canvas and the answer fit
# on one screen; a finger on the canvas draws and never scrolls or zooms the page. Small pictures
# (ui/pictures.py pixel_figures) are enlarged by the browser with their pixels kept square. The inside
# view's rows (ui/inside.py) put a picture beside its text, and under it on a phone. The phone's rules come
# last, so that they win over the others.
PAGE_CSS = """<style>
canvas.upper-canvas { touch-action: none; }
div.pixels { display: flex; flex-wrap: wrap; gap: 0.5rem; }
figure.pixels { margin: 0 0 1rem 0; }
figure.pixels img { image-rendering: pixelated; max-width: 100%; display: block; }
div.inside-row { display: grid; gap: 0 2rem; align-items: start; margin-bottom: 1rem; }
div.inside-row.why { grid-template-columns: 1fr 2fr; }
div.inside-row.layer { grid-template-columns: 3fr 2fr; }
div.inside-row > div { min-width: 0; }
figure.pixels figcaption { font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); margin-top: 0.375rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  h1 { font-size: 2rem !important; }
  [class*="st-key-answer-"] [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
  [class*="st-key-answer-"] [data-testid="stColumn"] { min-width: 0 !important; }
  [data-testid="stHorizontalBlock"] { row-gap: 1rem; }
  div.inside-row.why, div.inside-row.layer { grid-template-columns: 1fr; gap: 0; }
}
</style>"""
# On the Draw page the canvas's column is as wide as the canvas and its 1-pixel border (a column sized as a
# share of the screen would cut the canvas off on narrower screens), and the answers go under the canvas when
# less than 300 pixels are left beside it.
CANVAS_COLUMN = CANVAS_SIZE + 2
DRAWING_CSS = f"""<style>
.st-key-drawing > div > [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:first-child {{
  flex: 0 0 {CANVAS_COLUMN}px; width: {CANVAS_COLUMN}px; min-width: {CANVAS_COLUMN}px;
}}
.st-key-drawing > div > [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:last-child {{
  flex: 1 1 0; width: auto; min-width: 300px;
}}
</style>"""

st.set_page_config(page_title="Draw it: digit and clothing classifier", page_icon=":material/draw:", layout="wide")
st.html(PAGE_CSS + DRAWING_CSS)

st.sidebar.segmented_control(SWITCH_LABEL, list(LANGUAGES), default="en", format_func=LANGUAGES.get, key=LANGUAGE_KEY)
remember_visitor()

st.navigation(
    [
        st.Page("views/draw.py", title=_("Draw digits"), icon=":material/draw:", default=True),
        st.Page("views/upload.py", title=_("Upload clothing"), icon=":material/checkroom:"),
        st.Page("views/curves.py", title=_("Training curves"), icon=":material/show_chart:"),
        st.Page("views/explorer.py", title=_("Test-set explorer"), icon=":material/grid_view:"),
        st.Page("views/handwriting.py", title=_("Your handwriting"), icon=":material/gesture:"),
        st.Page("views/train.py", title=_("Train your own"), icon=":material/model_training:"),
    ]
).run()
