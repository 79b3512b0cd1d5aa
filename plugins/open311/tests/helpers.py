"""What the Open311 tests do again and again: call an endpoint in a format and read its answer
(JSON checked against the schemas written from the spec, XML read by a real parser and checked
against the same schemas), make keys, reports and photos, move complaints in time; and a
category asking every kind of question."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import Flask
from jsonschema import Draft202012Validator
from PIL import Image
from referencing import Registry, Resource

from core import db, hookimpl
from core.models import Complaint
from core.types import CategorySpec

FORMATS = ("json", "xml")
# "XML: Content-Type: text/xml; charset=utf-8", "JSON: Content-Type: application/json;
# charset=utf-8" (GeoReport v2, Format Support). Unknown formats answer in JSON.
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# "the root element must be preceded with the XML declaration including the encoding="UTF-8"
# attribute" (GeoReport v2, Encoding); either quote is XML.
XML_DECLARATION = re.compile(
    r"""^<\?xml\s+version=(["'])1\.0\1\s+encoding=(["'])utf-8\2\s*\?>""", re.IGNORECASE
)
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

MONAS = (-6.1754, 106.8272)
SCHEMAS = Path(__file__).parent / "schemas"

# XML containers whose children are the items of a JSON array (the Spark convention); None:
# any item name.
XML_LISTS: dict[str, str | None] = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
    "photos": None,
    "notes": None,
}
# Each schema's XML root element.
XML_ROOTS = {
    "discovery": "discovery",
    "services": "services",
    "service_definition": "service_definition",
    "request_created": "service_requests",
    "requests": "service_requests",
    "tokens": "service_requests",
    "errors": "errors",
    "updates": "service_request_updates",
    "update_created": "service_request_updates",
}


# --- a category asking every kind of question ---------------------------------------------

FALLEN_TREE = "fallen_tree"
# One question of each datatype of GeoReport v2, in the order the form asks them.
FALLEN_TREE_QUESTIONS = (
    {
        "code": "blocking",
        "label": "Does the tree block the road?",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [{"key": "yes", "name": "Yes, all of it"}, {"key": "no", "name": "No"}],
    },
    {
        "code": "hazards",
        "label": "What else is there?",
        "datatype": "multivaluelist",
        "required": False,
        "values": [
            {"key": "power_line", "name": "A fallen power line"},
            {"key": "car", "name": "A car underneath"},
            {"key": "fire", "name": "Fire"},
        ],
    },
    {"code": "trunk_cm", "label": "Trunk width (cm)", "datatype": "number", "required": False},
    {"code": "fell_at", "label": "When did it fall?", "datatype": "datetime", "required": False},
    {"code": "species", "label": "Which tree is it?", "datatype": "string", "required": False},
    {"code": "details", "label": "Anything else", "datatype": "text", "required": False},
)


class FallenTreePlugin:
    """A third party's category: no group of its own (so its agency's name is its group)."""

    code = FALLEN_TREE

    @hookimpl
    def register_categories(self) -> list[CategorySpec]:
        return [
            CategorySpec(
                code=FALLEN_TREE,
                agency="dpu",
                name_id="Pohon tumbang",
                name_en="Fallen tree",
                keywords=("pohon", "tree"),
                attributes=FALLEN_TREE_QUESTIONS,
            )
        ]


# --- answers ---------------------------------------------------------------------------------


@dataclass
class Answer:
    """One Open311 response and the format it was asked in."""

    response: Any
    fmt: str

    @property
    def status(self) -> int:
        return int(self.response.status_code)

    @property
    def text(self) -> str:
        return str(self.response.data.decode("utf-8"))

    @property
    def root(self) -> ElementTree.Element:
        return ElementTree.fromstring(self.response.data)

    @property
    def body(self) -> Any:
        """JSON as sent; XML as the JSON it maps to, leaves as text (None when empty)."""
        if self.fmt == "xml":
            return xml_value(self.root)
        return json.loads(self.response.data)


def call(client: Any, method: str, path: str, fmt: str, **options: Any) -> Answer:
    """``path`` without its format suffix: ``call(client, "GET", "/open311/v2/services", "xml")``
    (``fmt`` empty: no suffix at all).

    Every answer is checked for its content type, its UTF-8 and (XML) its declaration."""
    response = client.open(f"{path}.{fmt}" if fmt else path, method=method, **options)
    answer = Answer(response, fmt if fmt in FORMATS else "json")
    assert_encoded(answer)
    return answer


def assert_encoded(answer: Answer) -> None:
    content_type = answer.response.headers.get("Content-Type", "")
    assert _normal(content_type) == _normal(CONTENT_TYPES[answer.fmt]), content_type
    text = answer.text  # raises unless UTF-8
    if answer.fmt == "xml":
        assert XML_DECLARATION.match(text), text[:80]


def _normal(content_type: str) -> str:
    return content_type.replace(" ", "").lower()


def read(answer: Answer, schema: str, status: int = 200) -> Any:
    """The body of a successful answer, checked against ``schemas/<schema>.json`` (XML too,
    after reading its text as the schema's types: "true"/"false", numbers, empty = null)."""
    assert answer.status == status, answer.text
    body = answer.body
    if answer.fmt == "xml":
        root = answer.root
        assert root.tag == XML_ROOTS[schema], root.tag
        item = XML_LISTS.get(root.tag)
        if item is not None:
            assert [child.tag for child in root] == [item] * len(root), answer.text
        body = typed(body, document(schema))
    validate(body, schema)
    return body


def expect_error(answer: Answer, status: int) -> list[str]:
    """An error in Open311's shape, in the format asked for, with this HTTP status and the
    same code in the body; its descriptions."""
    errors = read(answer, "errors", status)
    assert [error["code"] for error in errors] == [status] * len(errors), errors
    return [error["description"] for error in errors]


# --- XML -------------------------------------------------------------------------------------


def xml_value(element: ElementTree.Element) -> Any:
    children = list(element)
    if element.tag in XML_LISTS:
        item = XML_LISTS[element.tag]
        if item is None or all(child.tag == item for child in children):
            return [xml_value(child) for child in children]
    if not children:
        text = element.text
        return text if text and text.strip() else None
    tags = [child.tag for child in children]
    values: dict[str, Any] = {}
    for child in children:
        if tags.count(child.tag) > 1:  # a repeated element: its values in order
            values.setdefault(child.tag, []).append(xml_value(child))
        else:
            values[child.tag] = xml_value(child)
    return values


def typed(value: Any, schema: dict[str, Any]) -> Any:
    """XML text read as the schema's JSON types, so that one schema checks both formats."""
    schema = resolved(schema)
    types = _types(schema)
    if isinstance(value, list):
        return [typed(item, schema.get("items", {})) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: typed(item, properties.get(key, {})) for key, item in value.items()}
    if value is None:
        if "null" in types or not types:
            return None
        return [] if "array" in types else {} if "object" in types else ""
    if "boolean" in types:
        return {"true": True, "false": False}.get(value, value)
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
        return float(value)
    return value


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def xml_text(answer: Answer) -> str:
    """Every piece of text in an XML answer, joined."""
    return " ".join(answer.root.itertext())


# --- schemas ---------------------------------------------------------------------------------


@cache
def document(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def schema_names() -> list[str]:
    return sorted(path.stem for path in SCHEMAS.glob("*.json"))


@cache
def registry() -> Registry:
    resources = [
        (document(name)["$id"], Resource.from_contents(document(name))) for name in schema_names()
    ]
    return Registry().with_resources(resources)


def validate(body: Any, schema: str) -> None:
    Draft202012Validator(document(schema), registry=registry()).validate(body)


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``{"$ref": "common.json#/$defs/..."}`` to the definition."""
    while "$ref" in schema:
        filename, _, pointer = schema["$ref"].partition("#")
        target: Any = document(Path(filename).stem)
        for part in pointer.strip("/").split("/"):
            target = target[part]
        schema = target
    return schema


# --- values as either format gives them ------------------------------------------------------


def w3c(value: str) -> datetime:
    """A W3C datetime with its time zone, as an aware datetime."""
    assert W3C_DATETIME.match(value), value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert moment.tzinfo is not None
    return moment


def w3c_param(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(requests: list[dict[str, Any]]) -> list[str]:
    return [request["service_request_id"] for request in requests]


def one(requests: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(requests) == 1, requests
    return requests[0]


def path_of(url: str) -> str:
    """The path (and query) of an absolute URL, to fetch it through the test client."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- the system around -----------------------------------------------------------------------


def create_key(runner: Any, name: str, agency: str | None = None) -> str:
    """A key made with ``smartcity open311 keys create``: the last line of its output."""
    args = ["open311", "keys", "create", "--name", name]
    if agency is not None:
        args += ["--agency", agency]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return str(result.output.strip().splitlines()[-1].strip())


def revoke_key(runner: Any, name: str) -> None:
    result = runner.invoke(args=["open311", "keys", "revoke", "--name", name])
    assert result.exit_code == 0, result.output


def report(
    client: Any, category: str = "garbage", point: tuple[float, float] = MONAS, **fields: Any
) -> str:
    """A complaint reported through the native API (anonymously); its id as Open311 gives it."""
    body = {
        "category": category,
        "description": "Sampah menumpuk di trotoar",
        "lat": point[0],
        "lon": point[1],
        **fields,
    }
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def native(client: Any, complaint_id: str, headers: dict[str, str] | None = None) -> Any:
    """The complaint through the native API (with its history)."""
    response = client.get(f"/api/v1/complaints/{complaint_id}", headers=headers or {})
    assert response.status_code == 200, response.json
    return response.json


def change_status(
    client: Any, staff: Any, complaint_id: str, status: str, note: str | None = None
) -> None:
    """A status change by the owning agency's staff through the native API, the note public."""
    body: dict[str, Any] = {"status": status}
    if note is not None:
        body |= {"note": note, "note_public": True}
    response = client.patch(f"/api/v1/complaints/{complaint_id}", json=body, headers=staff.headers)
    assert response.status_code == 200, response.json


def set_columns(app: Flask, complaint_id: str, **values: Any) -> None:
    """Rewrite a stored complaint's columns (``created_at`` in the past, for example)."""
    with app.app_context():
        complaint = db.session().get(Complaint, int(complaint_id))
        assert complaint is not None
        for name, value in values.items():
            setattr(complaint, name, value)
        db.session().commit()
        db.database().session.remove()


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return (point[0] + metres / 111_195, point[1])


def jpeg() -> bytes:
    """A real JPEG photo."""
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(output, "JPEG")
    return output.getvalue()
