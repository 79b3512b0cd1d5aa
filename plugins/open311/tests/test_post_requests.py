"""POST Service Request: keys, services, locations, answers to questions, media and personal data,
and the complaint it makes (routed, in the native API, on the live feed).

Spec: http://wiki.open311.org/GeoReport_v2 "POST Service Request", "Errors"; media uploads:
http://wiki.open311.org/GeoReport_v2/Extensions/ "Media Handling"."""

from __future__ import annotations

import io
import json
from importlib import resources
from urllib.parse import urlencode

import pytest
import requests
from PIL import Image
from shapely.geometry import Point, shape

from plugins.open311.tests.helpers import (
    MONAS,
    call,
    create_key,
    expect_error,
    jpeg,
    native,
    one,
    path_of,
    read,
    revoke_key,
)

GARBAGE = {
    "service_code": "garbage",
    "lat": "-6.1754",
    "long": "106.8272",
    "description": "Sampah menumpuk di depan halte",
}
# Every field about the person who reports: accepted, kept for the agency, never shown again.
PERSONAL = {
    "email": "budi.santoso@example.org",
    "first_name": "Budisecret",
    "last_name": "Santososecret",
    "phone": "+62 812 0000 7777",
}


def post(client, fmt, form, **options):
    return call(client, "POST", "/open311/v2/requests", fmt, data=form, **options)


def created(answer):
    """The one request a successful POST answers with. The spec names no HTTP status for
    success: 200 (its examples) and 201 Created both say so."""
    assert answer.status in (200, 201), answer.text
    return one(read(answer, "request_created", answer.status))


def submit(client, api_key, fmt="json", **form):
    return created(post(client, fmt, {"api_key": api_key, **GARBAGE, **form}))["service_request_id"]


def shown(client, fmt, request_id):
    answer = call(client, "GET", f"/open311/v2/requests/{request_id}", fmt)
    return one(read(answer, "requests"))


def stored_count(client):
    return len(read(call(client, "GET", "/open311/v2/requests", "json"), "requests"))


# --- the answer and the complaint it makes ---------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_a_request_is_answered_with_its_id_and_no_token(client, fmt, api_key):
    request = created(post(client, fmt, {"api_key": api_key, **GARBAGE}))
    # realtime: the id at once; "token ... should not be returned if service_request_id is
    # returned" (the schema allows no token).
    assert request["service_request_id"].isdigit()


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_request_is_a_routed_complaint_in_the_native_api(client, fmt, api_key):
    request_id = submit(client, api_key, fmt)
    complaint = native(client, request_id)
    assert complaint["category"] == "garbage"
    assert complaint["agency"] == "dlh"  # routed as any report: garbage is DLH's
    assert complaint["routing"]["rule"]
    assert complaint["status"] == "open"
    assert complaint["description"] == GARBAGE["description"]
    assert (complaint["lat"], complaint["lon"]) == pytest.approx(MONAS)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_request_reads_back_as_it_was_sent(client, fmt, api_key):
    request = shown(client, fmt, submit(client, api_key, fmt))
    assert request["service_code"] == "garbage"
    assert request["service_name"] == "Pile of garbage"
    assert request["status"] == "open"
    assert request["description"] == GARBAGE["description"]
    assert request["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert (request["lat"], request["long"]) == pytest.approx(MONAS)


@pytest.mark.needs_plugins("sanitation")
def test_the_request_reaches_the_public_live_feed(live_server, live_client, api_key):
    anonymous = live_client()
    response = requests.post(
        f"{live_server}/open311/v2/requests.json", data={"api_key": api_key, **GARBAGE}, timeout=5
    )
    assert response.status_code in (200, 201), response.text
    request_id = response.json()[0]["service_request_id"]
    [event] = anonymous.wait_for("complaint.created")
    assert str(event["id"]) == request_id


# --- api_key ---------------------------------------------------------------------------------


def test_a_request_without_a_key_is_forbidden(client, fmt):
    # "403 - Missing or Invalid API Key"; "Requires API Key: Yes"
    expect_error(post(client, fmt, GARBAGE), 403)
    expect_error(post(client, fmt, {"api_key": "", **GARBAGE}), 403)
    assert stored_count(client) == 0


def test_a_request_with_a_wrong_key_is_forbidden(client, fmt, api_key):
    for wrong in (api_key + "x", api_key[:-1], "not-a-key", api_key.upper()):
        expect_error(post(client, fmt, {"api_key": wrong, **GARBAGE}), 403)
    assert stored_count(client) == 0


@pytest.mark.needs_plugins("sanitation")
def test_a_revoked_key_is_forbidden(client, fmt, runner):
    key = create_key(runner, "retired-app")
    submit(client, key, fmt)
    revoke_key(runner, "retired-app")
    expect_error(post(client, fmt, {"api_key": key, **GARBAGE}), 403)
    assert stored_count(client) == 1


def test_the_key_is_shown_once_and_never_listed(runner):
    key = create_key(runner, "listed-app")
    listing = runner.invoke(args=["open311", "keys", "list"])
    assert listing.exit_code == 0, listing.output
    assert "listed-app" in listing.output
    assert key not in listing.output


def test_errors_are_described_in_the_callers_language(client, fmt):
    english = expect_error(post(client, fmt, GARBAGE, headers={"Accept-Language": "en"}), 403)
    indonesian = expect_error(post(client, fmt, GARBAGE, headers={"Accept-Language": "id"}), 403)
    assert english != indonesian


# --- service_code ----------------------------------------------------------------------------


def test_a_request_without_a_service_code_is_a_bad_request(client, fmt, api_key):
    # "400 - service_code or jurisdiction_id was not provided"
    form = {key: value for key, value in GARBAGE.items() if key != "service_code"}
    expect_error(post(client, fmt, {"api_key": api_key, **form}), 400)


def test_a_request_for_an_unknown_service_code_is_not_found(client, fmt, api_key):
    # "404 - service_code or jurisdiction_id was not found (specified in error response)"
    form = {"api_key": api_key, **GARBAGE, "service_code": "no_such_service"}
    expect_error(post(client, fmt, form), 404)
    assert stored_count(client) == 0


# --- the location ----------------------------------------------------------------------------


def gambir():
    text = resources.files("config").joinpath("demo/districts.geojson").read_text("utf-8")
    [feature] = [
        feature
        for feature in json.loads(text)["features"]
        if feature["properties"]["name"] == "Gambir"
    ]
    return shape(feature["geometry"])


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize(
    "address",
    [
        "Gambir",
        # "from most specific to most general geographic unit, eg address number or cross
        # streets, street name, neighborhood/district, city/town/village"
        "Jalan Medan Merdeka Barat, Gambir, Jakarta Pusat",
    ],
)
def test_an_address_string_naming_a_district_locates_the_request(
    client, fmt, api_key, demo_districts, address
):
    form = {"api_key": api_key, "service_code": "garbage", "address_string": address}
    request_id = created(post(client, fmt, form))["service_request_id"]
    complaint = native(client, request_id)
    assert gambir().contains(Point(complaint["lon"], complaint["lat"]))
    assert complaint["agency"] == "dlh"
    assert shown(client, fmt, request_id)["address"] == address


@pytest.mark.needs_plugins("routing", "sanitation")
def test_lat_and_long_place_the_request_and_the_address_string_describes_it(
    client, fmt, api_key, demo_districts
):
    form = {"api_key": api_key, **GARBAGE, "address_string": "Halte Monas, Gambir"}
    request_id = created(post(client, fmt, form))["service_request_id"]
    request = shown(client, fmt, request_id)
    assert (request["lat"], request["long"]) == pytest.approx(MONAS)
    assert request["address"] == "Halte Monas, Gambir"


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize(
    "location",
    [
        {},  # "A full location parameter must be submitted."
        {"lat": "-6.1754"},  # "lat & long both need to be sent"
        {"long": "106.8272"},
        {"lat": "-6.1754", "long": ""},
        {"lat": "ninety", "long": "106.8272"},
        {"lat": "91", "long": "106.8272"},
        {"address_string": "Jalan Tidak Ada 99, Atlantis"},  # nowhere to be found
        {"address_id": "no-such-address"},
    ],
)
def test_a_request_without_a_usable_location_is_a_bad_request(
    client, fmt, api_key, demo_districts, location
):
    form = {"api_key": api_key, "service_code": "garbage", "description": "Di sini", **location}
    expect_error(post(client, fmt, form), 400)
    assert stored_count(client) == 0


# --- attributes ------------------------------------------------------------------------------


def attributes_of(client, request_id):
    return native(client, request_id)["attributes"]


@pytest.mark.needs_plugins("public_works")
def test_a_number_answer_is_kept_as_a_number(client, fmt, api_key):
    form = {**GARBAGE, "service_code": "flooding", "attribute[water_depth_cm]": "40"}
    request_id = submit(client, api_key, fmt, **form)
    assert attributes_of(client, request_id) == {"water_depth_cm": 40}


@pytest.mark.needs_plugins("public_works")
@pytest.mark.parametrize(
    "hazards",
    [
        # "multiple values for the same code in the case of a multivaluelist datatype
        # (attribute[code1][]=value1&attribute[code1][]=value2&attribute[code1][]=value3)"
        {"attribute[hazards][]": ["power_line", "car"]},
        # and as the same key repeated, as many form libraries send a multiple select
        {"attribute[hazards]": ["power_line", "car"]},
    ],
)
def test_a_multivaluelist_answer_keeps_every_value(client, fmt, api_key, fallen_tree, hazards):
    form = {**GARBAGE, "service_code": fallen_tree, "attribute[blocking]": "yes", **hazards}
    request_id = submit(client, api_key, fmt, **form)
    assert attributes_of(client, request_id) == {
        "blocking": "yes",
        "hazards": ["power_line", "car"],
    }


@pytest.mark.needs_plugins("public_works")
def test_every_datatype_is_answered(client, fmt, api_key, fallen_tree):
    form = {
        **GARBAGE,
        "service_code": fallen_tree,
        "attribute[blocking]": "no",
        "attribute[hazards][]": ["fire"],
        "attribute[trunk_cm]": "35.5",
        "attribute[fell_at]": "2026-11-28T16:37:00+07:00",
        "attribute[species]": "Angsana",
        "attribute[details]": "Cabang besar\nmasih menggantung",
    }
    request_id = submit(client, api_key, fmt, **form)
    assert attributes_of(client, request_id) == {
        "blocking": "no",
        "hazards": ["fire"],
        "trunk_cm": 35.5,
        "fell_at": "2026-11-28T16:37:00+07:00",
        "species": "Angsana",
        "details": "Cabang besar\nmasih menggantung",
    }


@pytest.mark.needs_plugins("public_works")
@pytest.mark.parametrize(
    "answers",
    [
        {},  # "blocking" is required: "This is only required if the service_code requires a
        # service definition with required fields"
        {"attribute[blocking]": "maybe"},  # not one of the values
        {"attribute[blocking]": "yes", "attribute[hazards][]": ["power_line", "meteor"]},
        {"attribute[blocking]": "yes", "attribute[trunk_cm]": "wide"},
        {"attribute[blocking]": "yes", "attribute[fell_at]": "yesterday"},
        {"attribute[blocking]": "yes", "attribute[height_m]": "12"},  # no such question
    ],
)
def test_wrong_answers_are_a_bad_request(client, fmt, api_key, fallen_tree, answers):
    form = {"api_key": api_key, **GARBAGE, "service_code": fallen_tree, **answers}
    expect_error(post(client, fmt, form), 400)
    assert stored_count(client) == 0


# --- description -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_the_description_round_trips_in_utf_8_with_its_line_breaks(client, fmt, api_key):
    description = "Sampah — di depan «café» Ñ\nsudah 3 hari 日本"
    body = urlencode({"api_key": api_key, **GARBAGE, "description": description})
    answer = post(
        client,
        fmt,
        body.encode("utf-8"),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    request_id = created(answer)["service_request_id"]
    assert shown(client, fmt, request_id)["description"] == description


@pytest.mark.needs_plugins("sanitation")
def test_a_description_over_4000_characters_is_a_bad_request(client, fmt, api_key):
    # "free form text limited to 4,000 characters"
    form = {"api_key": api_key, **GARBAGE, "description": "s" * 4001}
    expect_error(post(client, fmt, form), 400)
    assert submit(client, api_key, fmt, description="s" * 4000)


# --- media -----------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_a_media_url_is_kept_as_the_requests_media(client, fmt, api_key):
    url = "https://photos.example.org/sampah/halte.jpg"
    request_id = submit(client, api_key, fmt, media_url=url)
    assert shown(client, fmt, request_id)["media_url"] == url


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/a.jpg", "file:///etc/passwd", "halte.jpg"]
)
def test_a_media_url_that_is_no_web_address_is_a_bad_request(client, fmt, api_key, url):
    expect_error(post(client, fmt, {"api_key": api_key, **GARBAGE, "media_url": url}), 400)


@pytest.mark.needs_plugins("sanitation")
def test_an_uploaded_photo_becomes_the_requests_media(client, fmt, api_key):
    form = {"api_key": api_key, **GARBAGE, "media": (io.BytesIO(jpeg()), "sampah.jpg")}
    answer = post(client, fmt, form, content_type="multipart/form-data")
    request_id = created(answer)["service_request_id"]
    assert len(native(client, request_id)["photos"]) == 1
    media_url = shown(client, fmt, request_id)["media_url"]
    photo = client.get(path_of(media_url))
    assert photo.status_code == 200
    assert photo.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(photo.data)).size == (64, 48)


@pytest.mark.needs_plugins("sanitation")
def test_an_upload_that_is_no_photo_is_a_bad_request(client, fmt, api_key):
    document = io.BytesIO(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    form = {"api_key": api_key, **GARBAGE, "media": (document, "sampah.jpg")}
    expect_error(post(client, fmt, form, content_type="multipart/form-data"), 400)
    assert stored_count(client) == 0


# --- personal data ---------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("device_field", ["device_id", "deviceid"])
def test_personal_data_is_accepted_and_never_shown_again(client, api_key, device_field):
    personal = {**PERSONAL, device_field: "device-7f3a9c1e"}
    answers = []
    for fmt in ("json", "xml"):
        answer = post(client, fmt, {"api_key": api_key, **GARBAGE, **personal})
        request_id = created(answer)["service_request_id"]
        answers += [
            answer,
            call(client, "GET", f"/open311/v2/requests/{request_id}", fmt),
            call(client, "GET", "/open311/v2/requests", fmt, query_string={"extensions": "true"}),
            call(client, "GET", "/open311/v2/servicerequestupdates", fmt),
        ]
    public_native = json.dumps(native(client, request_id), ensure_ascii=False)
    for text in [public_native, *(answer.text for answer in answers)]:
        for value in personal.values():
            assert value not in text
