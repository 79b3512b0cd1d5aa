"""POST Service Request: an Open311 client's report becomes a complaint like any other (routed,
announced live, dispatched), with what Open311 adds kept beside it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from core.catalog import catalog
from core.complaints import Intake, create_complaint
from core.media import check_image
from core.models import Complaint
from core.plugins import hooks
from core.types import ANONYMOUS, CategorySpec
from plugins.open311.arguments import argument, decimal
from plugins.open311.formats import Open311Error
from plugins.open311.linking import written_with
from plugins.open311.models import ApiKey, FiledRequest
from plugins.open311.services import offered_category
from plugins.open311.settings import open311_state

ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
MAX_DESCRIPTION = 4000
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Field -> the longest value a column keeps.
LIMITS = {
    "address_string": 500,
    "address_id": 100,
    "email": 254,
    "phone": 40,
    "device_id": 200,
    "deviceid": 200,
    "account_id": 200,
    "media_url": 1000,
}
NAME_LIMIT = 200


def file_request(key: ApiKey, values: MultiDict[str, str]) -> Complaint:
    """Check the request, store the complaint with its Open311 row in one commit; a retry with
    the same ``Idempotency-Key`` answers the complaint stored the first time."""
    category = _service(values)
    for name, limit in LIMITS.items():
        if len(argument(values, name) or "") > limit:
            raise Open311Error(
                400,
                gettext("%(name)s is longer than %(limit)s characters.", name=name, limit=limit),
            )
    lat, lon = _point(values)
    fields = {
        "category": category.code,
        "description": _description(values),
        "lat": lat,
        "lon": lon,
        "address": argument(values, "address_string"),
        "attributes": _attributes(values, category),
        **_contact(values),
    }
    filed = FiledRequest(
        api_key_id=key.id,
        token=secrets.token_urlsafe(24),
        device_id=argument(values, "device_id") or argument(values, "deviceid"),
        account_id=argument(values, "account_id"),
        media_url=_media_url(values),
        address_id=argument(values, "address_id"),
    )
    idempotency_key = request.headers.get(IDEMPOTENCY_HEADER, "").strip() or None
    if idempotency_key is not None and len(idempotency_key) > 200:
        raise Open311Error(400, gettext("Idempotency-Key is at most 200 characters."))
    intake = Intake(fields, _photos(), idempotency_key)
    with written_with(filed, "complaint", Complaint):
        complaint, _created = create_complaint(intake, ANONYMOUS)
    return complaint


def _service(values: Mapping[str, str]) -> CategorySpec:
    code = argument(values, "service_code")
    if code is None:
        raise Open311Error(400, gettext("service_code is required."))
    category = offered_category(code, with_key=True)
    if category is None:
        raise Open311Error(
            404, gettext("service_code %(code)s is not a service of this city.", code=code)
        )
    return category


def _point(values: Mapping[str, str]) -> tuple[float, float]:
    """lat and long, or the point of address_string or address_id (``locate_address``)."""
    lat = decimal(values, "lat", -90, 90)
    lon = decimal(values, "long", -180, 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, gettext("Send both lat and long."))
    if lat is not None and lon is not None:
        return lat, lon
    address_string = argument(values, "address_string")
    address_id = argument(values, "address_id")
    if address_string is None and address_id is None:
        raise Open311Error(
            400,
            gettext("A location is required: lat and long, address_string or address_id."),
        )
    point = hooks().locate_address(address_string=address_string, address_id=address_id)
    if point is None:
        raise Open311Error(
            400, gettext("The address could not be found on the map; send lat and long.")
        )
    return point


def _description(values: Mapping[str, str]) -> str:
    description = argument(values, "description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(
            400,
            gettext("description is longer than %(limit)s characters.", limit=MAX_DESCRIPTION),
        )
    return description


def _contact(values: Mapping[str, str]) -> dict[str, str | None]:
    """The reporter's personal data, kept in the complaint's contact fields (shown to the
    agency only, never through Open311)."""
    names = [argument(values, "first_name"), argument(values, "last_name")]
    name = " ".join(part for part in names if part) or None
    if name is not None and len(name) > NAME_LIMIT:
        raise Open311Error(
            400,
            gettext(
                "first_name and last_name are longer than %(limit)s characters.",
                limit=NAME_LIMIT,
            ),
        )
    email = argument(values, "email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise Open311Error(400, gettext("email is not an email address."))
    return {
        "contact_name": name,
        "contact_email": email,
        "contact_phone": argument(values, "phone"),
    }


def _media_url(values: Mapping[str, str]) -> str | None:
    """A link to the client's media, kept as given: http or https only, never fetched."""
    url = argument(values, "media_url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Open311Error(400, gettext("media_url must be an http or https URL."))
    return url


def _attributes(values: MultiDict[str, str], category: CategorySpec) -> dict[str, Any]:
    """``attribute[code]=value``, and for a multivaluelist ``attribute[code][]=value`` or the
    plain form repeated; each answer in the type its question asks for, so that core checks
    it like a native report's."""
    sent: dict[str, list[str]] = {}
    for name in sorted(set(values.keys())):
        found = ATTRIBUTE.match(name)
        if found:
            given = [answer.strip() for answer in values.getlist(name) if answer.strip()]
            sent.setdefault(found.group(1), []).extend(given)
    questions = {question["code"]: question for question in category.attributes}
    return {code: _typed(given, questions.get(code, {})) for code, given in sent.items() if given}


def _typed(given: list[str], question: Mapping[str, Any]) -> Any:
    datatype = question.get("datatype", "string")
    if datatype == "multivaluelist":
        return [_option(answer, question) for answer in given]
    if len(given) > 1:
        return given
    answer = given[0]
    if datatype == "singlevaluelist":
        return _option(answer, question)
    if datatype == "number":
        return _number(answer)
    return answer


def _option(answer: str, question: Mapping[str, Any]) -> Any:
    """The option whose key the answer names, in the key's own type (keys may be numbers)."""
    for option in question.get("values", []):
        key = option.get("key") if isinstance(option, dict) else option
        if str(key) == answer:
            return key
    return answer


def _number(answer: str) -> Any:
    try:
        number = float(answer)
    except ValueError:
        return answer
    return int(number) if number.is_integer() and "." not in answer else number


def _photos() -> tuple[Any, ...]:
    """The photos sent as multipart ``media`` files, checked as the native API checks them."""
    unexpected = set(request.files) - {"media"}
    if unexpected:
        raise Open311Error(400, gettext("Send photos as files named media."))
    files = request.files.getlist("media")
    most = current_app.config["SMARTCITY"]["max_photos"]
    if len(files) > most:
        raise Open311Error(400, gettext("At most %(count)s photos.", count=most))
    return tuple(check_image(file.read()) for file in files)


class ServiceNotices:
    """What happens next, in the caller's language: who has the complaint and by when it should
    be fixed. The sentences are translated once, then filled in for each complaint of a page."""

    def __init__(self) -> None:
        self.received = gettext("%(agency)s has received it.")
        self.expected = gettext(
            "%(agency)s has received it and aims to resolve it by %(expected)s."
        )
        self.agencies = catalog().agencies
        self.timezone = open311_state().timezone

    def notice(self, complaint: Complaint) -> str:
        agency = self.agencies.get(complaint.agency_code)
        name = agency.name if agency else complaint.agency_code
        if complaint.expected_at is None:
            return self.received % {"agency": name}
        expected = complaint.expected_at.astimezone(self.timezone)
        return self.expected % {"agency": name, "expected": expected.strftime("%Y-%m-%d %H:%M %Z")}
