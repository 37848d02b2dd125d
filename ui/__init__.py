"""The Streamlit side of the app: chart builders, cached loaders and the canvas seam shared by the pages."""
