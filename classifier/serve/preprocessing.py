"""From a real drawing or photo to the 28x28 image a model reads.

Digits follow the way MNIST was made: the digit is cropped, scaled into a 20x20 box keeping its
aspect ratio with anti-aliasing, and placed in the 28x28 frame with its centre of mass in the middle.
Clothing follows the Fashion-MNIST paper (arXiv 1708.07747, section 2): trim the edges close to the
background colour, resize the longest edge to 28, centre, negate so the item is bright on black, and
stretch to 8-bit range. A 28x28 grey image that is bright on black already is in the datasets'
format and passes unchanged. Everything is vectorised numpy and Pillow.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

from classifier.core import tasks
from classifier.core.arrays import as_uint8
from classifier.core.errors import EmptyImageError, ImageTooLargeError, UnreadableImageError
from classifier.core.settings import IMAGE_SIZE, MAX_IMAGE_PIXELS

# MNIST digits fit a 20x20 box inside the 28x28 frame.
DIGIT_BOX = 20
# Ink below this fraction of the image's full contrast is background.
INK_THRESHOLD = 0.15
# A blob of ink smaller than this fraction of all the ink is a speck, not part of the digit.
SPECK_FRACTION = 0.02
# Two colours closer than this fraction of the largest RGB distance are the same (the paper's 5 %).
TRIM_TOLERANCE = 0.05
# An image whose ink or item differs from the background by less than this (on 0..1) is blank.
MIN_CONTRAST = 0.08
# Pictures are first shrunk by a whole factor until their longer side is at most a task's
# `working_size`: still far more detail than 28x28 can use, and much less work. With the digits'
# 160 pixels, a 280x280 canvas becomes 140x140. Pillow's own global pixel limit is left as it is:
# open_image refuses anything above MAX_IMAGE_PIXELS, a lower limit, from the header.


def open_image(source: Image.Image | bytes | str | Path, name: str | None = None) -> Image.Image:
    """Decode bytes or a file into an upright PIL image, refusing anything too large or damaged."""
    if isinstance(source, Image.Image):
        return source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "the image")
    try:
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    except OSError as error:
        raise UnreadableImageError(f"{name} cannot be read: {error.strerror or error}.") from error
    if not data:
        raise UnreadableImageError(f"{name} is empty (0 bytes). Choose an image file.")
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ImageTooLargeError(
                f"{name} is {width}x{height} pixels, more than the limit of {MAX_IMAGE_PIXELS:,}. Scale it down and try again."
            )
        image.seek(0)  # The first frame of an animation.
        image.load()
        return ImageOps.exif_transpose(image)
    except ImageTooLargeError:
        raise
    except Image.DecompressionBombError as error:
        raise ImageTooLargeError(f"{name} declares too many pixels to decode safely. Scale it down.") from error
    except UnidentifiedImageError as error:
        kind = "an SVG drawing" if data.lstrip()[:5] in (b"<svg ", b"<?xml") else "not an image Pillow can read"
        raise UnreadableImageError(f"{name} is {kind}. Use a PNG, JPEG, GIF, BMP, WebP or TIFF file.") from error
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, zlib.error) as error:
        # The exceptions Pillow's decoders raise for damaged or truncated files.
        raise UnreadableImageError(f"{name} is damaged or truncated and cannot be decoded ({error}).") from error


def _to_picture(image: Image.Image | np.ndarray) -> Image.Image:
    """Return a PIL image in mode L, RGB or RGBA from any Pillow mode or an (H, W[, 3 or 4]) array."""
    if isinstance(image, np.ndarray):
        array = image[..., None] if image.ndim == 2 else image
        if array.ndim != 3 or array.shape[2] not in (1, 3, 4) or array.size == 0:
            raise UnreadableImageError(f"An image array must have shape (H, W), (H, W, 3) or (H, W, 4), not {image.shape}.")
        array = array if array.dtype == np.uint8 else as_uint8(array)
        return Image.fromarray(array[..., 0] if array.shape[2] == 1 else array, _ARRAY_MODES[array.shape[2]])
    if image.mode in ("L", "RGB", "RGBA"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return Image.fromarray(as_uint8(np.asarray(image)), "L")
    has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


_ARRAY_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def _shrink(picture: Image.Image, longest: int) -> Image.Image:
    """Shrink a picture by a whole factor until its longer side is at most `longest` pixels.

    Pillow's `reduce` averages each factor x factor block: exact area anti-aliasing, and fast.
    """
    factor = -(-max(picture.size) // longest)
    return picture.reduce(factor) if factor >= 2 else picture


def _border(array: np.ndarray) -> np.ndarray:
    """Return the outermost pixels of an (H, W) or (H, W, C) array, one row per pixel."""
    return np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def ink_map(image: Image.Image | np.ndarray, longest: int) -> np.ndarray:
    """Return the ink of a drawing as (H, W) float32 in 0..1, whatever its colours and polarity.

    Ink on a transparent background is read from alpha. Otherwise the background is the median of
    the border, and ink is how far each pixel's grey level is from it, so light-on-dark and
    dark-on-light give the same map; ink that differs from the background only in hue (red on an
    equally bright green) is measured in colour instead. The picture is first shrunk so that its
    longer side is at most `longest` pixels.
    """
    picture = _to_picture(image)
    if picture.mode == "RGBA":
        alpha = picture.getchannel("A")
        if alpha.getextrema()[0] < 255 and np.median(_border(np.asarray(alpha))) < 128:
            return np.asarray(_shrink(alpha, longest), dtype=np.float32) * np.float32(1 / 255)
    grey = np.asarray(_shrink(picture.convert("L"), longest), dtype=np.float32)
    ink = np.abs(grey - np.median(_border(grey)))
    if ink.max() < MIN_CONTRAST * 255 and picture.mode != "L":
        colour = np.asarray(_shrink(picture.convert("RGB"), longest), dtype=np.float32)
        ink = np.abs(colour - np.median(_border(colour), axis=0)).max(axis=2)
    return ink * np.float32(1 / 255)


def _drop_specks(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the mask without blobs smaller than SPECK_FRACTION of it, and the blob labels (None if one blob)."""
    labels, count = ndimage.label(mask, structure=_EIGHT_NEIGHBOURS)
    if count <= 1:
        return mask, None
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return (sizes >= SPECK_FRACTION * sizes.sum())[labels], labels


_EIGHT_NEIGHBOURS = np.ones((3, 3), dtype=bool)


def bounding_box(mask: np.ndarray) -> tuple[slice, slice]:
    """The rows and columns of a non-empty mask's bounding box, as slices."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1)


def _keep_main_ink(ink: np.ndarray) -> np.ndarray:
    """Return the ink scaled to 0..1 and cropped to the digit, with isolated specks removed.

    Raises EmptyImageError when there is no ink at all.
    """
    contrast = float(ink.max()) if ink.size else 0.0
    if contrast < MIN_CONTRAST:
        raise EmptyImageError("There is nothing drawn yet: draw a digit (0 to 9) on the canvas.")
    ink = np.minimum(ink * np.float32(1 / contrast), np.float32(1))
    strokes, labels = _drop_specks(ink > INK_THRESHOLD)
    box = bounding_box(strokes)
    if labels is None:
        return ink[box]
    # Remove the specks inside the digit's box, keeping the faint edges of the strokes.
    return np.where((labels[box] > 0) & ~strokes[box], np.float32(0), ink[box])


def _place_by_centre_of_mass(box: np.ndarray) -> np.ndarray:
    """Paste a digit of at most 20x20 into 28x28 so that its centre of mass is at (14, 14)."""
    centre_row, centre_column = ndimage.center_of_mass(box)
    height, width = box.shape
    centre = IMAGE_SIZE / 2
    top = int(np.clip(round(centre - centre_row), 0, IMAGE_SIZE - height))
    left = int(np.clip(round(centre - centre_column), 0, IMAGE_SIZE - width))
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    frame[top : top + height, left : left + width] = box
    return frame


def _resize(array: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize a float image with area averaging when shrinking (anti-aliasing) and bilinear when growing."""
    shrinking = width < array.shape[1] or height < array.shape[0]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(array.astype(np.float32), mode="F").resize((width, height), method))


def _fit_longer_side(array: np.ndarray, size: int) -> np.ndarray:
    height, width = array.shape
    scale = size / max(height, width)
    return _resize(array, max(1, round(width * scale)), max(1, round(height * scale)))


def preprocess_drawing(image: Image.Image | np.ndarray, working_size: int) -> np.ndarray:
    """Turn a drawing (of a digit) into a 28x28 float32 MNIST-style image (ink bright on black)."""
    return digit_from_ink(ink_map(image, working_size))


def digit_from_ink(ink: np.ndarray) -> np.ndarray:
    """Turn the ink of one digit (an (H, W) array, see `ink_map`) into a 28x28 float32 MNIST-style image."""
    box = _fit_longer_side(_keep_main_ink(ink), DIGIT_BOX)
    box = np.clip(box / max(float(box.max()), 1e-6), 0.0, 1.0)
    return _place_by_centre_of_mass(box)


def _composite_on_white(image: Image.Image | np.ndarray, working_size: int) -> np.ndarray:
    """Return an (H, W, 3) float32 RGB array in 0..1; transparency becomes white, as behind a shop photo."""
    picture = _shrink(_to_picture(image), working_size)
    if picture.mode == "RGBA":
        picture = Image.alpha_composite(Image.new("RGBA", picture.size, "white"), picture)
    return np.asarray(picture.convert("RGB"), dtype=np.float32) * np.float32(1 / 255)


def preprocess_photo(image: Image.Image | np.ndarray, working_size: int) -> np.ndarray:
    """Turn a photo of one (clothing) item into a 28x28 float32 Fashion-MNIST-style image."""
    rgb = _composite_on_white(image, working_size)
    background = np.median(_border(rgb), axis=0)
    distance = np.sqrt(((rgb - background) ** 2).sum(axis=2) / np.float32(3))
    if distance.max() < MIN_CONTRAST:
        raise EmptyImageError(BLANK_PHOTO)
    # Trim the edges close to the background colour, ignoring specks of noise (JPEG artefacts, dust).
    item, _ = _drop_specks(distance > TRIM_TOLERANCE)
    grey = _luminance(rgb[bounding_box(item)])
    background_grey = float(_luminance(background))
    # Negate when the background is light, so that the item is bright on black as in Fashion-MNIST.
    grey = background_grey - grey if background_grey >= 0.5 else grey - background_grey
    small = np.maximum(_fit_longer_side(np.maximum(grey, 0.0), IMAGE_SIZE), 0.0)
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    height, width = small.shape
    top, left = (IMAGE_SIZE - height) // 2, (IMAGE_SIZE - width) // 2
    frame[top : top + height, left : left + width] = small
    # Stretch the contrast so that the brightest parts of the item reach 1, as in the dataset.
    brightest = float(np.percentile(frame[frame > 0], 99.5)) if (frame > 0).any() else 0.0
    if brightest < MIN_CONTRAST / 2:
        raise EmptyImageError(BLANK_PHOTO)
    return np.minimum(frame / brightest, 1.0).astype(np.float32)


BLANK_PHOTO = "No item found: the photo looks blank. Photograph one item on a plain background."


def as_in_dataset(image: Image.Image | np.ndarray) -> np.ndarray | None:
    """The image as 28x28 float32 if it already is in the datasets' own format, else None.

    That format is 28x28 grey pixels, bright on black (a border that is mostly black). Such an image,
    e.g. a test image saved as PNG, is what the models read: it passes unchanged, as cropping and
    centring it again would only move it away from its dataset.
    """
    picture = _to_picture(image)
    if picture.size != (IMAGE_SIZE, IMAGE_SIZE):
        return None
    if picture.mode == "RGBA":
        if picture.getchannel("A").getextrema()[0] < 255:
            return None
        picture = picture.convert("RGB")
    pixels = np.asarray(picture, dtype=np.float32)
    if pixels.ndim == 3:
        if np.ptp(pixels, axis=2).max() > 0:
            return None
        pixels = pixels[..., 0]
    if np.median(_border(pixels)) > MIN_CONTRAST * 255 or pixels.max() < MIN_CONTRAST * 255:
        return None
    return pixels / np.float32(255)


# One preprocessor per kind of input a task declares (`Task.input_kind`).
PREPROCESSORS = {"drawing": preprocess_drawing, "photo": preprocess_photo}


def decoded(
    image: Image.Image | np.ndarray | bytes | str | Path, name: str | None = None
) -> tuple[Image.Image | np.ndarray, str | None]:
    """Decode a path or bytes (arrays and PIL images pass as they are); return it and the name its errors use."""
    if isinstance(image, (str, Path)):
        name = name or Path(image).name
    if not isinstance(image, np.ndarray):
        image = open_image(image, name)
    return image, name


@contextmanager
def empty_named(name: str | None) -> Iterator[None]:
    """Put the input's name, when there is one, in front of an EmptyImageError raised inside."""
    try:
        yield
    except EmptyImageError as error:
        if name is None:
            raise
        raise EmptyImageError(f"{name}: {error}") from error


def preprocess(
    task: str | tasks.Task, image: Image.Image | np.ndarray | bytes | str | Path, name: str | None = None
) -> np.ndarray:
    """Decode when needed and preprocess an input for a task; return the 28x28 float32 image.

    Errors name the input when it is a path or when `name` is given.
    """
    spec = tasks.get(task)
    image, name = decoded(image, name)
    in_dataset = as_in_dataset(image)
    if in_dataset is not None:
        return in_dataset
    with empty_named(name):
        return PREPROCESSORS[spec.input_kind](image, spec.working_size)
