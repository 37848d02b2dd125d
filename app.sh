#!/usr/bin/env bash
# The README's command for the app: installs what it needs (into the active environment, or ./.venv),
# starts one worker that trains learners' networks ("Train your own", classifier/jobs.py) and serves the
# app on http://localhost:8501. Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python-env.sh
install_requirements requirements-worker.txt
"$PYTHON" -m classifier worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
"$PYTHON" -m streamlit run app.py "$@"
