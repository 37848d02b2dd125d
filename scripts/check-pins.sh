#!/usr/bin/env bash
# Resolve every pinned requirement for each Python the project supports, without installing anything:
# pip picks the wheels it would install on that version (--python-version), so a pin without a wheel
# for Python 3.12 or 3.13 fails here, on whichever Python runs the tests.
# Usage: bash scripts/check-pins.sh PYTHON   (the interpreter whose pip resolves; tests/run.sh passes its own)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
pins=$(mktemp) target=$(mktemp -d)
trap 'rm -rf "$pins" "$target"' EXIT
# The project itself (`-e .`) and the nested `-r` are not pins: requirements-worker.txt (and through it
# requirements.txt) is given on its own.
grep -v -e '^-e' -e '^-r' requirements-dev.txt > "$pins"
for version in 3.11 3.12 3.13; do
  if ! "$python" -m pip install --dry-run --quiet --disable-pip-version-check --ignore-installed --only-binary=:all: \
      --python-version "$version" --target "$target" -r requirements-worker.txt -r "$pins" 2> >(grep -v '^WARNING: Location' >&2); then
    echo "The pinned requirements do not resolve for Python $version (see pip's message above)." >&2
    exit 1
  fi
done
echo "The pinned requirements resolve for Python 3.11, 3.12 and 3.13."
