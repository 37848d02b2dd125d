"""The catalogue of hostile and broken uploads, built in the tests themselves from the real test set."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from classifier import EmptyImageError, ImageTooLargeError, UnreadableImageError
from classifier.train import synthetic
from tests.conftest import jpeg_bytes, png_bytes

SNEAKER, TROUSER, BAG = 7, 1, 8


def _png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header declares width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def _item(fashion_test, label: int, seed: int) -> Image.Image:
    index = np.flatnonzero(fashion_test.labels == label)[seed]
    return Image.open(io.BytesIO(synthetic.photo_clothing(fashion_test.images[index], np.random.default_rng(seed)))).convert(
        "RGB"
    )


def catalogue(fashion_test) -> dict[str, tuple[bytes, object]]:
    """{file name: (content, expected)}: expected is an error type, a class name, or None for 'either'."""
    sneaker = _item(fashion_test, SNEAKER, 0)
    trouser = _item(fashion_test, TROUSER, 0)
    bag = _item(fashion_test, BAG, 0)

    transparent = Image.new("RGBA", sneaker.size, (0, 0, 0, 0))
    mask = Image.fromarray((np.asarray(sneaker.convert("L")) < 200).astype(np.uint8) * 255)
    transparent.paste(sneaker, mask=mask)
    palette = transparent.convert("P", palette=Image.Palette.ADAPTIVE, colors=255)

    animation = io.BytesIO()
    sneaker.save(animation, "GIF", save_all=True, append_images=[bag, trouser], duration=200, loop=0)

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the stored picture must be turned 90 degrees clockwise.
    rotated = jpeg_bytes(trouser.transpose(Image.Transpose.ROTATE_90), exif=exif, quality=92)

    wide = Image.new("RGB", (4000, 50), (240, 240, 240))
    wide.paste((30, 30, 30), (1500, 10, 2500, 40))

    sixteen_bit = Image.fromarray(np.asarray(sneaker.convert("L"), dtype=np.uint16) * 257)
    full_png, full_jpeg = png_bytes(bag), jpeg_bytes(bag)
    return {
        "zero-bytes.png": (b"", UnreadableImageError),
        "text.png": (b"This is plain text, not a picture.\n" * 4, UnreadableImageError),
        "page.png": (b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", UnreadableImageError),
        "truncated.png": (full_png[: len(full_png) // 2], UnreadableImageError),
        "truncated.jpg": (full_jpeg[: len(full_jpeg) // 2], UnreadableImageError),
        "bomb.png": (_png_declaring(30000, 30000), ImageTooLargeError),
        "one-pixel.png": (png_bytes(Image.new("RGB", (1, 1), (90, 20, 20))), EmptyImageError),
        "all-white.png": (png_bytes(Image.new("RGB", (300, 300), "white")), EmptyImageError),
        "all-black.png": (png_bytes(Image.new("L", (300, 300), 0)), EmptyImageError),
        "sixteen-bit.png": (png_bytes(sixteen_bit), "Sneaker"),
        "palette-transparent.png": (png_bytes(palette, transparency=palette.info.get("transparency", 0)), "Sneaker"),
        "cmyk.jpg": (jpeg_bytes(bag.convert("CMYK"), quality=92), "Bag"),
        "animated.gif": (animation.getvalue(), "Sneaker"),
        "exif-rotated.jpg": (rotated, "Trouser"),
        "wide-4000x50.png": (png_bytes(wide), None),
        "drawing.svg": (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>',
            UnreadableImageError,
        ),
    }
