"""Photo intake: checked by content, stripped of metadata, limited, thumbnailed, access-checked."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import gevent
import photo_samples as samples
import pytest
from PIL import ExifTags, Image

from core import hookimpl
from core.errors import ApiError
from core.photos import check_photo, ensure_thumbnail, store_photo, strip_jpeg_metadata

MAX_PHOTOS = 2
MAX_PHOTO_BYTES = 200_000
MAX_REQUEST_BYTES = 300_000
MAX_PHOTO_PIXELS = 2_000_000
THUMBNAIL_PIXELS = 40
PRIVATE_WORDS = (b"Acme", b"Pocket Phone", b"GPSLatitude", b"Melati", b"Budi", b"Secret")


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {
        "max_photos": MAX_PHOTOS,
        "max_photo_bytes": MAX_PHOTO_BYTES,
        "max_request_bytes": MAX_REQUEST_BYTES,
        "max_photo_pixels": MAX_PHOTO_PIXELS,
        "thumbnail_pixels": THUMBNAIL_PIXELS,
        "rate_limit_enabled": False,
    }


# --- helpers ---------------------------------------------------------------------------------


def post_complaint(
    client: Any,
    photos: list[tuple[str, bytes]],
    category: str = "garbage",
    headers: dict[str, str] | None = None,
) -> Any:
    """POST a multipart complaint; ``photos`` are (file name, content) pairs."""
    data: dict[str, Any] = {
        "category": category,
        "description": "Sampah menumpuk di depan pasar sejak seminggu.",
        "lat": "-6.2088",
        "lon": "106.8456",
        "photo": [(io.BytesIO(content), name) for name, content in photos],
    }
    return client.post(
        "/api/v1/complaints",
        data=data,
        headers=headers or {},
        content_type="multipart/form-data",
    )


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the contract's one error shape with this status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    return error


def media_root(app: Any) -> Path:
    return Path(app.config["SMARTCITY"]["instance_path"]) / "media"


def files_under_media(app: Any) -> list[Path]:
    """Every file in the media folder: photos, thumbnails, anything half-written."""
    root = media_root(app)
    return sorted(path for path in root.rglob("*") if path.is_file())


def stored_photos(app: Any) -> list[Path]:
    root = media_root(app)
    return [path for path in files_under_media(app) if root / "thumbnails" not in path.parents]


def complaint_count(client: Any, admin: Any) -> int:
    return len(client.get("/api/v1/complaints", headers=admin.headers).get_json()["items"])


def stored_copy(client: Any, response: Any, index: int = 0) -> bytes:
    """The stored file of a photo, fetched through the URL the 201 body gives."""
    assert response.status_code == 201, response.get_data(as_text=True)
    photo = response.get_json()["photos"][index]
    fetched = client.get(photo["url"])
    assert fetched.status_code == 200
    assert fetched.mimetype == photo["content_type"]
    return bytes(fetched.data)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_private_bytes(data: bytes) -> None:
    for word in PRIVATE_WORDS:
        assert word not in data, word


# --- JPEG: metadata stripped without re-encoding ---------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_stored_without_gps_camera_xmp_iptc_or_comment(client):
    original = samples.phone_jpeg(orientation=6)
    source = decoded(original)
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"xmp", "comment", "photoshop"} <= set(source.info)

    stored = stored_copy(client, post_complaint(client, [("IMG_0001.jpg", original)]))

    image = decoded(stored)
    exif = image.getexif()
    assert image.format == "JPEG"
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.IFD.GPSInfo not in exif
    assert samples.MAKE not in exif and samples.MODEL not in exif
    assert not {"xmp", "comment", "photoshop"} & set(image.info)
    assert_no_private_bytes(stored)
    assert samples.XMP_PACKET not in stored and samples.COMMENT not in stored


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_stored_keeps_orientation_and_identical_pixels(client):
    original = samples.phone_jpeg(orientation=6)

    stored = stored_copy(client, post_complaint(client, [("IMG_0001.jpg", original)]))

    assert decoded(stored).getexif()[samples.ORIENTATION] == 6
    assert decoded(stored).tobytes() == decoded(original).tobytes()
    assert decoded(stored).size == decoded(original).size


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_orientation_is_written_as_standard_exif(client):
    """Browsers and phones read EXIF as the standard lays it out, not as leniently as Pillow."""
    original = samples.phone_jpeg(orientation=6)

    stored = stored_copy(client, post_complaint(client, [("IMG_0001.jpg", original)]))

    (app1,) = samples.jpeg_app1_payloads(stored)
    assert app1[:6] == b"Exif\x00\x00"
    assert app1[6:10] in (b"MM\x00*", b"II*\x00")
    assert samples.strict_exif_orientation(app1) == 6


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_jpeg_image_data_is_copied_unchanged(client, progressive):
    original = samples.insert_jpeg_segment(
        samples.plain_jpeg(size=(120, 90), progressive=progressive), 0xFE, samples.COMMENT
    )

    stored = stored_copy(client, post_complaint(client, [("IMG_0003.jpg", original)]))

    assert samples.COMMENT not in stored
    assert stored.endswith(original[original.index(b"\xff\xc4") :])
    assert decoded(stored).tobytes() == decoded(original).tobytes()


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_keeps_its_colour_profile(client):
    profile = samples.srgb_profile()
    original = samples.plain_jpeg(icc_profile=profile)

    stored = stored_copy(client, post_complaint(client, [("IMG_0004.jpg", original)]))

    assert decoded(stored).info["icc_profile"] == profile


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_without_orientation_gets_no_exif_at_all(client):
    original = samples.phone_jpeg(orientation=1)

    stored = stored_copy(client, post_complaint(client, [("IMG_0002.jpg", original)]))

    assert samples.jpeg_app1_payloads(stored) == []
    assert not decoded(stored).getexif()
    assert decoded(stored).tobytes() == decoded(original).tobytes()


@pytest.mark.needs_plugins("sanitation")
def test_photo_type_comes_from_its_bytes_not_its_name(client):
    response = post_complaint(client, [("holiday.png", samples.plain_jpeg())])

    assert response.status_code == 201
    photo = response.get_json()["photos"][0]
    assert photo["content_type"] == "image/jpeg"
    assert decoded(stored_copy(client, response)).format == "JPEG"


@pytest.mark.needs_plugins("sanitation")
def test_client_file_name_never_decides_where_the_photo_is_stored(app, client):
    response = post_complaint(client, [("../../../../escape.jpg", samples.plain_jpeg())])

    assert response.status_code == 201
    (stored,) = stored_photos(app)
    assert media_root(app) in stored.parents
    assert "escape" not in stored.name
    assert not any(Path(app.config["SMARTCITY"]["instance_path"]).parent.rglob("escape*"))


# --- PNG and WebP: re-encoded without metadata -----------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_png_stored_without_exif_or_text_chunks(client):
    original = samples.png_with_metadata()
    assert {b"eXIf", b"tEXt", b"iTXt"} <= set(samples.png_chunk_types(original))

    stored = stored_copy(client, post_complaint(client, [("map.png", original)]))

    image = decoded(stored)
    assert image.format == "PNG"
    assert set(samples.png_chunk_types(stored)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert not image.getexif()
    assert "Author" not in image.info and "Location" not in image.info
    assert image.tobytes() == decoded(original).tobytes()
    assert_no_private_bytes(stored)


@pytest.mark.needs_plugins("sanitation")
def test_webp_accepted_and_stored_without_exif_or_xmp(client):
    original = samples.webp_with_metadata()
    assert {"exif", "xmp"} <= set(decoded(original).info)

    response = post_complaint(client, [("photo.webp", original)])

    assert response.status_code == 201
    assert response.get_json()["photos"][0]["content_type"] == "image/webp"
    stored = stored_copy(client, response)
    image = decoded(stored)
    assert image.format == "WEBP"
    assert image.size == (40, 30)
    assert not {"exif", "xmp"} & set(image.info)
    assert_no_private_bytes(stored)


@pytest.mark.needs_plugins("sanitation")
def test_photo_dimensions_in_the_response_are_those_of_the_stored_image(client):
    """A PNG tagged Orientation=6 is stored turned upright, so its width and height swap."""
    exif = Image.Exif()
    exif[samples.ORIENTATION] = 6
    output = io.BytesIO()
    samples.noisy_image((40, 30)).save(output, "PNG", exif=exif)

    response = post_complaint(client, [("turned.png", output.getvalue())])

    stored = decoded(stored_copy(client, response))
    photo = response.get_json()["photos"][0]
    assert stored.size == (30, 40)
    assert (photo["width"], photo["height"]) == stored.size


# --- refused: wrong type, too large, too many, damaged ---------------------------------------


@pytest.fixture
def admin(make_account):
    return make_account("admin")


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("animation.gif", samples.gif_image()),
        ("photo.jpg", samples.not_an_image()),
        ("scan.pdf", samples.pdf_document()),
    ],
    ids=["gif", "text-named-jpg", "pdf"],
)
def test_not_a_jpeg_png_or_webp_is_refused_with_415_and_nothing_kept(
    app, client, admin, name, content
):
    assert post_complaint(client, [("first.jpg", samples.plain_jpeg())]).status_code == 201
    files_before = files_under_media(app)

    response = post_complaint(client, [("good.jpg", samples.plain_jpeg(seed=2)), (name, content)])

    assert_error(response, 415, "unsupported_photo")
    assert complaint_count(client, admin) == 1
    assert files_under_media(app) == files_before


def test_photo_over_max_photo_bytes_is_refused_with_413(app, client, admin):
    response = post_complaint(client, [("big.jpg", samples.padded_jpeg(MAX_PHOTO_BYTES + 1))])

    assert_error(response, 413, "photo_too_large")
    assert complaint_count(client, admin) == 0
    assert files_under_media(app) == []


@pytest.mark.needs_plugins("sanitation")
def test_photo_of_exactly_max_photo_bytes_is_accepted(client):
    response = post_complaint(client, [("big.jpg", samples.padded_jpeg(MAX_PHOTO_BYTES))])

    assert response.status_code == 201
    assert len(stored_copy(client, response)) < MAX_PHOTO_BYTES


def test_request_over_max_request_bytes_is_refused_with_413(app, client, admin):
    photo = samples.padded_jpeg(MAX_REQUEST_BYTES // 2 + 10_000)
    assert len(photo) <= MAX_PHOTO_BYTES

    response = post_complaint(client, [("one.jpg", photo), ("two.jpg", photo)])

    assert_error(response, 413, "too_large")
    assert complaint_count(client, admin) == 0
    assert files_under_media(app) == []


@pytest.mark.parametrize(
    ("width", "height"),
    [(2000, 1001), (10_000, 10_000), (20_000, 20_000)],
    ids=["just-over-the-setting", "over-pillow-warning", "over-pillow-error"],
)
def test_image_declaring_too_many_pixels_is_refused_with_413(app, client, admin, width, height):
    bomb = samples.png_bomb(width, height)
    assert len(bomb) < MAX_PHOTO_BYTES
    assert width * height > MAX_PHOTO_PIXELS

    response = post_complaint(client, [("bomb.png", bomb)])

    assert_error(response, 413, "photo_too_large")
    assert complaint_count(client, admin) == 0
    assert files_under_media(app) == []


def test_more_photos_than_max_photos_is_refused_with_400_on_the_photo_field(app, client, admin):
    photos = [(f"{index}.jpg", samples.plain_jpeg(seed=index)) for index in range(MAX_PHOTOS + 1)]

    response = post_complaint(client, photos)

    error = assert_error(response, 400, "validation_failed")
    assert set(error["fields"]) == {"photo"}
    assert complaint_count(client, admin) == 0
    assert files_under_media(app) == []


@pytest.mark.needs_plugins("sanitation")
def test_max_photos_photos_are_all_stored(app, client):
    photos = [(f"{index}.jpg", samples.plain_jpeg(seed=index)) for index in range(MAX_PHOTOS)]

    response = post_complaint(client, photos)

    assert response.status_code == 201
    assert len(response.get_json()["photos"]) == MAX_PHOTOS
    assert len(stored_photos(app)) == MAX_PHOTOS


@pytest.mark.parametrize("keep", [0.5, 0.9], ids=["cut-in-the-middle", "cut-near-the-end"])
def test_truncated_jpeg_is_refused_as_corrupt_and_nothing_stored(app, client, admin, keep):
    whole = samples.plain_jpeg(size=(256, 192))
    truncated = whole[: int(len(whole) * keep)]

    response = post_complaint(client, [("cut.jpg", truncated)])

    assert_error(response, 400, "corrupt_photo")
    assert complaint_count(client, admin) == 0
    assert files_under_media(app) == []


def test_truncated_png_is_refused_as_corrupt(app, client):
    whole = samples.png_with_metadata(size=(200, 150))

    response = post_complaint(client, [("cut.png", whole[: len(whole) // 2])])

    assert_error(response, 400, "corrupt_photo")
    assert files_under_media(app) == []


# --- phones' multi-picture JPEGs -------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_phone_jpeg_with_an_appended_second_image_is_stored_as_the_first_image_only(app, client):
    """HDR phones append a gain map (with its own EXIF) after the photo, indexed by MPF."""
    original = samples.multi_picture_jpeg()
    primary = decoded(original)

    response = post_complaint(client, [("PXL_0001.jpg", original)])

    assert response.status_code == 201, response.get_data(as_text=True)
    stored = stored_copy(client, response)
    image = decoded(stored)
    assert image.format == "JPEG"
    assert image.tobytes() == primary.tobytes()
    assert stored.count(b"\xff\xd8") == 1
    assert_no_private_bytes(stored)


@pytest.mark.needs_plugins("sanitation")
def test_jpeg_with_data_after_its_end_is_stored_without_that_data(client):
    original = samples.plain_jpeg() + b"SEFH\x00\x00\x00\x01Image_UTC_Data1700000000000SEFT"

    response = post_complaint(client, [("20240101_120000.jpg", original)])

    assert response.status_code == 201, response.get_data(as_text=True)
    stored = stored_copy(client, response)
    assert stored.endswith(b"\xff\xd9")
    assert b"SEFH" not in stored
    assert decoded(stored).tobytes() == decoded(samples.plain_jpeg()).tobytes()


# --- thumbnails ------------------------------------------------------------------------------


def png_turned(orientation: int) -> bytes:
    """The two-tone test card as a PNG carrying an EXIF orientation."""
    image = decoded(samples.two_tone_jpeg(orientation=orientation))
    exif = Image.Exif()
    exif[samples.ORIENTATION] = orientation
    output = io.BytesIO()
    image.save(output, "PNG", exif=exif)
    return output.getvalue()


def webp_turned(orientation: int) -> bytes:
    image = decoded(samples.two_tone_jpeg(orientation=orientation))
    exif = Image.Exif()
    exif[samples.ORIENTATION] = orientation
    output = io.BytesIO()
    image.save(output, "WEBP", quality=95, exif=exif)
    return output.getvalue()


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    ("name", "make"),
    [("card.jpg", samples.two_tone_jpeg), ("card.png", png_turned), ("card.webp", webp_turned)],
    ids=["jpeg", "png", "webp"],
)
def test_thumbnail_is_a_small_upright_jpeg(client, name, make):
    """The card is red on the left, blue on the right; Orientation=6 turns it a quarter clockwise,
    so upright it is a portrait, red on top."""
    response = post_complaint(client, [(name, make(orientation=6))])
    assert response.status_code == 201

    thumbnail = client.get(response.get_json()["photos"][0]["thumbnail_url"])

    assert thumbnail.status_code == 200
    assert thumbnail.mimetype == "image/jpeg"
    image = decoded(thumbnail.data)
    assert image.format == "JPEG"
    width, height = image.size
    assert max(width, height) <= THUMBNAIL_PIXELS
    assert height > width
    top = image.convert("RGB").getpixel((width // 2, height // 4))
    bottom = image.convert("RGB").getpixel((width // 2, 3 * height // 4))
    assert top[0] > 150 and top[2] < 100, top
    assert bottom[2] > 150 and bottom[0] < 100, bottom


@pytest.mark.needs_plugins("sanitation")
def test_thumbnail_made_once_and_served_again(app, client):
    response = post_complaint(client, [("card.jpg", samples.two_tone_jpeg(orientation=6))])
    url = response.get_json()["photos"][0]["thumbnail_url"]

    first = client.get(url)
    thumbnails = [path for path in files_under_media(app) if "thumbnails" in path.parts]
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert len(thumbnails) == 1
    assert [path for path in files_under_media(app) if "thumbnails" in path.parts] == thumbnails


def test_unknown_photo_is_404_in_the_contract_shape(client):
    assert_error(client.get("/media/999999"), 404, "not_found")
    assert_error(client.get("/media/999999/thumbnail"), 404, "not_found")


# --- who sees photos -------------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "sanitation")
def test_photos_of_a_private_complaint_are_hidden_from_the_public(client, make_account):
    response = post_complaint(client, [("scene.jpg", samples.plain_jpeg())], category="crime")
    assert response.status_code == 201
    photo = response.get_json()["photos"][0]
    police = make_account("staff", agency="polda")
    sanitation = make_account("staff", agency="dlh")

    for url in (photo["url"], photo["thumbnail_url"]):
        assert_error(client.get(url), 404, "not_found")
        assert_error(client.get(url, headers=sanitation.headers), 404, "not_found")
        seen = client.get(url, headers=police.headers)
        assert seen.status_code == 200
        assert seen.mimetype == "image/jpeg"
        assert "private" in seen.headers["Cache-Control"]
    complaint_url = f"/api/v1/complaints/{response.get_json()['id']}"
    assert_error(client.get(complaint_url), 404, "not_found")
    assert client.get(complaint_url, headers=police.headers).get_json()["photos"] == [photo]


@pytest.mark.needs_plugins("sanitation")
def test_photos_of_a_public_complaint_are_seen_by_anyone(client):
    original = samples.plain_jpeg()
    response = post_complaint(client, [("pile.jpg", original)], category="garbage")
    photo = response.get_json()["photos"][0]

    shown = client.get(photo["url"])
    thumbnail = client.get(photo["thumbnail_url"])

    assert shown.status_code == 200
    assert decoded(shown.data).tobytes() == decoded(original).tobytes()
    assert thumbnail.status_code == 200
    complaint = client.get(f"/api/v1/complaints/{response.get_json()['id']}").get_json()
    assert complaint["photos"] == [photo]


# --- idempotency -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_repeated_request_with_photos_returns_the_same_complaint_and_stores_once(
    app, client, admin
):
    photos = [("a.jpg", samples.phone_jpeg()), ("b.png", samples.png_with_metadata())]
    key = {"Idempotency-Key": "report-7f3a"}

    first = post_complaint(client, photos, headers=key)
    files_after_first = files_under_media(app)
    second = post_complaint(client, photos, headers=key)

    assert first.status_code == second.status_code == 201
    assert second.get_json()["id"] == first.get_json()["id"]
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json()["photos"] == first.get_json()["photos"]
    assert len(stored_photos(app)) == len(photos)
    assert files_under_media(app) == files_after_first
    assert complaint_count(client, admin) == 1


@pytest.mark.needs_plugins("sanitation")
def test_same_key_with_other_photos_is_refused_and_stores_nothing(app, client, admin):
    key = {"Idempotency-Key": "report-9c1d"}
    assert post_complaint(client, [("a.jpg", samples.plain_jpeg())], headers=key).status_code == 201
    files_before = files_under_media(app)

    response = post_complaint(client, [("a.jpg", samples.plain_jpeg(seed=99))], headers=key)

    assert_error(response, 422, "idempotency_key_reused")
    assert files_under_media(app) == files_before
    assert complaint_count(client, admin) == 1


class RacingRetry:
    """While a report is being routed, the same report (same key) arrives and is stored first.

    A test plugin, so the race runs through the real database: the first request's
    commit then meets the unique Idempotency-Key and must clean up the files it wrote.
    """

    def __init__(self, app: Any, photos: list[tuple[str, bytes]], key: str) -> None:
        self.app = app
        self.photos = photos
        self.key = key
        self.winner: Any = None

    @hookimpl(tryfirst=True)
    def route_complaint(self, draft: Any) -> None:
        if self.winner is None:
            self.winner = "running"
            racer = gevent.spawn(
                post_complaint,
                self.app.test_client(),
                self.photos,
                headers={"Idempotency-Key": self.key},
            )
            self.winner = racer.get(timeout=30)


@pytest.mark.needs_plugins("sanitation")
def test_losing_a_race_on_the_key_removes_the_losers_files(app, client, admin, register_plugin):
    photos = [("a.jpg", samples.phone_jpeg()), ("b.jpg", samples.plain_jpeg())]
    racing = RacingRetry(app, photos, "report-race")
    register_plugin(racing, "racing_retry")

    response = post_complaint(client, photos, headers={"Idempotency-Key": "report-race"})

    assert racing.winner.status_code == 201
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["id"] == racing.winner.get_json()["id"]
    assert response.headers["Idempotent-Replayed"] == "true"
    assert len(stored_photos(app)) == len(photos)
    assert complaint_count(client, admin) == 1


# --- core.photos, unit level -----------------------------------------------------------------


def test_check_photo_reports_format_size_and_hash_of_the_clean_bytes():
    photo = check_photo(samples.phone_jpeg(size=(64, 48)), 10**6, 10**6)

    assert (photo.format, photo.content_type) == ("JPEG", "image/jpeg")
    assert (photo.width, photo.height) == (64, 48)
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()
    assert_no_private_bytes(photo.data)


def test_stripping_a_stripped_jpeg_changes_nothing():
    once = strip_jpeg_metadata(samples.phone_jpeg(orientation=6), orientation=6)

    assert strip_jpeg_metadata(once, orientation=6) == once


def test_stripping_keeps_every_segment_that_is_part_of_the_image():
    original = samples.phone_jpeg(orientation=1)

    clean = strip_jpeg_metadata(original)

    image_markers = [m for m in samples.jpeg_segment_markers(original) if not 0xE1 <= m <= 0xFE]
    assert samples.jpeg_segment_markers(clean) == image_markers
    assert clean.endswith(original[original.index(b"\xff\xda") :])


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (samples.gif_image(), 415, "unsupported_photo"),
        (samples.not_an_image(), 415, "unsupported_photo"),
        (samples.pdf_document(), 415, "unsupported_photo"),
        (b"", 415, "unsupported_photo"),
        (samples.png_bomb(20_000, 20_000), 413, "photo_too_large"),
        (samples.png_bomb(1001, 1000), 413, "photo_too_large"),
        (samples.plain_jpeg(size=(256, 192))[:3000], 400, "corrupt_photo"),
    ],
    ids=["gif", "text", "pdf", "empty", "bomb", "over-max-pixels", "truncated"],
)
def test_check_photo_refuses(content, status, code):
    with pytest.raises(ApiError) as refused:
        check_photo(content, MAX_PHOTO_BYTES, 1_000_000)

    assert (refused.value.status, refused.value.code) == (status, code)


def test_check_photo_limits_are_inclusive():
    jpeg = samples.plain_jpeg(size=(100, 50))

    assert check_photo(jpeg, len(jpeg), 100 * 50).width == 100
    with pytest.raises(ApiError) as too_many_bytes:
        check_photo(jpeg, len(jpeg) - 1, 100 * 50)
    with pytest.raises(ApiError) as too_many_pixels:
        check_photo(jpeg, len(jpeg), 100 * 50 - 1)

    assert too_many_bytes.value.status == too_many_pixels.value.status == 413


def test_store_photo_names_the_file_by_its_format_under_the_media_root(tmp_path):
    photo = check_photo(samples.png_with_metadata(), 10**6, 10**6)

    relative = store_photo(photo, tmp_path)

    assert relative.endswith(".png")
    assert relative.startswith(photo.sha256[:2] + "/")
    assert (tmp_path / relative).read_bytes() == photo.data


def test_ensure_thumbnail_reuses_the_thumbnail_it_made(tmp_path):
    photo = check_photo(samples.two_tone_jpeg(size=(400, 300), orientation=6), 10**6, 10**6)
    relative = store_photo(photo, tmp_path)

    first = ensure_thumbnail(tmp_path, relative, 50)
    made_at = first.stat().st_mtime_ns
    second = ensure_thumbnail(tmp_path, relative, 50)

    assert first == second
    assert second.stat().st_mtime_ns == made_at
    width, height = decoded(first.read_bytes()).size
    assert height == 50 and width in (37, 38)
    assert not list(tmp_path.rglob("*.tmp"))
