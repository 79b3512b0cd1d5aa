"""Where an address in words lies: the district (kelurahan, kecamatan, kota) it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.routing.models import LEVELS, District

# A coarser level has a smaller rank: a kelurahan (subdistrict) outranks its kecamatan.
_SPECIFICITY = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class NamedDistrict:
    """A district whose name the address contains, and where the name starts in it."""

    code: str
    level: str
    parent_code: str | None
    position: int
    name_length: int


def words(text: str) -> str:
    """The text as lower-case words separated by single spaces, punctuation dropped, so that
    "Kec. Gambir," and "gambir" meet."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def locate_address(
    session: Session, address_string: str | None, address_id: str | None
) -> tuple[float, float] | None:
    """The centroid of the district a register id (a district code) or an address names."""
    code = _district_by_code(session, address_id) if address_id else None
    if code is None and address_string:
        code = _district_by_name(session, address_string)
    if code is None:
        return None
    geometry = session.scalar(select(District.geometry).where(District.code == code))
    if geometry is None:
        return None
    return inner_centroid(shapely.from_wkb(geometry))


def inner_centroid(area: shapely.Geometry) -> tuple[float, float]:
    """The area's centroid as (lat, lon); for an area shaped so that its centroid lies outside
    it (a crescent, islands), a point inside it, so that routing places the point there."""
    point = area.centroid
    if not area.covers(point):
        point = area.representative_point()
    return point.y, point.x


def _district_by_code(session: Session, address_id: str) -> str | None:
    return session.scalar(select(District.code).where(District.code == address_id.strip()))


def _district_by_name(session: Session, address_string: str) -> str | None:
    """The most specific district the address names as whole words. Among equally specific
    ones, one whose parent the address names too ("Menteng, Jakarta Pusat"), then the one
    named first (addresses run from the most specific part), then the longest name."""
    address = f" {words(address_string)} "
    named: dict[str, NamedDistrict] = {}
    rows = session.execute(
        select(District.code, District.name, District.level, District.parent_code)
    )
    for row in rows:
        name = words(row.name)
        position = address.find(f" {name} ") if name else -1
        if position >= 0:
            named[row.code] = NamedDistrict(
                row.code, row.level, row.parent_code, position, len(name)
            )
    if not named:
        return None
    best = max(
        named.values(),
        key=lambda found: (
            _SPECIFICITY.get(found.level, 0),
            found.parent_code in named,
            -found.position,
            found.name_length,
        ),
    )
    return best.code
