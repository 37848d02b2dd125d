#!/usr/bin/env bash
# The README's command for the app: installs what it needs (into the active environment, or ./.venv)
# and serves it on http://localhost:8501. Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python-env.sh
install_requirements requirements.txt
exec "$PYTHON" -m streamlit run app.py "$@"
