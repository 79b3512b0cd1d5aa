"""Sample files for the photo tests, made with Pillow at test time (no binary files in the repo)."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

from PIL import ExifTags, Image, ImageCms, PngImagePlugin

ORIENTATION = 0x0112
MAKE = 0x010F
MODEL = 0x0110
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,10.5S" '
    b'exif:GPSLongitude="106,49.2E"/></rdf:RDF></x:xmpmeta>'
)
COMMENT = b"taken at home, Jl. Melati 12"
IPTC_SEGMENT = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0b\x1c\x02\x05\x00\x06Secret"


def noisy_image(size: tuple[int, int], mode: str = "RGB", seed: int = 7) -> Image.Image:
    """An image whose every pixel differs, so a re-encode or a rotation would show."""
    generator = random.Random(seed)
    bands = len(mode)
    data = bytes(generator.randrange(256) for _ in range(size[0] * size[1] * bands))
    return Image.frombytes(mode, size, data)


def private_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as a phone writes it: camera make and model, where it was taken, and orientation."""
    exif = Image.Exif()
    exif[MAKE] = "Acme"
    exif[MODEL] = "Pocket Phone 9"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 10.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 12.0)
    return exif


def phone_jpeg(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A JPEG with EXIF (GPS, make, model, orientation), XMP, an IPTC block and a comment."""
    output = io.BytesIO()
    noisy_image(size).save(
        output,
        "JPEG",
        quality=90,
        exif=private_exif(orientation),
        xmp=XMP_PACKET,
        comment=COMMENT,
    )
    return insert_jpeg_segment(output.getvalue(), 0xED, IPTC_SEGMENT)


def plain_jpeg(size: tuple[int, int] = (64, 48), seed: int = 7, **options: Any) -> bytes:
    """A JPEG without metadata; ``options`` go to Pillow (``progressive``, ``icc_profile``)."""
    output = io.BytesIO()
    noisy_image(size, seed=seed).save(output, "JPEG", quality=85, **options)
    return output.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def insert_jpeg_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """Put an APPn segment right after the start-of-image marker."""
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpeg_segment_markers(jpeg: bytes) -> list[int]:
    """The markers of the segments before the image data, in order."""
    markers = []
    position = 2
    while position + 4 <= len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        position += 2 + length
    return markers


def png_with_metadata(size: tuple[int, int] = (40, 30)) -> bytes:
    """A PNG with an eXIf chunk (GPS, make, model) and tEXt / iTXt chunks."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Budi Santoso")
    text.add_itxt("Location", "Jl. Melati 12, Jakarta")
    output = io.BytesIO()
    noisy_image(size, "RGBA").save(output, "PNG", pnginfo=text, exif=private_exif(orientation=1))
    return output.getvalue()


def png_chunk_types(png: bytes) -> list[bytes]:
    types = []
    position = 8
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        types.append(png[position + 4 : position + 8])
        position += 12 + length
    return types


def webp_with_metadata(size: tuple[int, int] = (40, 30)) -> bytes:
    output = io.BytesIO()
    noisy_image(size).save(
        output, "WEBP", quality=90, exif=private_exif(orientation=1), xmp=XMP_PACKET
    )
    return output.getvalue()


def gif_image() -> bytes:
    output = io.BytesIO()
    noisy_image((20, 20)).convert("P").save(output, "GIF")
    return output.getvalue()


def pdf_document() -> bytes:
    output = io.BytesIO()
    noisy_image((20, 20)).save(output, "PDF")
    return output.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of ``width`` x ``height`` black pixels: huge decoded, tiny on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def two_tone_jpeg(size: tuple[int, int] = (160, 120), orientation: int = 6) -> bytes:
    """Left half red, right half blue, tagged with ``orientation``: shows which way is up."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    output = io.BytesIO()
    image.save(output, "JPEG", quality=90, exif=exif)
    return output.getvalue()


def padded_jpeg(total_bytes: int) -> bytes:
    """A valid JPEG made ``total_bytes`` long with comment segments (stripped later)."""
    jpeg = plain_jpeg()
    while len(jpeg) < total_bytes:
        missing = total_bytes - len(jpeg) - 4
        jpeg = insert_jpeg_segment(jpeg, 0xFE, b"x" * max(0, min(missing, 65_000)))
    return jpeg


def jpeg_app1_payloads(jpeg: bytes) -> list[bytes]:
    payloads = []
    position = 2
    while position + 4 <= len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        if marker == 0xE1:
            payloads.append(jpeg[position + 4 : position + 2 + length])
        position += 2 + length
    return payloads


def strict_exif_orientation(app1_payload: bytes) -> int | None:
    """Orientation read as the EXIF standard lays it out, as browsers and phones read it.

    ``Exif\\0\\0``, then a TIFF header (byte order, 42, offset of IFD0), then IFD0.
    Returns None when the block is not laid out that way or has no orientation.
    """
    if app1_payload[:6] != b"Exif\x00\x00":
        return None
    tiff = app1_payload[6:]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or struct.unpack(order + "H", tiff[2:4])[0] != 42:
        return None
    (ifd_offset,) = struct.unpack(order + "I", tiff[4:8])
    (count,) = struct.unpack(order + "H", tiff[ifd_offset : ifd_offset + 2])
    for index in range(count):
        entry = tiff[ifd_offset + 2 + 12 * index : ifd_offset + 14 + 12 * index]
        tag, kind, _count = struct.unpack(order + "HHI", entry[:8])
        if tag == ORIENTATION and kind == 3:
            return int(struct.unpack(order + "H", entry[8:10])[0])
    return None


def multi_picture_jpeg() -> bytes:
    """A JPEG with a second image appended and indexed by MPF, as phones store HDR gain maps.

    Both images carry the phone's EXIF, GPS included.
    """
    output = io.BytesIO()
    noisy_image((64, 48)).save(
        output,
        "MPO",
        save_all=True,
        append_images=[noisy_image((32, 24), seed=3)],
        exif=private_exif(orientation=1),
    )
    return output.getvalue()


def not_an_image() -> bytes:
    return b"Dear city, the street light on Jl. Melati is broken.\n" * 20
