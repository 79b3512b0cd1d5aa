"""Distances on the Earth's surface, in metres: plenty accurate at a city's scale."""

from __future__ import annotations

import math

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
