"""The demo city's road segments: central Jakarta's main roads (coordinates approximate)."""

from __future__ import annotations

import json

# (id, name, [(lon, lat), ...]) along each road, north to south or west to east.
DEMO_ROADS = (
    (
        "medan-merdeka-barat",
        "Jl. Medan Merdeka Barat",
        [(106.8221, -6.1700), (106.8223, -6.1760), (106.8226, -6.1815)],
    ),
    (
        "thamrin",
        "Jl. M.H. Thamrin",
        [(106.8226, -6.1815), (106.8228, -6.1880), (106.8229, -6.1948)],
    ),
    (
        "sudirman-utara",
        "Jl. Jend. Sudirman (Bundaran HI - Karet)",
        [(106.8229, -6.1948), (106.8225, -6.2010), (106.8195, -6.2100), (106.8170, -6.2155)],
    ),
    (
        "sudirman-selatan",
        "Jl. Jend. Sudirman (Karet - Senayan)",
        [(106.8170, -6.2155), (106.8140, -6.2195), (106.8080, -6.2230), (106.8010, -6.2270)],
    ),
    (
        "gatot-subroto",
        "Jl. Jend. Gatot Subroto (Semanggi - Pancoran)",
        [(106.8150, -6.2200), (106.8225, -6.2290), (106.8300, -6.2365), (106.8430, -6.2430)],
    ),
    (
        "rasuna-said",
        "Jl. H.R. Rasuna Said",
        [(106.8300, -6.2090), (106.8310, -6.2230), (106.8320, -6.2350)],
    ),
)


def demo_geojson() -> str:
    """The demo roads as the GeoJSON ``smartcity import segments`` reads."""
    features = [
        {
            "type": "Feature",
            "id": segment_id,
            "properties": {"name": name},
            "geometry": {"type": "LineString", "coordinates": [list(point) for point in points]},
        }
        for segment_id, name, points in DEMO_ROADS
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})
