"""Import cameras from CSV or GeoJSON: every row checked first, then one transaction."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.catalog import catalog, sync_catalog
from core.geojson import ImportRefused
from plugins.cctv.models import SOURCE_KINDS, VISIBILITIES, Camera
from plugins.cctv.sources import check_url, guess_kind, source_of

# The contract's header; the two source columns may follow it.
CSV_HEADER = [
    "id",
    "name",
    "lat",
    "lon",
    "agency",
    "snapshot_url",
    "stream_url",
    "visibility",
    "heading",
    "fov_deg",
    "tags",
]
OPTIONAL_COLUMNS = ["area", "source_kind", "source_name"]
# Kinds read over HTTP: an rtsp stream_url cannot feed them.
HTTP_STREAM_KINDS = ("mjpeg", "hls")
RTSP_SCHEMES = ("rtsp", "rtsps")
_SOURCE_FIELDS = ("snapshot_url", "stream_url", "source_kind", "source_name")
MAX_PROBLEMS_SHOWN = 50
_CHUNK = 500

Progress = Callable[[int, int], None]


class CameraImportError(ImportRefused):
    """The file was refused; ``problems`` names every one, each with its line or feature."""


@dataclass(frozen=True)
class CameraRow:
    """One checked camera of an import file, ready to be written; ``where`` is its line or
    feature."""

    where: str
    id: str
    name: str
    lat: float
    lon: float
    area: str | None
    agency_code: str | None
    snapshot_url: str | None
    stream_url: str | None
    source_kind: str
    source_name: str | None
    visibility: str
    heading: float | None
    fov_deg: float | None
    tags: tuple[str, ...]


def read_camera_file(path: Path, agencies: Collection[str] | None = None) -> list[CameraRow]:
    """The file's cameras: GeoJSON for .geojson/.json (or text opening with ``{``), else CSV."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CameraImportError([f"{path.name}: cannot be read ({error})"]) from error
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json") or (suffix != ".csv" and text.lstrip().startswith("{")):
        return camera_rows_from_geojson(text, agencies)
    return camera_rows_from_csv(text, agencies)


def camera_rows_from_csv(text: str, agencies: Collection[str] | None = None) -> list[CameraRow]:
    """The cameras of a CSV with the contract's header (line numbers count the header as 1).

    ``agencies`` are the codes a camera may name (default: the current app's catalogue).
    Raises ``CameraImportError`` listing every problem of the file.
    """
    return _checked(_csv_cells(text), _agency_codes(agencies))


def camera_rows_from_geojson(text: str, agencies: Collection[str] | None = None) -> list[CameraRow]:
    """The cameras of a GeoJSON FeatureCollection of Points ("feature N" counts from 1).

    ``agencies`` as for ``camera_rows_from_csv``; raises ``CameraImportError`` likewise.
    """
    return _checked(_geojson_cells(text), _agency_codes(agencies))


def upsert_cameras(
    session: Session, rows: Sequence[CameraRow], progress: Progress | None = None
) -> tuple[int, int]:
    """Add the new cameras and update the known ones (their health is kept); flushed, not
    committed. Returns (added, updated); ``progress(done, total)`` follows the writing."""
    added = updated = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        ids = [row.id for row in chunk]
        found = session.scalars(select(Camera).where(Camera.id.in_(ids)))
        existing = {camera.id: camera for camera in found}
        for row in chunk:
            camera = existing.get(row.id)
            if camera is None:
                camera = existing[row.id] = Camera(id=row.id)
                session.add(camera)
                added += 1
            else:
                updated += 1
            _fill(camera, row)
        session.flush()
        if progress is not None:
            progress(start + len(chunk), len(rows))
    return added, updated


@click.command("cameras")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_cameras_command(file: Path) -> None:
    """Import cameras (CSV id,name,lat,lon,agency,snapshot_url,stream_url,visibility,heading,
    fov_deg,tags[,area,source_kind,source_name], or a GeoJSON FeatureCollection of Points)."""
    session = db.session()
    try:
        rows = read_camera_file(file)
        # A camera's agency must be a row of the database, not only of the catalogue.
        sync_catalog(session, catalog())
        with click.progressbar(length=len(rows), label=f"importing {file.name}") as bar:
            added, updated = upsert_cameras(
                session, rows, lambda done, _total: bar.update(done - bar.pos)
            )
        session.commit()
    except CameraImportError as error:
        session.rollback()
        _report(file, error.problems)
        click.get_current_context().exit(1)
    noun = "camera" if added == 1 else "cameras"
    click.echo(f"{added} {noun} added, {updated} updated")


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Cells:
    """One row or feature as read, before it is checked; ``problems`` are the reader's own."""

    label: str
    values: Mapping[str, Any]
    problems: list[str]
    # A GeoJSON feature whose geometry was refused: its lat and lon are not reported again.
    position_refused: bool = False


def _csv_cells(text: str) -> Iterator[_Cells]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        _check_header(header)
        for cells in reader:
            if not cells:
                continue
            problems = []
            if len(cells) != len(header):
                problems.append(f"has {len(cells)} cells, the header has {len(header)}")
            values = dict(zip(header, cells, strict=False))
            yield _Cells(f"line {reader.line_num}", values, problems)
    except csv.Error as error:
        raise CameraImportError([f"line {reader.line_num}: unreadable CSV ({error})"]) from error


def _check_header(header: list[str]) -> None:
    known = CSV_HEADER + OPTIONAL_COLUMNS
    missing = [name for name in CSV_HEADER if name not in header]
    unknown = [name for name in header if name not in known]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or repeated:
        raise CameraImportError(
            [
                f"the header must be {','.join(CSV_HEADER)} (then optionally "
                f"{','.join(OPTIONAL_COLUMNS)}), not {','.join(header) or 'empty'}"
            ]
        )


def _geojson_cells(text: str) -> Iterator[_Cells]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CameraImportError([f"not valid JSON ({error})"]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise CameraImportError(["not a GeoJSON FeatureCollection"])
    if not isinstance(document.get("features"), list):
        raise CameraImportError(["the FeatureCollection has no features list"])
    for number, feature in enumerate(document["features"], start=1):
        label = f"feature {number}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            yield _Cells(label, {}, ["not a Feature with properties"], position_refused=True)
            continue
        values = dict(feature["properties"])
        if "id" not in values and "id" in feature:
            values["id"] = feature["id"]
        position, problems = _point(feature.get("geometry"))
        values["lon"], values["lat"] = position
        yield _Cells(label, values, problems, position_refused=bool(problems))


def _point(geometry: Any) -> tuple[tuple[Any, Any], list[str]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind != "Point":
        return (None, None), [f"geometry must be a Point, not {kind or 'missing'}"]
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        return (None, None), ["a Point's coordinates must be [lon, lat]"]
    return (coordinates[0], coordinates[1]), []


# --- checking --------------------------------------------------------------------------------


def _agency_codes(agencies: Collection[str] | None) -> Collection[str]:
    return catalog().agencies.keys() if agencies is None else agencies


def _checked(all_cells: Iterator[_Cells], agencies: Collection[str]) -> list[CameraRow]:
    """Every row checked, duplicates between rows included; raises if any is refused."""
    rows: list[CameraRow] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for cells in all_cells:
        row, row_problems = _camera_row(cells, agencies)
        identifier = _text(cells.values.get("id"))
        if identifier in first_seen:
            row_problems.append(f"id {identifier!r} is already used by {first_seen[identifier]}")
        elif identifier:
            first_seen[identifier] = cells.label
        where = f"{cells.label} (id {identifier!r})" if identifier else cells.label
        problems.extend(f"{where}: {problem}" for problem in row_problems)
        if row is not None and not row_problems:
            rows.append(row)
    if problems:
        raise CameraImportError(problems)
    return rows


def _camera_row(cells: _Cells, agencies: Collection[str]) -> tuple[CameraRow | None, list[str]]:
    fields = _Fields(cells.values, [*cells.problems])
    identifier = fields.read("id", _identifier)
    name = fields.read("name", partial(_text_of_length, field="name", longest=200, required=True))
    lat: float | None = None
    lon: float | None = None
    if not cells.position_refused:
        lat = fields.read("lat", partial(_number, field="lat", low=-90, high=90, required=True))
        lon = fields.read("lon", partial(_number, field="lon", low=-180, high=180, required=True))
    area = fields.read("area", partial(_text_of_length, field="area", longest=100))
    agency = fields.read("agency", partial(_agency, agencies=agencies))
    visibility = fields.read("visibility", _visibility)
    heading = fields.read("heading", partial(_number, field="heading", low=0, high=360))
    fov_deg = fields.read("fov_deg", _field_of_view)
    tags = fields.read("tags", _tags)
    snapshot_url = fields.read("snapshot_url", partial(_url, field="snapshot_url"))
    stream_url = fields.read("stream_url", partial(_url, field="stream_url", allow_rtsp=True))
    source_name = fields.read(
        "source_name", partial(_text_of_length, field="source_name", longest=300)
    )
    given_kind = fields.read("source_kind", _source_kind)
    kind = given_kind or guess_kind(snapshot_url, stream_url)
    if not fields.failed & set(_SOURCE_FIELDS):
        fields.check(_check_source, kind, given_kind, snapshot_url, stream_url, source_name)
    if fields.problems or lat is None or lon is None:
        return None, fields.problems
    row = CameraRow(
        where=cells.label,
        id=identifier,
        name=name,
        lat=lat,
        lon=lon,
        area=area,
        agency_code=agency,
        snapshot_url=snapshot_url,
        stream_url=stream_url,
        source_kind=kind,
        source_name=source_name,
        visibility=visibility,
        heading=heading,
        fov_deg=fov_deg,
        tags=tags,
    )
    return row, []


@dataclass
class _Fields:
    """A row's values being checked: each problem is kept, and which fields failed."""

    values: Mapping[str, Any]
    problems: list[str]
    failed: set[str] = dataclass_field(default_factory=set)

    def read(self, name: str, check: Callable[[Any], Any]) -> Any:
        try:
            return check(self.values.get(name))
        except ValueError as error:
            self.problems.append(str(error))
            self.failed.add(name)
            return None

    def check(self, check: Callable[..., None], *arguments: Any) -> None:
        try:
            check(*arguments)
        except ValueError as error:
            self.problems.append(str(error))


def _text(value: Any) -> str | None:
    """A cell's text, stripped; None when empty or absent (numbers count as their text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _text_of_length(value: Any, field: str, longest: int, required: bool = False) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{field} must be a text")
    text = _text(value)
    if (required and text is None) or (text is not None and len(text) > longest):
        raise ValueError(
            f"{field} must be a text of {1 if required else 0} to {longest} characters"
        )
    return text


def _identifier(value: Any) -> str:
    text = _text(value)
    if text is None or len(text) > 60 or "/" in text or any(char.isspace() for char in text):
        raise ValueError("id must be a text of 1 to 60 characters, without spaces or '/'")
    return text


def _number(
    value: Any, field: str, low: float, high: float, required: bool = False
) -> float | None:
    problem = f"{field} must be a number from {low:g} to {high:g}"
    if isinstance(value, bool):
        raise ValueError(problem)
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if required:
            raise ValueError(problem)
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{problem}, not {value!r}") from error
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{problem}, not {value!r}")
    return number


def _field_of_view(value: Any) -> float | None:
    number = _number(value, "fov_deg", 0, 360)
    if number == 0:
        raise ValueError("fov_deg must be a number above 0 and up to 360, not 0")
    return number


def _agency(value: Any, agencies: Collection[str]) -> str | None:
    code = _text(value)
    if code is not None and code not in agencies:
        known = ", ".join(sorted(agencies)) or "none"
        raise ValueError(f"agency {code!r} is not a registered agency (known: {known})")
    return code


def _visibility(value: Any) -> str:
    visibility = _text(value) or "public"
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    return visibility


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValueError("tags must be texts separated by ';' (or a list of texts)")
    return tuple(dict.fromkeys(tag.strip() for tag in value if tag.strip()))


def _url(value: Any, field: str, allow_rtsp: bool = False) -> str | None:
    url = _text_of_length(value, field, 1000)
    check_url(url, field, allow_rtsp)
    return url


def _source_kind(value: Any) -> str | None:
    kind = _text(value)
    if kind is not None and kind not in SOURCE_KINDS:
        raise ValueError(f"source_kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    return kind


def _check_source(
    kind: str,
    given_kind: str | None,
    snapshot_url: str | None,
    stream_url: str | None,
    source_name: str | None,
) -> None:
    """Raises when the fields make no usable source. A row naming no source at all is a
    camera registered before it is connected."""
    if not (given_kind or snapshot_url or stream_url or source_name):
        return
    source_of(kind, snapshot_url, stream_url, source_name)
    if kind in HTTP_STREAM_KINDS and stream_url and urlsplit(stream_url).scheme in RTSP_SCHEMES:
        raise ValueError(f"an {kind} camera's stream_url must be an http or https URL")


# --- writing ---------------------------------------------------------------------------------


def _fill(camera: Camera, row: CameraRow) -> None:
    camera.name = row.name
    camera.lat, camera.lon = row.lat, row.lon
    camera.area = row.area
    camera.agency_code = row.agency_code
    camera.snapshot_url = row.snapshot_url
    camera.stream_url = row.stream_url
    camera.source_kind = row.source_kind
    camera.source_name = row.source_name
    camera.visibility = row.visibility
    camera.heading = row.heading
    camera.fov_deg = row.fov_deg
    camera.tags = list(row.tags)


def _report(file: Path, problems: list[str]) -> None:
    click.echo(f"no cameras imported from {file.name}: {len(problems)} problem(s)", err=True)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"  {problem}", err=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        click.echo(f"  and {len(problems) - MAX_PROBLEMS_SHOWN} more", err=True)
