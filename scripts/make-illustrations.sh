#!/usr/bin/env bash
# Remakes assets/illustrations/: the clothing emoji of Twemoji and OpenMoji that the clothing models
# learn from (classifier.synthetic.ILLUSTRATION_CLASSES lists the code points), rendered from their SVG
# files at 160x160 pixels. Needs npm (the registry) and Debian's librsvg2-bin (rsvg-convert).
set -euo pipefail
cd "$(dirname "$0")/.."
codes=$(python3 -c 'import ast, re; s = open("classifier/synthetic.py").read(); print(" ".join(ast.literal_eval(re.search(r"ILLUSTRATION_CLASSES = (\{.*?\})", s, re.S).group(1))))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @twemoji/svg@15.0.0 openmoji@17.0.0 >/dev/null && mkdir twemoji openmoji \
  && tar xzf twemoji-svg-15.0.0.tgz -C twemoji && tar xzf openmoji-17.0.0.tgz -C openmoji)
mkdir -p assets/illustrations/twemoji assets/illustrations/openmoji
for code in $codes; do
  rsvg-convert -w 160 -h 160 "$work/twemoji/package/$code.svg" -o "assets/illustrations/twemoji/$code.png"
  rsvg-convert -w 160 -h 160 "$work/openmoji/package/color/svg/${code^^}.svg" -o "assets/illustrations/openmoji/$code.png"
done
echo "Wrote $(ls assets/illustrations/*/*.png | wc -l) pictures in assets/illustrations/"
