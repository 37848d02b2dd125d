"""Drives the running app for the end-to-end tests and the benchmarks (a real `streamlit run` server and
Chromium), and keeps the benchmarks' results files."""
