"""Fetch the emoji artwork that the clothing models' domain check learns outliers from, beside Noto Color Emoji:
Twemoji (CC-BY 4.0, from npm emoji-datasource-twitter) and OpenMoji (CC-BY-SA 4.0, from npm openmoji), one PNG
per object of classifier/train/outliers.py's TUNING_OBJECTS and HELD_OUT_OBJECTS, into assets/emoji/<artwork>/.

Usage: python scripts/make_emoji.py (needs npm, and cairosvg to draw OpenMoji's SVG files: pip install cairosvg==2.8.2).
The PNG files are committed; training does not run this.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from classifier.core.settings import ASSETS_DIR
from classifier.train.outliers import HELD_OUT_OBJECTS, TUNING_OBJECTS

PACKAGES = {"twemoji": "emoji-datasource-twitter@16.0.0", "openmoji": "openmoji@17.0.0"}
SIDE = 128  # OpenMoji is drawn at this size; Twemoji ships 64-pixel pictures


def names(character: str) -> list[str]:
    """The file names an emoji may have: its code points in hex, with and without the emoji presentation selector."""
    points = [f"{ord(c):x}" for c in character]
    bare = [p for p in points if p != "fe0f"]
    return ["-".join(points), "-".join(bare), "-".join([*bare, "fe0f"])]


def main() -> None:
    import cairosvg

    with tempfile.TemporaryDirectory() as folder:
        for artwork, package in PACKAGES.items():
            tarball = subprocess.run(["npm", "pack", package], cwd=folder, capture_output=True, text=True, check=True)
            archive = tarfile.open(Path(folder) / tarball.stdout.strip().splitlines()[-1])
            members = {member.name: member for member in archive.getmembers()}
            target = ASSETS_DIR / "emoji" / artwork
            target.mkdir(parents=True, exist_ok=True)
            found = 0
            for character in TUNING_OBJECTS + HELD_OUT_OBJECTS:
                for name in names(character):
                    path = (
                        f"package/img/twitter/64/{name}.png" if artwork == "twemoji" else f"package/color/svg/{name.upper()}.svg"
                    )
                    if path in members:
                        content = archive.extractfile(members[path]).read()
                        if artwork == "openmoji":
                            content = cairosvg.svg2png(bytestring=content, output_width=SIDE, output_height=SIDE)
                        (target / f"{names(character)[1]}.png").write_bytes(content)
                        found += 1
                        break
                else:
                    print(f"{artwork}: no picture of {character}")
            license_member = members.get("package/LICENSE") or members.get("package/LICENSE.txt")
            notice = archive.extractfile(license_member).read() if license_member else b""
            (target / "LICENSE").write_bytes(io.BytesIO(notice).getvalue())
            print(f"{artwork}: {found} pictures")


if __name__ == "__main__":
    main()
