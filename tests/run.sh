#!/usr/bin/env bash
# The README's test command (and CI's, through .ci/run): installs what the tests need on a fresh
# Debian or Ubuntu machine, lints, fetches the real datasets and runs the whole suite. Extra
# arguments go to pytest, e.g. `bash tests/run.sh -m "not browser and not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (tests/debian-packages.txt): Chromium, the datasets, fonts for the outlier pictures.
missing=()
for package in $(grep -v '^#' tests/debian-packages.txt); do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_if_needed=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq "${missing[@]}"
fi

source scripts/python-env.sh
install_requirements requirements-dev.txt
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
"$(dirname "$PYTHON")/lint-imports"  # the layer contracts in pyproject.toml
bash scripts/check-pins.sh "$PYTHON"
"$PYTHON" -m classifier fetch-data
"$PYTHON" -m pytest "$@"
