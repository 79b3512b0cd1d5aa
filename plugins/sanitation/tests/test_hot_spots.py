"""Hot-spot counting on a known data set, on SQLite and PostgreSQL: which areas, in which order,
from how many complaints, the week's bounds in the city's time zone, the change from the week
before, complaints in no known district counted per grid square."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from core import hookimpl
from plugins.sanitation.agency import CATEGORY_CODES
from plugins.sanitation.hotspots import Grid, monday_of, week_window
from plugins.sanitation.tests.factories import add_complaints, complaint, set_clock

JAKARTA = ZoneInfo("Asia/Jakarta")
# The grid of the default settings: 250 m squares at the map's centre.
GRID = Grid.at(-6.1754, 250.0)
ROW, COLUMN = -2800, 47600
# Week 48 of 2026 is Monday 23 November 00:00 to Monday 30 November 00:00 in Jakarta (UTC+7).
W48_START = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
W49_START = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
TANAH_ABANG_W48 = [(-6.1860, 106.8130), (-6.1870, 106.8135), (-6.1880, 106.8140)] + [
    (-6.1870, 106.8135)
] * 2


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of November 2026, in UTC."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def in_cell(row_fraction: float, column_fraction: float = 0.5) -> tuple[float, float]:
    """A point within the grid square ROW, COLUMN (fractions 0-1; below 0: the square south)."""
    return (
        (ROW + row_fraction) * GRID.lat_degrees,
        (COLUMN + column_fraction) * GRID.lon_degrees,
    )


def known_data_set() -> list[dict[str, Any]]:
    tanah_abang, penjaringan = "jkt-pusat-tanah-abang", "jkt-utara-penjaringan"
    cakung, gambir = "jkt-timur-cakung", "jkt-pusat-gambir"
    w48_tanah_abang = [at(22, 17), at(22, 18), at(23, 3), at(24, 3), at(25, 3)]
    return [
        # Tanah Abang: five in week 48, from its first second (Monday 00:00 in Jakarta) and
        # Monday 01:00 in Jakarta (still Sunday in UTC); two in week 47, the last of them at
        # its last second (Sunday 23:59:59 in Jakarta).
        *(
            complaint(moment, tanah_abang, point)
            for moment, point in zip(w48_tanah_abang, TANAH_ABANG_W48, strict=True)
        ),
        complaint(at(16, 3), tanah_abang, (-6.19, 106.81), category="missed_collection"),
        complaint(at(22, 16, 59, 59), tanah_abang, (-6.19, 106.81)),
        # Penjaringan: four in week 48, six in week 47 (one a day), one in week 46.
        *(
            complaint(moment, penjaringan, category="river_trash")
            for moment in (at(23, 5), at(24, 5), at(26, 1), at(26, 2))
        ),
        *(complaint(at(day, 5), penjaringan, category="river_trash") for day in range(16, 22)),
        complaint(at(12, 5), penjaringan, category="illegal_dumping"),
        # Cakung: three in week 48, the last a second before its end; two just after it.
        *(
            complaint(moment, cakung, category="illegal_dumping")
            for moment in (at(27, 5), at(28, 5), at(29, 16, 59, 59), at(29, 17), at(29, 18))
        ),
        # Gambir: two in week 48, a third rejected, and potholes (not sanitation): no hot spot.
        complaint(at(24, 7), gambir),
        complaint(at(25, 7), gambir),
        complaint(at(25, 8), gambir, status="rejected"),
        *(complaint(at(25, 9), gambir, category="pothole") for _ in range(3)),
        # In no known district: three in one grid square in week 48 and one in week 47; one
        # just south of that square, in the square below it.
        *(
            complaint(moment, None, in_cell(fraction))
            for moment, fraction in ((at(23, 10), 0.1), (at(24, 10), 0.5), (at(25, 10), 0.9))
        ),
        complaint(at(20, 10), None, in_cell(0.3)),
        complaint(at(24, 11), None, in_cell(-0.1)),
    ]


@pytest.fixture
def known_complaints(app: Flask) -> None:
    add_complaints(app, known_data_set())


@pytest.fixture
def dlh_staff(make_account: Any) -> Any:
    return make_account("staff", agency="dlh")


def hot_spots(client: Any, account: Any, **args: Any) -> dict[str, Any]:
    response = client.get(
        "/api/v1/sanitation/hot-spots", query_string=args, headers=account.headers
    )
    assert response.status_code == 200, response.json
    answer: dict[str, Any] = response.json
    return answer


def ranking(answer: dict[str, Any]) -> list[tuple[int, str, int, int, int]]:
    return [
        (spot["rank"], spot["area"]["code"], spot["count"], spot["previous_count"], spot["change"])
        for spot in answer["hot_spots"]
    ]


# --- the ranking -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works")
def test_week_ranks_areas_by_complaints_then_rise_with_shared_ranks(
    client, known_complaints, dlh_staff
):
    answer = hot_spots(client, dlh_staff, week="2026-W48")
    assert ranking(answer) == [
        (1, "jkt-pusat-tanah-abang", 5, 2, 3),
        (2, "jkt-utara-penjaringan", 4, 6, -2),
        (3, "jkt-timur-cakung", 3, 0, 3),
        (3, f"cell:{ROW}:{COLUMN}", 3, 1, 2),
    ]
    assert answer["min_complaints"] == 3
    assert answer["cell_size_m"] == 250.0
    assert answer["categories"] == list(CATEGORY_CODES)


@pytest.mark.needs_plugins("public_works")
def test_week_bounds_are_monday_to_monday_in_the_city_s_time_zone(
    client, known_complaints, dlh_staff
):
    window = hot_spots(client, dlh_staff, week="2026-W48")["window"]
    assert window == {
        "week": "2026-W48",
        "days": None,
        "since": "2026-11-23T00:00:00+07:00",
        "until": "2026-11-30T00:00:00+07:00",
        "previous_since": "2026-11-16T00:00:00+07:00",
        "timezone": "Asia/Jakarta",
    }


@pytest.mark.needs_plugins("public_works")
@pytest.mark.parametrize("app_settings", [{"sanitation": {"hot_spot_min_complaints": 1}}])
def test_a_complaint_on_monday_night_in_the_city_counts_in_the_next_week(
    client, known_complaints, dlh_staff
):
    # Cakung's two complaints of Monday 30 November 00:00 and 01:00 in Jakarta: Sunday in UTC.
    assert ranking(hot_spots(client, dlh_staff, week="2026-W49")) == [
        (1, "jkt-timur-cakung", 2, 3, -1),
    ]


@pytest.mark.needs_plugins("public_works", "routing")
def test_areas_carry_their_name_centroid_and_latest_report(
    client, demo_districts, known_complaints, dlh_staff
):
    spots = hot_spots(client, dlh_staff, week="2026-W48")["hot_spots"]
    by_code = {spot["area"]["code"]: spot for spot in spots}
    tanah_abang = by_code["jkt-pusat-tanah-abang"]
    assert tanah_abang["area"] == {
        "kind": "district",
        "code": "jkt-pusat-tanah-abang",
        "name": "Tanah Abang",
        "bounds": None,
    }
    # The centroid of the week's five complaints only, not of the week before's.
    assert (tanah_abang["lat"], tanah_abang["lon"]) == pytest.approx((-6.1870, 106.8135))
    assert tanah_abang["latest_at"] == "2026-11-25T10:00:00+07:00"
    assert [spot["area"]["name"] for spot in spots[:3]] == ["Tanah Abang", "Penjaringan", "Cakung"]


@pytest.mark.needs_plugins("public_works")
def test_complaints_in_no_district_count_per_grid_square(client, known_complaints, dlh_staff):
    square = hot_spots(client, dlh_staff, week="2026-W48")["hot_spots"][-1]
    (south, west), (north, east) = square["area"]["bounds"]
    assert square["area"]["kind"] == "cell" and square["area"]["name"] is None
    # Rounded to 6 decimals (about 10 cm).
    corners = (ROW * GRID.lat_degrees, COLUMN * GRID.lon_degrees)
    assert (south, west) == pytest.approx(corners, abs=1e-6)
    sides = (GRID.lat_degrees, GRID.lon_degrees)
    assert (north - south, east - west) == pytest.approx(sides, abs=2e-6)
    assert south <= square["lat"] < north and west <= square["lon"] < east
    # Squares are about 250 m a side at Jakarta's latitude.
    assert GRID.lat_degrees * 111_320 == pytest.approx(250)
    assert GRID.lon_degrees * 111_320 * 0.99420 == pytest.approx(250, rel=1e-3)


@pytest.mark.needs_plugins("public_works")
def test_the_week_before_is_counted_against_its_own_week_before(
    client, known_complaints, dlh_staff
):
    assert ranking(hot_spots(client, dlh_staff, week="2026-W47")) == [
        (1, "jkt-utara-penjaringan", 6, 1, 5),
    ]


@pytest.mark.needs_plugins("public_works")
@pytest.mark.parametrize(
    "app_settings, expected",
    [
        (
            {"sanitation": {"hot_spot_min_complaints": 4}},
            ["jkt-pusat-tanah-abang", "jkt-utara-penjaringan"],
        ),
        (
            {"sanitation": {"hot_spot_min_complaints": 1}},
            [
                "jkt-pusat-tanah-abang",
                "jkt-utara-penjaringan",
                "jkt-timur-cakung",
                f"cell:{ROW}:{COLUMN}",
                "jkt-pusat-gambir",
                f"cell:{ROW - 1}:{COLUMN}",
            ],
        ),
    ],
)
def test_the_threshold_comes_from_the_settings(client, known_complaints, dlh_staff, expected):
    answer = hot_spots(client, dlh_staff, week="2026-W48")
    assert [spot["area"]["code"] for spot in answer["hot_spots"]] == expected
    assert answer["min_complaints"] == (4 if len(expected) == 2 else 1)


@pytest.mark.needs_plugins("public_works")
def test_limit_keeps_the_highest_ranked(client, known_complaints, dlh_staff):
    answer = hot_spots(client, dlh_staff, week="2026-W48", limit=2)
    assert [spot["rank"] for spot in answer["hot_spots"]] == [1, 2]


@pytest.mark.needs_plugins("public_works")
def test_the_current_week_is_the_default(app, client, known_complaints, dlh_staff):
    set_clock(app, at(26, 5))  # Thursday noon in Jakarta
    answer = hot_spots(client, dlh_staff)
    assert answer["window"]["week"] == "2026-W48"
    assert ranking(answer) == ranking(hot_spots(client, dlh_staff, week="2026-W48"))
    set_clock(app, at(29, 17))  # Monday 00:00 in Jakarta, still Sunday in UTC
    assert hot_spots(client, dlh_staff)["window"]["week"] == "2026-W49"


@pytest.mark.needs_plugins("public_works")
def test_the_last_days_up_to_now_against_as_many_days_before(
    app, client, known_complaints, dlh_staff
):
    set_clock(app, at(26, 5))
    answer = hot_spots(client, dlh_staff, days=7)
    assert answer["window"] == {
        "week": None,
        "days": 7,
        "since": "2026-11-19T12:00:00+07:00",
        "until": "2026-11-26T12:00:00+07:00",
        "previous_since": "2026-11-12T12:00:00+07:00",
        "timezone": "Asia/Jakarta",
    }
    assert ranking(answer) == [
        (1, "jkt-utara-penjaringan", 7, 4, 3),
        (2, "jkt-pusat-tanah-abang", 6, 1, 5),
        (3, f"cell:{ROW}:{COLUMN}", 4, 0, 4),
    ]


# --- the query's arguments -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, field",
    [
        ({"week": "2026-48"}, "week"),
        ({"week": "2025-W53"}, "week"),  # 2025 has 52 ISO weeks
        ({"days": 0}, "days"),
        ({"days": 93}, "days"),
        ({"week": "2026-W48", "days": 7}, "days"),
    ],
)
def test_a_bad_window_is_refused_naming_the_field(client, dlh_staff, args, field):
    response = client.get(
        "/api/v1/sanitation/hot-spots", query_string=args, headers=dlh_staff.headers
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_failed"
    assert field in response.json["error"]["fields"]


def test_refusals_are_in_the_caller_s_language(client, dlh_staff):
    response = client.get(
        "/api/v1/sanitation/hot-spots?week=48",
        headers={**dlh_staff.headers, "Accept-Language": "id"},
    )
    assert response.json["error"]["fields"]["week"] == [
        "Bukan minggu kalender; tulis seperti 2026-W48."
    ]


# --- the parts -------------------------------------------------------------------------------


def test_an_iso_week_starts_on_its_monday():
    assert monday_of("2026-W01") == date(2025, 12, 29)
    assert monday_of("2026-W53") == date(2026, 12, 28)
    for wrong in ("2026-W1", "2026W01", "2025-W53", "2026-W00"):
        with pytest.raises(ValueError):
            monday_of(wrong)


def test_a_week_window_holds_any_moment_of_that_week():
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=JAKARTA)
    window = week_window(None, sunday_night, JAKARTA)
    assert (window.week, window.since, window.until) == (
        "2026-W48",
        datetime(2026, 11, 23, tzinfo=JAKARTA),
        datetime(2026, 11, 30, tzinfo=JAKARTA),
    )


class RenamedDistricts:
    """A plugin of its own that names Tanah Abang its own way, and no other district."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    @hookimpl
    def find_district_names(self, codes):
        self.asked.append(codes)
        known = {"jkt-pusat-tanah-abang": "Kecamatan Tanah Abang"}
        return {code: known[code] for code in codes if code in known}


def test_districts_are_named_by_the_plugins_that_know_them_else_by_code(
    app, client, register_plugin, dlh_staff
):
    renamed = RenamedDistricts()
    register_plugin(renamed, "renamed_districts")
    add_complaints(
        app,
        [
            *(complaint(at(23 + day, 3), "jkt-pusat-tanah-abang") for day in range(4)),
            *(complaint(at(23 + day, 5), "jkt-timur-cakung") for day in range(3)),
            *(complaint(at(23 + day, 10), None, in_cell(0.5)) for day in range(3)),
        ],
    )

    spots = hot_spots(client, dlh_staff, week="2026-W48")["hot_spots"]

    assert [(spot["area"]["code"], spot["area"]["name"]) for spot in spots] == [
        ("jkt-pusat-tanah-abang", "Kecamatan Tanah Abang"),
        ("jkt-timur-cakung", "jkt-timur-cakung"),
        (f"cell:{ROW}:{COLUMN}", None),
    ]
    # Once for the whole answer, with every district in it and no grid square.
    assert renamed.asked == [["jkt-pusat-tanah-abang", "jkt-timur-cakung"]]
