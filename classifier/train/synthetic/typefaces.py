"""Typefaces: the printed and handwriting fonts that type digits for training and letters for the domain
check's outliers, split into a tuning part and a held-out part, and the emoji font for outlier objects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from classifier.core.settings import ASSETS_DIR, CANVAS_SIZE
from classifier.train.synthetic.strokes import canvas_rgb

FONT_DIR = Path("/usr/share/fonts")
# Font files by part: tuning fonts choose the check (and type the digits the digit models train on,
# classifier.train.synthetic.styled_digits); held-out fonts (other packages) test both. Beside these Debian
# fonts, each part has the handwriting typefaces in its folder of assets/fonts/ (listed, with their
# part, in assets/fonts/fonts.txt).
TUNING_FONTS = (
    "truetype/dejavu/DejaVuSans.ttf",
    "truetype/dejavu/DejaVuSerif-Italic.ttf",
    "truetype/liberation/LiberationSans-Regular.ttf",
    "opentype/comic-neue/ComicNeue-Regular.otf",
    "truetype/fifthhorseman/dkg.ttf",
    "opentype/bwht/BecauseWeLearn-Regular.otf",
    "opentype/bwht/BecauseWeCreate-Regular.otf",
    "truetype/kristi/Kristi.ttf",
)
HELD_OUT_FONTS = (
    "truetype/humor-sans/Humor-Sans.ttf",
    "truetype/breip/Breip.ttf",
    "truetype/femkeklaver/femkeklaver.ttf",
    "truetype/freefont/FreeSans.ttf",
    "truetype/klee/KleeOne-Regular.ttf",
    "opentype/bwht/BecauseWeBuild-Regular.otf",
)
EMOJI_FONT = FONT_DIR / "truetype/noto/NotoColorEmoji.ttf"


def fonts(part: str) -> list[Path]:
    """The installed font files of a part ("tuning" or "held-out")."""
    names = TUNING_FONTS if part == "tuning" else HELD_OUT_FONTS
    found = [FONT_DIR / name for name in names if (FONT_DIR / name).exists()]
    found += sorted((ASSETS_DIR / "fonts" / part).glob("*.woff"))
    if not found:
        raise FileNotFoundError(f"None of the {part} fonts is installed: tests/debian-packages.txt lists their Debian packages.")
    return found


def drawn_character(rng: np.random.Generator, characters: str, fonts: list[Path]) -> np.ndarray:
    """A letter or symbol in a random font, size, place, tilt and stroke width, white on a black canvas."""
    size = int(rng.integers(CANVAS_SIZE // 3, int(CANVAS_SIZE * 0.85)))
    font = ImageFont.truetype(str(fonts[rng.integers(len(fonts))]), size)
    character = characters[rng.integers(len(characters))]
    ink = Image.new("L", (CANVAS_SIZE * 2, CANVAS_SIZE * 2))
    stroke = int(rng.integers(0, max(1, size // 14)))
    ImageDraw.Draw(ink).text(
        (CANVAS_SIZE, CANVAS_SIZE), character, font=font, fill=255, anchor="mm", stroke_width=stroke, stroke_fill=255
    )
    ink = ink.rotate(float(rng.uniform(-15, 15)), resample=Image.Resampling.BILINEAR)
    box = ink.getbbox() or (0, 0, 1, 1)
    ink = ink.crop(box)
    canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
    ink.thumbnail((CANVAS_SIZE - 10, CANVAS_SIZE - 10))
    left = int(rng.integers(0, CANVAS_SIZE - ink.width + 1))
    top = int(rng.integers(0, CANVAS_SIZE - ink.height + 1))
    canvas.paste(ink, (left, top))
    return canvas_rgb(canvas)
