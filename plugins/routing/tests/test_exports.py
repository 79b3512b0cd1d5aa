"""Exports of the complaint list as CSV and GeoJSON: the filters, visibility, no personal data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from plugins.routing import exports
from plugins.routing.tests.factories import START, add_complaints, complaint

CSV_URL = "/api/v1/routing/exports/complaints.csv"
GEOJSON_URL = "/api/v1/routing/exports/complaints.geojson"
PROPERTIES = {
    "id",
    "category",
    "status",
    "agency",
    "district",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "resolved_at",
    "expected_at",
    "description",
}
PERSONAL = {
    "contact_name": "Budi Santoso",
    "contact_email": "budi@example.org",
    "contact_phone": "+62 812 0000 1111",
}


@pytest.fixture
def complaints(app, make_account):
    """Three public complaints, a confidential one and a police one, all with contacts."""
    reporter = make_account("resident")
    ids = add_complaints(
        app,
        complaint(
            created_at=START,
            lat=-6.1754,
            lon=106.8272,
            district="jkt-pusat-gambir",
            acknowledged_at=START + timedelta(minutes=5),
            expected_at=START + timedelta(hours=24),
            **PERSONAL,
            reporter_id=reporter.id,
        ),
        complaint(
            "pothole",
            created_at=START + timedelta(hours=1),
            lat=-6.1170,
            lon=106.7900,
            status="resolved",
            resolved_at=START + timedelta(hours=5),
            description="Jalan berlubang, dalam",
            **PERSONAL,
        ),
        complaint(created_at=START + timedelta(hours=2), lat=-6.3, lon=106.9, **PERSONAL),
        complaint(
            created_at=START + timedelta(hours=3),
            public=False,
            description="Rahasia: pembuangan limbah pabrik",
            **PERSONAL,
        ),
        complaint("crime", created_at=START + timedelta(hours=4), description="Copet di halte"),
    )
    return dict(zip(("gambir", "pothole", "south", "confidential", "crime"), ids, strict=True))


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def features(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    collection = json.loads(response.get_data(as_text=True))
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


# --- the formats -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
def test_csv_has_a_header_row_and_a_row_per_complaint(client, complaints):
    response = client.get(CSV_URL)
    assert response.mimetype == "text/csv"
    assert response.mimetype_params == {"charset": "utf-8", "header": "present"}
    assert response.headers["Content-Disposition"] == 'attachment; filename="complaints.csv"'
    assert response.is_streamed
    rows = csv_rows(response)
    assert set(rows[0]) == PROPERTIES | {"lat", "lon"}
    assert [int(row["id"]) for row in rows] == [
        complaints["gambir"],
        complaints["pothole"],
        complaints["south"],
    ]
    first = rows[0]
    assert (first["category"], first["agency"], first["status"]) == ("garbage", "dlh", "open")
    assert (first["district"], float(first["lat"]), float(first["lon"])) == (
        "jkt-pusat-gambir",
        -6.1754,
        106.8272,
    )
    assert first["created_at"] == START.isoformat()
    assert first["acknowledged_at"] == (START + timedelta(minutes=5)).isoformat()
    assert (first["resolved_at"], rows[2]["district"]) == ("", "")
    assert rows[1]["description"] == "Jalan berlubang, dalam"


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
def test_geojson_is_an_rfc_7946_feature_collection(client, complaints):
    response = client.get(GEOJSON_URL)
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="complaints.geojson"'
    collected = features(response)
    assert [feature["id"] for feature in collected] == [
        complaints["gambir"],
        complaints["pothole"],
        complaints["south"],
    ]
    first = collected[0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [106.8272, -6.1754]}
    assert set(first["properties"]) == PROPERTIES
    assert first["properties"]["created_at"] == START.isoformat()
    assert first["properties"]["resolved_at"] is None
    assert "crs" not in json.loads(response.get_data(as_text=True))


def test_an_empty_export_is_still_well_formed(client):
    assert csv_rows(client.get(CSV_URL)) == []
    assert client.get(CSV_URL).get_data(as_text=True).startswith("id,category,status,")
    assert features(client.get(GEOJSON_URL)) == []


@pytest.mark.needs_plugins("sanitation")
def test_rows_arrive_in_batches_in_order(client, app, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    ids = add_complaints(app, *(complaint(created_at=START) for _ in range(5)))
    assert [int(row["id"]) for row in csv_rows(client.get(CSV_URL))] == ids
    assert [feature["id"] for feature in features(client.get(GEOJSON_URL))] == ids


@pytest.mark.needs_plugins("sanitation")
def test_a_formula_in_a_description_is_defused_in_csv(client, app):
    add_complaints(app, complaint(description='=HYPERLINK("http://evil.example","klik")'))
    [row] = csv_rows(client.get(CSV_URL))
    assert row["description"] == '\'=HYPERLINK("http://evil.example","klik")'
    [feature] = features(client.get(GEOJSON_URL))
    assert feature["properties"]["description"].startswith("=HYPERLINK")


# --- privacy ---------------------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_no_personal_data_in_any_export(client, complaints, make_account, url):
    staff = make_account("staff", agency="dlh")
    admin = make_account("admin")
    for headers in ({}, staff.headers, admin.headers):
        body = client.get(url, headers=headers).get_data(as_text=True)
        for value in PERSONAL.values():
            assert value not in body
        for field in ("contact", "reporter", "email", "phone", "address", "anonymous"):
            assert field not in body


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_a_confidential_complaint_is_in_no_public_export(client, complaints, make_account, url):
    confidential = str(complaints["confidential"])
    public_text = client.get(url).get_data(as_text=True)
    resident = make_account("resident")
    resident_text = client.get(url, headers=resident.headers).get_data(as_text=True)
    for body in (public_text, resident_text):
        assert "Rahasia" not in body
        assert "Copet" not in body
    staff = make_account("staff", agency="dlh")
    staff_response = client.get(url, headers=staff.headers)
    staff_ids = _ids(staff_response, url)
    assert confidential in staff_ids
    assert str(complaints["crime"]) not in staff_ids
    assert staff_response.headers["Cache-Control"] == "private, no-store"
    police = make_account("staff", agency="polda")
    assert str(complaints["crime"]) in _ids(client.get(url, headers=police.headers), url)


def _ids(response, url: str) -> set[str]:
    if url == CSV_URL:
        return {row["id"] for row in csv_rows(response)}
    return {str(feature["id"]) for feature in features(response)}


# --- filters and the size limit --------------------------------------------------------------


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
def test_exports_take_the_filters_of_the_complaint_list(client, complaints):
    def ids(**params):
        return [int(row["id"]) for row in csv_rows(client.get(CSV_URL, query_string=params))]

    assert ids(agency="dpu") == [complaints["pothole"]]
    assert ids(category="garbage") == [complaints["gambir"], complaints["south"]]
    assert ids(status="resolved") == [complaints["pothole"]]
    assert ids(status="open,resolved", bbox="106.7,-6.2,106.85,-6.1") == [
        complaints["gambir"],
        complaints["pothole"],
    ]
    later = (START + timedelta(minutes=90)).isoformat()
    assert ids(since=later) == [complaints["south"]]
    assert ids(cursor="aWQ6MQ", limit=1) == list(complaints.values())[:3]


@pytest.mark.parametrize("params", [{"bbox": "1,2,3"}, {"status": "lost"}, {"since": "today"}])
def test_bad_filters_are_refused(client, params):
    for url in (CSV_URL, GEOJSON_URL):
        response = client.get(url, query_string=params)
        assert response.status_code == 400
        assert response.json["error"]["code"] == "validation_failed"


@pytest.mark.needs_plugins("police", "public_works", "sanitation")
@pytest.mark.parametrize("app_settings", [{"routing": {"export_max_rows": 2}}])
def test_an_export_larger_than_the_limit_is_refused_not_cut(client, complaints):
    for url in (CSV_URL, GEOJSON_URL):
        response = client.get(url)
        assert response.status_code == 400
        error = response.json["error"]
        assert error["code"] == "too_many_rows"
        assert error["message"].startswith("3 complaints match; an export holds at most 2.")
        narrowed = client.get(url, query_string={"category": "garbage"})
        assert len(_ids(narrowed, url)) == 2


def test_exports_are_documented_in_openapi(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for url, media_type in ((CSV_URL, "text/csv"), (GEOJSON_URL, "application/geo+json")):
        operation = paths[url]["get"]
        assert media_type in operation["responses"]["200"]["content"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert names == {"bbox", "status", "agency", "category", "district", "q", "since"}
