"""District polygons: the migration, the importer, the demo city and locating a point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from core import db
from core.cli import main
from core.models import Base
from plugins.routing.districts import (
    DistrictIndex,
    DistrictIndexHolder,
    DistrictRef,
    load_district_index,
)
from plugins.routing.importer import (
    DistrictImportError,
    import_districts,
    load_demo_districts,
)
from plugins.routing.models import District


def square(lon: float, lat: float, size: float = 0.01) -> list[list[list[float]]]:
    return [
        [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    ]


def feature(
    code: str,
    level: str = "city",
    parent: str | None = None,
    rings: Any = None,
    name: str | None = None,
    kind: str = "Polygon",
) -> dict[str, Any]:
    properties = {"code": code, "name": name or code.title(), "level": level}
    if parent is not None:
        properties["parent"] = parent
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": rings or square(106.80, -6.20, 0.1)},
    }


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


NESTED = [
    feature("city", "city", rings=square(106.80, -6.20, 0.10)),
    feature("district", "district", "city", square(106.81, -6.19, 0.05)),
    feature("subdistrict", "subdistrict", "district", square(106.82, -6.18, 0.01)),
]


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def stored(app: Flask) -> dict[str, tuple[str, str, str | None]]:
    """The table as another connection sees it: only what was committed."""
    with Session(app.extensions["smartcity.db"].engine) as fresh:
        return {
            row.code: (row.name, row.level, row.parent_code)
            for row in fresh.scalars(select(District))
        }


# --- the table -------------------------------------------------------------------------------


def test_migration_builds_exactly_the_district_model(database_url):
    table = District.__tablename__
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parents: kind != "table" or name == table,
                "include_object": lambda _item, name, kind, _reflected, _other: (
                    kind != "table" or name == table
                ),
            },
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


# --- importing -------------------------------------------------------------------------------


def test_geojson_import_adds_districts_at_every_level(app, session, tmp_path):
    path = write_geojson(tmp_path / "districts.geojson", NESTED)

    result = import_districts(session, path)
    session.commit()

    assert (result.added, result.updated) == (3, 0)
    assert stored(app) == {
        "city": ("City", "city", None),
        "district": ("District", "district", "city"),
        "subdistrict": ("Subdistrict", "subdistrict", "district"),
    }
    row = session.get(District, "district")
    assert (row.min_lon, row.min_lat, row.max_lon, row.max_lat) == pytest.approx(
        (106.81, -6.19, 106.86, -6.14)
    )
    assert row.updated_at.tzinfo is not None
    located = load_district_index(session).locate(-6.175, 106.825)
    assert [found.code for found in located] == ["subdistrict", "district", "city"]
    assert located[1] == DistrictRef("district", "District", "district", "city")


def test_csv_wkt_import_reads_polygons_and_multipolygons(app, session, tmp_path):
    path = tmp_path / "districts.csv"
    path.write_text(
        "code,name,level,parent,wkt\n"
        'north,North City,city,,"POLYGON ((106.7 -6.2, 106.9 -6.2, 106.9 -6.1, 106.7 -6.1, '
        '106.7 -6.2))"\n'
        'isles,The Isles,district,north,"MULTIPOLYGON (((106.71 -6.19, 106.72 -6.19, '
        "106.72 -6.18, 106.71 -6.19)), ((106.80 -6.15, 106.81 -6.15, 106.81 -6.14, "
        '106.80 -6.15)))"\n'
    )

    result = import_districts(session, path)
    session.commit()

    assert (result.added, result.updated) == (2, 0)
    assert stored(app)["isles"] == ("The Isles", "district", "north")
    index = load_district_index(session)
    assert [found.code for found in index.locate(-6.146, 106.808)] == ["isles", "north"]
    assert [found.code for found in index.locate(-6.17, 106.75)] == ["north"]


def test_reimporting_a_known_code_updates_it(app, session, tmp_path):
    import_districts(session, write_geojson(tmp_path / "first.geojson", NESTED))
    session.commit()
    before = session.get(District, "district").updated_at
    moved = feature("district", "district", "city", square(106.85, -6.15, 0.04), "Renamed")

    result = import_districts(
        session, write_geojson(tmp_path / "again.geojson", [moved, feature("other")])
    )
    session.commit()

    assert (result.added, result.updated) == (1, 1)
    assert stored(app)["district"] == ("Renamed", "district", "city")
    row = session.get(District, "district")
    assert row.min_lon == pytest.approx(106.85)
    assert row.updated_at > before
    index = load_district_index(session)
    assert "district" in [found.code for found in index.locate(-6.12, 106.88)]
    assert "district" not in [found.code for found in index.locate(-6.18, 106.815)]


def test_every_invalid_feature_is_reported_and_nothing_is_written(app, session, tmp_path):
    bowtie = [[[106.8, -6.2], [106.9, -6.1], [106.9, -6.2], [106.8, -6.1], [106.8, -6.2]]]
    features = [
        feature("good"),
        {
            "type": "Feature",
            "properties": {"name": "No code", "level": "city"},
            "geometry": feature("x")["geometry"],
        },
        feature("town", level="town"),
        feature("bowtie", rings=bowtie),
        feature("swapped", rings=square(-6.2, 106.8)),
        {**feature("dot"), "geometry": {"type": "Point", "coordinates": [106.8, -6.2]}},
        feature("good"),
        feature("orphan", "district", parent="nowhere"),
        feature("upside", "city", parent="good"),
        feature("unclosed", rings=[[[106.8, -6.2], [106.9, -6.2], [106.9, -6.1]]]),
        {"type": "Feature", "geometry": None},
    ]

    with pytest.raises(DistrictImportError) as refused:
        import_districts(session, write_geojson(tmp_path / "bad.geojson", features))

    problems = refused.value.problems
    expected = [
        "feature 2: code must be",
        "feature 3 (code 'town'): level must be one of city, district, subdistrict",
        "feature 4 (code 'bowtie'): invalid geometry: Self-intersection",
        "feature 5 (code 'swapped'): coordinates are outside lon/lat range",
        "feature 6 (code 'dot'): geometry must be a Polygon or MultiPolygon, not Point",
        "feature 7 (code 'good'): code 'good' is already used by feature 1",
        "feature 8 (code 'orphan'): parent 'nowhere' is neither in the file nor in the database",
        "feature 9 (code 'upside'): parent 'good' is a city, not coarser than a city",
        "feature 10 (code 'unclosed'): unreadable geometry",
        "feature 11: not a Feature with properties",
    ]
    for start in expected:
        assert any(problem.startswith(start) for problem in problems), (start, problems)
    assert len(problems) == len(expected)
    assert str(refused.value).count("\n") == len(expected) - 1
    session.rollback()
    assert stored(app) == {}


def test_parent_may_be_a_district_already_in_the_database(app, session, tmp_path):
    import_districts(session, write_geojson(tmp_path / "city.geojson", NESTED[:1]))
    session.commit()

    result = import_districts(session, write_geojson(tmp_path / "child.geojson", NESTED[1:2]))
    session.commit()

    assert result.added == 1
    assert stored(app)["district"][2] == "city"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name,level,wkt\n", "districts.csv: the header must be code,name,level,parent,wkt"),
        (
            "code,name,level,parent,wkt\nx,X,city,,POLYGON ((1 2\n",
            "line 2 (code 'x'): unreadable WKT",
        ),
        (
            'code,name,level,parent,wkt\nx,X,city,,"LINESTRING (1 2, 3 4)"\n',
            "line 2 (code 'x'): geometry must be",
        ),
        ("code,name,level,parent,wkt\nx,,city,,\n", "line 2 (code 'x'): name must be"),
    ],
)
def test_bad_csv_is_refused_by_line(app, session, tmp_path, content, message):
    path = tmp_path / "districts.csv"
    path.write_text(content)

    with pytest.raises(DistrictImportError) as refused:
        import_districts(session, path)

    assert any(problem.startswith(message) for problem in refused.value.problems), (
        refused.value.problems
    )


def test_unreadable_files_are_refused(session, tmp_path):
    (tmp_path / "a.geojson").write_text("{not json")
    (tmp_path / "b.geojson").write_text('{"type": "Feature"}')
    (tmp_path / "c.kml").write_text("<kml/>")
    for name, message in [
        ("a.geojson", "not valid JSON"),
        ("b.geojson", "not a GeoJSON FeatureCollection"),
        ("c.kml", "expected a .geojson, .json or .csv file"),
    ]:
        with pytest.raises(DistrictImportError, match=message):
            import_districts(session, tmp_path / name)


def test_an_invalid_fiftieth_feature_leaves_the_table_unchanged(app, session, tmp_path):
    first = [feature(f"d{number:02}", rings=square(100 + number, 0)) for number in range(10)]
    import_districts(session, write_geojson(tmp_path / "first.geojson", first))
    session.commit()
    before = stored(app)
    renamed = [
        feature(f"d{number:02}", rings=square(100 + number, 0), name=f"New {number}")
        for number in range(60)
    ]
    renamed[49] = feature("d49", rings=[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]])
    progress: list[tuple[int, int]] = []

    with pytest.raises(DistrictImportError) as refused:
        import_districts(
            session,
            write_geojson(tmp_path / "second.geojson", renamed),
            lambda done, total: progress.append((done, total)),
        )

    assert [problem.split(":")[0] for problem in refused.value.problems] == [
        "feature 50 (code 'd49')"
    ]
    assert progress == []
    session.commit()
    assert stored(app) == before


def test_progress_is_reported_up_to_the_total(session, tmp_path):
    features = [feature(f"d{number:04}", rings=square(number / 100, 0)) for number in range(1200)]
    progress: list[tuple[int, int]] = []

    import_districts(
        session,
        write_geojson(tmp_path / "many.geojson", features),
        lambda done, total: progress.append((done, total)),
    )

    assert progress == [(500, 1200), (1000, 1200), (1200, 1200)]


# --- the command -----------------------------------------------------------------------------


def test_import_command_reports_added_and_updated(app, runner, tmp_path):
    path = write_geojson(tmp_path / "districts.geojson", NESTED)

    first = runner.invoke(main, ["import", "districts", str(path)])
    again = runner.invoke(main, ["import", "districts", str(path)])

    assert first.exit_code == 0, first.output
    assert "imported 3 districts (3 added, 0 updated)" in first.output
    assert "imported 3 districts (0 added, 3 updated)" in again.output
    assert len(stored(app)) == 3


def test_import_command_lists_the_problems_and_exits_1(app, runner, tmp_path):
    path = write_geojson(
        tmp_path / "bad.geojson", [feature("a"), feature("b", level="town"), feature("a")]
    )

    result = runner.invoke(main, ["import", "districts", str(path)])

    assert result.exit_code == 1
    assert "no districts imported: 2 problem(s)" in result.output
    assert "feature 2 (code 'b'): level must be one of" in result.output
    assert "feature 3 (code 'a'): code 'a' is already used by feature 1" in result.output
    assert stored(app) == {}


# --- the demo city ---------------------------------------------------------------------------


def demo_shapes() -> dict[str, tuple[dict[str, Any], shapely.Geometry]]:
    text = resources.files("config").joinpath("demo/districts.geojson").read_text("utf-8")
    return {
        item["properties"]["code"]: (item["properties"], shapely.geometry.shape(item["geometry"]))
        for item in json.loads(text)["features"]
    }


def test_demo_districts_are_valid_nested_and_the_cities_do_not_overlap():
    shapes = demo_shapes()
    cities = {code: shape for code, (props, shape) in shapes.items() if props["level"] == "city"}
    assert len(cities) == 5
    for _code, (props, shape) in shapes.items():
        assert shape.is_valid
        assert len(shape.exterior.coords) > 12
        if props.get("parent"):
            parent = shapes[props["parent"]][1]
            assert parent.contains(shape.representative_point())
            assert shape.intersection(parent).area > 0.99 * shape.area
    for (_first, one), (_second, other) in combinations(cities.items(), 2):
        assert one.intersection(other).area < 1e-4 * min(one.area, other.area)


@pytest.mark.parametrize(
    ("place", "lat", "lon", "expected"),
    [
        ("Monas", -6.1754, 106.8272, ["jkt-pusat-gambir", "jkt-pusat"]),
        ("Taman Menteng", -6.1963, 106.8326, ["jkt-pusat-menteng", "jkt-pusat"]),
        ("Tanah Abang market", -6.1870, 106.8135, ["jkt-pusat-tanah-abang", "jkt-pusat"]),
        ("Blok M", -6.2443, 106.8001, ["jkt-selatan-kebayoran-baru", "jkt-selatan"]),
        ("Pluit", -6.1170, 106.7900, ["jkt-utara-penjaringan", "jkt-utara"]),
        ("Cakung", -6.1840, 106.9400, ["jkt-timur-cakung", "jkt-timur"]),
        ("Grogol", -6.1670, 106.7900, ["jkt-barat-grogol-petamburan", "jkt-barat"]),
        ("Kota Tua", -6.1352, 106.8133, ["jkt-barat"]),
        ("Java Sea", -6.0500, 106.8500, []),
        ("Bogor", -6.5950, 106.8166, []),
    ],
)
def test_demo_points_resolve_to_their_district_and_city(session, place, lat, lon, expected):
    load_demo_districts(session)
    session.commit()

    located = load_district_index(session).locate(lat, lon)

    assert [found.code for found in located] == expected, place


# --- the index -------------------------------------------------------------------------------


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: bytes | str


def test_index_finds_the_one_cell_among_thousands():
    cells = [
        Row(
            f"cell-{column}-{row}",
            "Cell",
            "subdistrict",
            None,
            shapely.box(column, row, column + 1, row + 1).wkt,
        )
        for column in range(60)
        for row in range(60)
    ]
    index = DistrictIndex([*cells, Row("all", "All", "city", None, shapely.box(0, 0, 60, 60).wkb)])

    assert len(index) == 3601
    assert [found.code for found in index.locate(lat=17.5, lon=42.5)] == ["cell-42-17", "all"]
    assert [found.code for found in index.locate(lat=70, lon=70)] == []
    assert DistrictIndex([]).locate(0, 0) == []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_holder_rebuilds_after_a_change_once_its_interval_passed(app, session, tmp_path):
    import_districts(session, write_geojson(tmp_path / "one.geojson", NESTED[:1]))
    session.commit()
    clock = Clock()
    holder = DistrictIndexHolder(check_seconds=30, clock=clock)
    reads: list[int] = []

    def counted_session() -> Session:
        reads.append(1)
        return db.session()

    first = holder.current(counted_session)
    assert len(first) == 1
    import_districts(session, write_geojson(tmp_path / "two.geojson", NESTED[1:2]))
    session.commit()

    clock.now += 29
    assert holder.current(counted_session) is first
    assert len(reads) == 1

    clock.now += 2
    second = holder.current(counted_session)
    assert len(second) == 2
    assert len(reads) == 2

    clock.now += 31
    assert holder.current(counted_session) is second

    renamed = feature("city", "city", rings=square(106.80, -6.20, 0.10), name="Renamed")
    import_districts(session, write_geojson(tmp_path / "three.geojson", [renamed]))
    session.commit()
    clock.now += 31
    assert holder.current(counted_session).locate(-6.15, 106.85)[-1].name == "Renamed"


def test_the_grid_index_agrees_with_testing_every_polygon():
    """Random irregular, overlapping districts and holes: the grid's answer for random points,
    vertices and edge midpoints is exactly what testing the point against every polygon gives."""
    import random

    generator = random.Random(11)
    rows = []
    for number in range(60):
        lon, lat = generator.uniform(106.7, 106.95), generator.uniform(-6.35, -6.1)
        radius = generator.uniform(0.005, 0.05)
        shape = shapely.Point(lon, lat).buffer(radius, quad_segs=generator.randint(1, 6))
        if number % 7 == 0:
            shape = shape.difference(shapely.Point(lon, lat).buffer(radius / 3))
        level = ("city", "district", "subdistrict")[number % 3]
        rows.append(Row(f"d{number:02d}", f"D{number}", level, None, shape.wkb))
    index = DistrictIndex(rows)
    order = {"subdistrict": 0, "district": 1, "city": 2}
    geometries = {row.code: shapely.from_wkb(row.geometry) for row in rows}
    levels = {row.code: row.level for row in rows}

    def every_polygon(lon: float, lat: float) -> list[str]:
        hits = [
            code for code, shape in geometries.items() if shapely.intersects_xy(shape, lon, lat)
        ]
        return sorted(hits, key=lambda code: (order[levels[code]], code))

    points = [
        (generator.uniform(106.65, 107.0), generator.uniform(-6.4, -6.05)) for _ in range(4000)
    ]
    for shape in list(geometries.values())[:20]:
        ring = shapely.get_coordinates(shape.boundary)
        points += [tuple(vertex) for vertex in ring[::3]]
        points += [tuple((a + b) / 2) for a, b in zip(ring[:-1:5], ring[1::5], strict=True)]
    for lon, lat in points:
        assert [found.code for found in index.locate(lat=lat, lon=lon)] == every_polygon(lon, lat)


@pytest.mark.needs_plugins("sanitation")
def test_the_areas_are_listed_for_the_lists_district_filter(app, client):
    with app.app_context():
        load_demo_districts(db.session())
        db.session().commit()
        db.database().session.remove()
    everything = client.get("/api/v1/routing/districts").json
    cities = client.get("/api/v1/routing/districts?level=city").json
    assert {"code": "jkt-pusat", "name": "Jakarta Pusat", "level": "city", "parent": None} in cities
    assert all(area["level"] == "city" for area in cities)
    assert len(everything) > len(cities)
    assert [area["name"] for area in everything] == sorted(area["name"] for area in everything)
    assert "geometry" not in everything[0] and "wkb" not in str(everything[0])
    assert client.get("/api/v1/routing/districts?level=planet").status_code == 400
    garbage = {"category": "garbage", "description": "Sampah", "lat": -6.1754, "lon": 106.8272}
    created = client.post("/api/v1/complaints", json=garbage).json
    district = created["routing"]["district"]
    assert district == "jkt-pusat-gambir"
    listed = client.get(f"/api/v1/complaints?district={district}").json["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert client.get("/api/v1/complaints?district=jkt-utara").json["items"] == []
    pusat = [area["code"] for area in client.get("/api/v1/routing/districts?within=jkt-pusat").json]
    assert "jkt-pusat" in pusat and district in pusat and "jkt-utara" not in pusat
    both = client.get("/api/v1/complaints", query_string={"district": ",".join(pusat)}).json
    assert [item["id"] for item in both["items"]] == [created["id"]]
