"""Open311's two formats: JSON and the schemaless XML it mirrors, and Open311's error shape."""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from typing import Any

from flask import Response

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# The element of each item of a list, by the list's element (GeoReport v2's and mySociety's
# XML); a list not named here holds <value> elements.
ITEM_ELEMENTS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "photos": "photo",
    "notes": "note",
}
XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
# Characters XML 1.0 cannot carry at all, even escaped; a resident's text may hold them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NEEDS_ESCAPING = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """An error told to an Open311 client: the HTTP status (also each error's ``code``) and one
    description per problem, already in the caller's language."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions or ("",)


def render(data: Any, fmt: str, root: str, status: int = 200) -> Response:
    """``data`` (a list or an object) as JSON, or as XML under the element ``root``."""
    if fmt == "xml":
        parts = [XML_DECLARATION]
        _write_xml(root, data, parts)
        body = "".join(parts)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(error: Open311Error, fmt: str) -> Response:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(errors, fmt, "errors", error.status)


# The XML is written as text, not built as a tree: a page of 1,000 requests is some 20,000
# elements, which ElementTree took three times longer to build and serialise than JSON.
def _write_xml(name: str, value: Any, parts: list[str]) -> None:
    if isinstance(value, dict):
        parts.append(f"<{name}>")
        for key, item in value.items():
            if type(item) is str and _is_element_name(key):
                parts.append(f"<{key}>{_escaped(item)}</{key}>")
            elif _is_element_name(key):
                _write_xml(key, item, parts)
            else:
                # A key that cannot name an element (an attribute code such as "2nd floor").
                parts.append("<attribute>")
                _write_xml("code", key, parts)
                _write_xml("value", item, parts)
                parts.append("</attribute>")
        parts.append(f"</{name}>")
    elif isinstance(value, list):
        item_name = ITEM_ELEMENTS.get(name, "value")
        parts.append(f"<{name}>")
        for item in value:
            _write_xml(item_name, item, parts)
        parts.append(f"</{name}>")
    elif value is None:
        parts.append(f"<{name}></{name}>")
    elif isinstance(value, bool):
        parts.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    else:
        parts.append(f"<{name}>{_escaped(str(value))}</{name}>")


@functools.cache
def _is_element_name(key: str) -> bool:
    return bool(XML_NAME.match(key)) and not key.lower().startswith("xml")


def _escaped(text: str) -> str:
    if not NEEDS_ESCAPING.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return NOT_IN_XML.sub("", text)


def w3c_datetime(moment: datetime | None, timezone: Any) -> str | None:
    """A W3C datetime in the city's time zone with its offset: 2026-11-28T16:37:00+07:00."""
    if moment is None:
        return None
    return moment.astimezone(timezone).isoformat(timespec="seconds")
