#!/usr/bin/env bash
# Remakes assets/fonts/: the handwriting typefaces listed in assets/fonts/fonts.txt, from their npm
# packages (@fontsource/<name>, Google Fonts under the SIL Open Font License or Apache 2.0): the Latin
# 400-weight WOFF file of each (Pillow reads WOFF) and its licence, in the folder of its part.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf assets/fonts/tuning assets/fonts/held-out
mkdir -p assets/fonts/tuning assets/fonts/held-out
grep -v '^#' assets/fonts/fonts.txt | while read -r part name version; do
  (cd "$work" && npm pack --silent "@fontsource/$name@$version" >/dev/null && mkdir "$name" && tar xzf "fontsource-$name-$version.tgz" -C "$name")
  cp "$work/$name/package/files/$name-latin-400-normal.woff" "assets/fonts/$part/$name.woff"
  cp "$work/$name/package/LICENSE" "assets/fonts/$part/$name.LICENSE"
done
echo "Wrote $(ls assets/fonts/*/*.woff | wc -l) fonts in assets/fonts/"
