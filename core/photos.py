"""Residents' photos: checked by content, metadata stripped, stored, thumbnailed on first view."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from core.errors import ApiError

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
EXIF_ORIENTATION = 0x0112
# Phones store HDR gain maps and depth maps as further images after the photo, indexed by an
# MPF segment; Pillow calls such a file MPO. The photo is the first image, a plain JPEG.
JPEG_FORMATS = {"JPEG", "MPO"}
ICC_PROFILE = b"ICC_PROFILE\x00"
# In entropy-coded data 0xFF is only ever followed by 0x00 (stuffing), 0xD0-0xD7 (restart)
# or 0xFF (fill); anything else is the next marker.
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")

# JPEG segments kept when stripping: JFIF (APP0), ICC colour profile (APP2), Adobe colour
# transform (APP14), and every segment that is part of the image data itself.
# Dropped: APP1 (EXIF with GPS, XMP), APP13 (IPTC), other APPn and comments.
JPEG_KEPT_APP_MARKERS = {0xE0, 0xE2, 0xEE}


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks, ready to store: metadata-free bytes and its facts."""

    data: bytes
    format: str
    width: int
    height: int
    sha256: str

    @property
    def content_type(self) -> str:
        return ACCEPTED_FORMATS[self.format]


def check_photo(data: bytes, max_bytes: int, max_pixels: int) -> CheckedPhoto:
    """Identify the image by its bytes (never by name or claimed type) and strip its metadata.

    415 for anything but JPEG, PNG or WebP; 413 for a file or an image (a
    decompression bomb) over the limits; 400 for a corrupt image.
    """
    if len(data) > max_bytes:
        raise ApiError(
            413,
            "photo_too_large",
            "A photo may be at most %(megabytes)s MB.",
            megabytes=max_bytes // 1_000_000,
        )
    image = open_image(data)
    image_format = "JPEG" if image.format in JPEG_FORMATS else image.format
    if image_format not in ACCEPTED_FORMATS:
        raise ApiError(415, "unsupported_photo", "Photos must be JPEG, PNG or WebP images.")
    width, height = image.size
    if width * height > max_pixels:
        raise ApiError(413, "photo_too_large", "The image has too many pixels.")
    if image_format == "JPEG":
        clean = strip_jpeg_metadata(data, _jpeg_orientation(image))
    else:
        clean = _reencode_without_metadata(image)
        width, height = Image.open(io.BytesIO(clean)).size  # turned upright: may have swapped
    return CheckedPhoto(clean, image_format, width, height, hashlib.sha256(clean).hexdigest())


def open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ApiError(413, "photo_too_large", "The image has too many pixels.") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ApiError(415, "unsupported_photo", "That file is not an image we accept.") from error


def _jpeg_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(EXIF_ORIENTATION, 1))
    except (OSError, SyntaxError, ValueError, struct.error):
        return 1


def strip_jpeg_metadata(data: bytes, orientation: int = 1) -> bytes:
    """Drop EXIF, XMP, IPTC and comments from a JPEG without re-encoding a pixel.

    A new minimal EXIF block carrying only the orientation is written back, so
    a phone photo still shows upright. Lossless and ~100x cheaper than
    decoding and re-encoding, which keeps photo intake near the bare stack's rate.
    """
    if data[:2] != b"\xff\xd8":
        raise ApiError(400, "corrupt_photo", "The JPEG file is damaged.")
    out = bytearray(b"\xff\xd8")
    if orientation != 1:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        block = exif.tobytes()  # starts with the b"Exif\0\0" header already
        out += b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ApiError(400, "corrupt_photo", "The JPEG file is damaged.")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: image data up to EOI; what follows is not the photo
            out += data[position : _end_of_image(data, position)]
            return bytes(out)
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment_end = position + 2 + length
        if length < 2 or segment_end > len(data):
            raise ApiError(400, "corrupt_photo", "The JPEG file is damaged.")
        is_metadata = (
            (0xE0 <= marker <= 0xEF and marker not in JPEG_KEPT_APP_MARKERS)
            or marker == 0xFE
            or (marker == 0xE2 and not data.startswith(ICC_PROFILE, position + 4))  # MPF index
        )
        if not is_metadata:
            out += data[position:segment_end]
        position = segment_end
    raise ApiError(400, "corrupt_photo", "The JPEG file has no image data.")


def _end_of_image(data: bytes, position: int) -> int:
    """The end of the EOI marker of the image whose first scan starts at ``position``.

    Walks every scan and the segments between them (progressive JPEGs have several).
    """
    while position + 2 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xD9:
            return position + 2
        if position + 4 > len(data):
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
        if marker == 0xDA:
            found = NEXT_MARKER.search(data, position)
            if found is None:
                break
            position = found.start()
    raise ApiError(400, "corrupt_photo", "The JPEG file is cut short.")


def _reencode_without_metadata(image: Image.Image) -> bytes:
    try:
        upright = ImageOps.exif_transpose(image)
        output = io.BytesIO()
        if image.format == "PNG":
            upright.save(output, "PNG", optimize=False)
        else:
            upright.save(output, "WEBP", quality=90)
    except (OSError, SyntaxError, ValueError) as error:
        raise ApiError(400, "corrupt_photo", "The image is damaged.") from error
    return output.getvalue()


def store_photo(photo: CheckedPhoto, media_root: Path) -> str:
    """Write the photo under the media folder; returns its path relative to that folder."""
    relative = Path(photo.sha256[:2]) / f"{uuid.uuid4().hex}.{EXTENSIONS[photo.format]}"
    target = media_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.data)
    return relative.as_posix()


def thumbnail_relative_path(photo_path: str) -> str:
    return str(Path("thumbnails") / Path(photo_path).with_suffix(".jpg"))


def ensure_thumbnail(media_root: Path, photo_path: str, max_side: int) -> Path:
    """Make the JPEG thumbnail of a stored photo the first time it is asked for."""
    target = media_root / thumbnail_relative_path(photo_path)
    if target.exists():
        return target
    with Image.open(media_root / photo_path) as image:
        image.draft("RGB", (max_side, max_side))
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((max_side, max_side))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{uuid.uuid4().hex}.tmp")
        upright.save(partial, "JPEG", quality=80)
        partial.replace(target)
    return target
