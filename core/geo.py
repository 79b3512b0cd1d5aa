"""Distances on the Earth's surface, in metres: plenty accurate at a city's scale."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def degrees_around(point: tuple[float, float], radius_m: float) -> tuple[float, float]:
    """Half the sides (in degrees of lat, lon) of a box holding the circle around ``point``:
    a cheap indexed pre-filter before measuring exactly."""
    lat_degrees = radius_m / 111_320
    lon_degrees = radius_m / (111_320 * max(math.cos(math.radians(point[0])), 0.01))
    return lat_degrees, lon_degrees


def geometry_lines(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """A GeoJSON Point, LineString or MultiLineString as lines of (lat, lon) points (a point is
    a line of one point)."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        lines = [[coordinates]]
    elif kind == "LineString":
        lines = [coordinates]
    elif kind == "MultiLineString":
        lines = coordinates
    else:
        raise ValueError(f"expected a Point, LineString or MultiLineString, not {kind}")
    return [[(position[1], position[0]) for position in line] for line in lines]


def distance_to_lines_m(
    point: tuple[float, float], lines: list[list[tuple[float, float]]]
) -> float:
    """Metres from the point to the nearest piece of the lines (flat around the point: fine for
    the few hundred metres asked about)."""
    return min(
        _distance_to_piece_m(point, start, end)
        for line in lines
        for start, end in (pairwise(line) if len(line) > 1 else [(line[0], line[0])])
    )


def _distance_to_piece_m(
    point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]
) -> float:
    scale_lon = math.cos(math.radians(point[0]))

    def flat(place: tuple[float, float]) -> tuple[float, float]:
        north = math.radians(place[0] - point[0]) * EARTH_RADIUS_M
        east = math.radians(place[1] - point[1]) * EARTH_RADIUS_M * scale_lon
        return east, north

    (ax, ay), (bx, by) = flat(start), flat(end)
    length_squared = (bx - ax) ** 2 + (by - ay) ** 2
    along = 0.0 if length_squared == 0 else -(ax * (bx - ax) + ay * (by - ay)) / length_squared
    along = min(1.0, max(0.0, along))
    return math.hypot(ax + along * (bx - ax), ay + along * (by - ay))
