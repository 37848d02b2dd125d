#!/usr/bin/env bash
# Remakes assets/illustrations/: the clothing emoji of eight open emoji sets that the clothing models learn
# from (classifier.synthetic.ILLUSTRATION_CLASSES lists the code points), 160x160 pixels each: rendered
# from the SVG files of Twemoji and OpenMoji and from the SVG icons that Iconify packs of Fluent (colour
# and flat), EmojiOne, FxEmoji and Streamline, and resized from Fluent's 3-D renders (WebP).
# Needs npm (the registry), Debian's librsvg2-bin (rsvg-convert) and the project's Python (Pillow).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
codes=$("$python" -c 'from classifier.synthetic import ILLUSTRATION_CLASSES; print(" ".join(ILLUSTRATION_CLASSES))')
sets=$("$python" -c 'from classifier.synthetic import ILLUSTRATION_SETS; print(" ".join(ILLUSTRATION_SETS))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages="@twemoji/svg@15.0.0 openmoji@17.0.0 @iconify-json/fluent-emoji@1.2.7 @iconify-json/fluent-emoji-flat@1.2.6
  @iconify-json/emojione@1.2.3 @iconify-json/fxemoji@1.2.2 @iconify-json/streamline-emojis@1.2.4 @lobehub/fluent-emoji-3d@1.1.0"
(cd "$work" && for package in $packages; do
  file=$(npm pack --silent "$package")
  mkdir "${file%.tgz}" && tar xzf "$file" -C "${file%.tgz}"
done)
out=assets/illustrations
for folder in $sets; do mkdir -p "$out/$folder"; done
for code in $codes; do
  rsvg-convert -w 160 -h 160 "$work/twemoji-svg-15.0.0/package/$code.svg" -o "$out/twemoji/$code.png"
  rsvg-convert -w 160 -h 160 "$work/openmoji-17.0.0/package/color/svg/${code^^}.svg" -o "$out/openmoji/$code.png"
done
# Iconify packs name their icons; each set draws only some of the 18 (FxEmoji names its own way).
"$python" - "$work" <<'PYTHON'
import json, sys
from pathlib import Path

work = Path(sys.argv[1])
NAMES = {
    "t-shirt": "1f455", "womans-clothes": "1f45a", "running-shirt": "1f3bd", "jeans": "1f456", "dress": "1f457",
    "coat": "1f9e5", "lab-coat": "1f97c", "womans-sandal": "1f461", "thong-sandal": "1fa74", "necktie": "1f454",
    "running-shoe": "1f45f", "handbag": "1f45c", "purse": "1f45b", "briefcase": "1f4bc", "clutch-bag": "1f45d",
    "backpack": "1f392", "womans-boot": "1f462", "hiking-boot": "1f97e",
}
FXEMOJI = {
    "mansshirt": "1f455", "womansshirt": "1f45a", "runningshirt": "1f3bd", "jeans": "1f456", "dress": "1f457",
    "sandals": "1f461", "tie": "1f454", "handbag": "1f45c", "briefcase": "1f4bc", "boot": "1f462",
}
for folder, package in [("fluent", "fluent-emoji-1.2.7"), ("fluent-flat", "fluent-emoji-flat-1.2.6"),
                        ("emojione", "emojione-1.2.3"), ("fxemoji", "fxemoji-1.2.2"), ("streamline", "streamline-emojis-1.2.4")]:
    pack = json.loads((work / f"iconify-json-{package}" / "package" / "icons.json").read_text())
    for name, code in (FXEMOJI if folder == "fxemoji" else NAMES).items():
        if (icon := pack["icons"].get(name)) is None:
            continue
        width, height = icon.get("width", pack.get("width", 16)), icon.get("height", pack.get("height", 16))
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               f'viewBox="{icon.get("left", 0)} {icon.get("top", 0)} {width} {height}">{icon["body"]}</svg>')
        (work / f"{folder}-{code}.svg").write_text(svg)
PYTHON
for svg in "$work"/*-*.svg; do
  name=$(basename "$svg" .svg)
  rsvg-convert -w 160 -h 160 "$svg" -o "$out/${name%-*}/${name##*-}.png"
done
"$python" -c '
import sys
from pathlib import Path
from PIL import Image
for code in sys.argv[3:]:
    picture = Image.open(Path(sys.argv[1]) / f"lobehub-fluent-emoji-3d-1.1.0/package/assets/{code}.webp").convert("RGBA")
    picture.resize((160, 160), Image.Resampling.LANCZOS).save(Path(sys.argv[2]) / "fluent-3d" / f"{code}.png")
' "$work" "$out" $codes
echo "Wrote $(ls "$out"/*/*.png | wc -l) pictures in $out/"
