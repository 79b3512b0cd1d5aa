"""Importing cameras: CSV and GeoJSON, updates by id, every problem reported, nothing half-done."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core import db
from core.catalog import catalog
from plugins.cctv.importer import (
    CSV_HEADER,
    CameraImportError,
    camera_rows_from_csv,
    import_cameras_command,
    upsert_cameras,
)
from plugins.cctv.models import Camera

# The files name Dishub's and Polda's cameras.
pytestmark = pytest.mark.needs_plugins("transport", "police")

HEADER = ",".join([*CSV_HEADER, "source_kind", "source_name"])
GOOD_ROWS = [
    "hi-01,Bundaran HI,-6.195,106.823,dishub,http://cams.example/hi.jpg,,,0,90,traffic;crime,,",
    "monas-01,Monas,-6.1754,106.8221,,,https://cams.example/monas/index.m3u8,staff,180,,,,",
    "priok-01,Tanjung Priok,-6.1045,106.881,polda,http://go2rtc.example:1984,,restricted,,,,"
    "go2rtc,priok_gate",
]


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def point(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def stored(app: Flask) -> dict[str, Camera]:
    with app.app_context():
        session = db.session()
        cameras = {camera.id: camera for camera in session.scalars(select(Camera))}
        session.expunge_all()
        db.database().session.remove()
    return cameras


def test_csv_import_adds_the_cameras_with_their_fields(app, runner, tmp_path):
    path = write_csv(tmp_path / "cameras.csv", GOOD_ROWS)

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 0, result.output
    assert "3 cameras added, 0 updated" in result.output
    cameras = stored(app)
    assert set(cameras) == {"hi-01", "monas-01", "priok-01"}
    hi = cameras["hi-01"]
    assert (hi.name, hi.lat, hi.lon, hi.agency_code) == ("Bundaran HI", -6.195, 106.823, "dishub")
    assert (hi.snapshot_url, hi.stream_url, hi.source_kind) == (
        "http://cams.example/hi.jpg",
        None,
        "jpeg",
    )
    assert (hi.visibility, hi.heading, hi.fov_deg, hi.tags) == (
        "public",
        0,
        90,
        ["traffic", "crime"],
    )
    assert hi.status == "unknown"
    monas = cameras["monas-01"]
    assert (monas.source_kind, monas.visibility, monas.agency_code) == ("hls", "staff", None)
    assert (monas.fov_deg, monas.tags) == (None, [])
    priok = cameras["priok-01"]
    assert (priok.source_kind, priok.source_name, priok.visibility) == (
        "go2rtc",
        "priok_gate",
        "restricted",
    )


def test_csv_without_the_source_columns_imports(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "cameras.csv",
        ["cam-1,Gate,-6.2,106.8,,,http://cams.example/gate.mjpg,,,,"],
        header=",".join(CSV_HEADER),
    )

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 0, result.output
    assert stored(app)["cam-1"].source_kind == "mjpeg"


def test_geojson_import_reads_lon_lat_and_the_same_properties(app, runner, tmp_path):
    path = write_geojson(
        tmp_path / "cameras.geojson",
        [
            point(
                106.823,
                -6.195,
                id="hi-01",
                name="Bundaran HI",
                agency="dishub",
                snapshot_url="http://cams.example/hi.jpg",
                heading=45,
                fov_deg=90,
                tags=["traffic", "crime"],
            ),
            point(
                106.8221,
                -6.1754,
                id="monas-01",
                name="Monas",
                snapshot_url="http://frigate.example:5000",
                source_kind="frigate",
                source_name="monas",
                visibility="staff",
                tags="flood;traffic",
            ),
        ],
    )

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 0, result.output
    assert "2 cameras added, 0 updated" in result.output
    cameras = stored(app)
    hi, monas = cameras["hi-01"], cameras["monas-01"]
    assert (hi.lat, hi.lon, hi.heading, hi.fov_deg) == (-6.195, 106.823, 45, 90)
    assert (hi.source_kind, hi.tags) == ("jpeg", ["traffic", "crime"])
    assert (monas.source_kind, monas.source_name, monas.visibility) == ("frigate", "monas", "staff")
    assert monas.tags == ["flood", "traffic"]


def test_json_content_is_read_as_geojson_whatever_the_extension(app, runner, tmp_path):
    path = write_geojson(
        tmp_path / "cameras.txt",
        [point(106.8, -6.2, id="cam-1", name="Gate", snapshot_url="http://cams.example/1.jpg")],
    )

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 0, result.output
    assert set(stored(app)) == {"cam-1"}


def test_reimport_updates_known_cameras_and_keeps_their_health(app, runner, tmp_path):
    runner.invoke(import_cameras_command, [str(write_csv(tmp_path / "first.csv", GOOD_ROWS))])
    with app.app_context():
        camera = db.session().get(Camera, "hi-01")
        camera.status, camera.failures = "offline", 4
        db.session().commit()
        db.database().session.remove()
    moved = "hi-01,Bundaran HI (north),-6.194,106.824,dishub,http://cams.example/hi2.jpg,,,,,,,"
    new = "kota-01,Kota Tua,-6.1352,106.8133,,http://cams.example/kota.jpg,,,,,,,"

    result = runner.invoke(
        import_cameras_command, [str(write_csv(tmp_path / "second.csv", [moved, new]))]
    )

    assert result.exit_code == 0, result.output
    assert "1 camera added, 1 updated" in result.output
    cameras = stored(app)
    assert len(cameras) == 4
    hi = cameras["hi-01"]
    assert (hi.name, hi.lat, hi.snapshot_url) == (
        "Bundaran HI (north)",
        -6.194,
        "http://cams.example/hi2.jpg",
    )
    assert (hi.heading, hi.tags) == (None, [])
    assert (hi.status, hi.failures) == ("offline", 4)


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(app, runner, tmp_path):
    runner.invoke(import_cameras_command, [str(write_csv(tmp_path / "first.csv", GOOD_ROWS))])
    before = {camera_id: camera.name for camera_id, camera in stored(app).items()}
    rows = [
        "hi-01,Renamed,-6.195,106.823,dishub,http://cams.example/hi.jpg,,,,,,,",
        "new-01,New,-6.2,106.8,,http://cams.example/new.jpg,,,,,,,",
        "lat-01,Bad lat,-96.2,106.8,,http://cams.example/1.jpg,,,,,,,",
        "agency-01,Unknown agency,-6.2,106.8,nope,http://cams.example/2.jpg,,,,,,,",
        "vis-01,Bad visibility,-6.2,106.8,,http://cams.example/3.jpg,,secret,,,,,",
        "ftp-01,FTP snapshot,-6.2,106.8,,ftp://cams.example/4.jpg,,,,,,,",
        "rtsp-01,RTSP snapshot,-6.2,106.8,,rtsp://cams.example/live,,,,,,,",
        "go2rtc-01,No name,-6.2,106.8,,http://go2rtc.example:1984,,,,,,go2rtc,",
        "new-01,Twice,-6.2,106.8,,http://cams.example/twice.jpg,,,,,,,",
    ]

    result = runner.invoke(import_cameras_command, [str(write_csv(tmp_path / "bad.csv", rows))])

    assert result.exit_code == 1
    assert "no cameras imported from bad.csv: 7 problem(s)" in result.output
    for expected in [
        "line 4 (id 'lat-01'): lat must be a number from -90 to 90",
        "line 5 (id 'agency-01'): agency 'nope' is not a registered agency",
        "line 6 (id 'vis-01'): visibility must be one of public, staff, restricted",
        "line 7 (id 'ftp-01'): snapshot_url must be an http or https URL",
        "line 8 (id 'rtsp-01'): snapshot_url must be an http or https URL",
        "line 9 (id 'go2rtc-01'): a go2rtc camera needs snapshot_url",
        "line 10 (id 'new-01'): id 'new-01' is already used by line 3",
    ]:
        assert expected in result.output
    assert " added, " not in result.output
    after = {camera_id: camera.name for camera_id, camera in stored(app).items()}
    assert after == before


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (",No id,-6.2,106.8,,,,,,,,,", "id must be a text of 1 to 60"),
        (f"{'x' * 61},Long id,-6.2,106.8,,,,,,,,,", "id must be a text of 1 to 60"),
        ("cam-1,,-6.2,106.8,,,,,,,,,", "name must be a text of 1 to 200"),
        ("cam-1,Gate,-6.2,east,,,,,,,,,", "lon must be a number from -180 to 180, not 'east'"),
        ("cam-1,Gate,-6.2,106.8,,,,,361,,,,", "heading must be a number from 0 to 360"),
        ("cam-1,Gate,-6.2,106.8,,,,,,0,,,", "fov_deg must be a number above 0"),
        ("cam-1,Gate,-6.2,106.8,,,,,,,,webcam,", "source_kind must be one of jpeg, mjpeg"),
        ("cam-1,Gate,-6.2,106.8,,,ftp://cams.example/s,,,,,,", "stream_url must be an http"),
        ("cam-1,Gate,-6.2,106.8", "has 4 cells, the header has 13"),
    ],
)
def test_each_bad_cell_is_named(cells, problem):
    with pytest.raises(CameraImportError) as refused:
        camera_rows_from_csv(f"{HEADER}\n{cells}\n", agencies=("dishub",))

    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("line 2")
    assert problem in refused.value.problems[0]


def test_a_wrong_header_refuses_the_file(app, runner, tmp_path):
    path = write_csv(tmp_path / "cameras.csv", ["cam-1,Gate,-6.2,106.8"], header="id,name,y,x")

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 1
    assert "the header must be id,name,lat,lon,agency" in result.output
    assert stored(app) == {}


def test_geojson_problems_name_the_feature(app, runner, tmp_path):
    good = point(106.8, -6.2, id="cam-1", name="Gate", snapshot_url="http://cams.example/1.jpg")
    outside = point(206.8, -6.2, id="cam-2", name="Far", snapshot_url="http://cams.example/2.jpg")
    line = {**good, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}
    path = write_geojson(tmp_path / "cameras.geojson", [good, outside, line])

    result = runner.invoke(import_cameras_command, [str(path)])

    assert result.exit_code == 1
    assert "feature 2 (id 'cam-2'): lon must be a number from -180 to 180" in result.output
    assert "feature 3 (id 'cam-1'): geometry must be a Point, not LineString" in result.output
    assert "feature 3 (id 'cam-1'): id 'cam-1' is already used by feature 1" in result.output
    assert stored(app) == {}


def test_a_long_list_of_problems_is_cut_after_fifty(app, runner, tmp_path):
    rows = [
        f"cam-{number},Gate,-100,106.8,,http://cams.example/1.jpg,,,,,,," for number in range(60)
    ]

    result = runner.invoke(import_cameras_command, [str(write_csv(tmp_path / "bad.csv", rows))])

    assert result.exit_code == 1
    assert "60 problem(s)" in result.output
    assert "line 51 (id 'cam-49')" in result.output
    assert "line 52 (id 'cam-50')" not in result.output
    assert "and 10 more" in result.output


def test_upsert_reports_progress_by_chunk(app):
    rows = camera_rows_from_csv(
        "\n".join(
            [HEADER]
            + [
                f"cam-{number},Gate,-6.2,106.8,,http://c.example/{number}.jpg,,,,,,,"
                for number in range(1200)
            ]
        ),
        agencies=(),
    )
    progress: list[tuple[int, int]] = []

    with app.app_context():
        counts = upsert_cameras(
            db.session(), rows, lambda done, total: progress.append((done, total))
        )
        db.session().rollback()

    assert counts == (1200, 0)
    assert progress == [(500, 1200), (1000, 1200), (1200, 1200)]


@pytest.mark.needs_plugins("public_works", "sanitation")  # the demo city's owners
def test_demo_cameras_parse_cleanly_and_load(app):
    text = resources.files("config").joinpath("demo/cameras.csv").read_text(encoding="utf-8")

    with app.app_context():
        rows = camera_rows_from_csv(text)
        assert all(row.agency_code in catalog().agencies for row in rows if row.agency_code)
        assert upsert_cameras(db.session(), rows) == (len(rows), 0)
        db.session().commit()
        db.database().session.remove()

    assert len(rows) >= 8
    assert set(stored(app)) == {row.id for row in rows}


@pytest.mark.needs_plugins("public_works", "sanitation")  # the demo city's owners
def test_the_area_column_groups_cameras_on_the_cameras_page(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "cameras.csv",
        ["cam-1,Gate,-6.2,106.8,,http://cams.example/gate.jpg,,,,,,Jakarta Pusat"],
        header=",".join([*CSV_HEADER, "area"]),
    )
    result = runner.invoke(import_cameras_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert stored(app)["cam-1"].area == "Jakarta Pusat"
    demo = resources.files("config").joinpath("demo/cameras.csv").read_text(encoding="utf-8")
    with app.app_context():
        assert {row.area for row in camera_rows_from_csv(demo)} >= {"Jakarta Pusat"}
        db.database().session.remove()
