"""Open311 GeoReport v2 under /open311: discovery, services, requests, tokens and mySociety's
service request updates, each as .json or .xml, errors in Open311's own shape."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from core import db
from core.errors import ApiError
from core.models import Complaint
from plugins.open311 import intake, listing, services, updates
from plugins.open311.arguments import argument, request_id_number
from plugins.open311.formats import FORMATS, Open311Error, error_response, render, w3c_datetime
from plugins.open311.keys import active_key
from plugins.open311.models import ApiKey, FiledRequest
from plugins.open311.settings import open311_state

blueprint = Blueprint("open311", __name__, url_prefix="/open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Native field names -> Open311's, in the errors core reports.
OPEN311_FIELDS = {
    "category": "service_code",
    "lon": "long",
    "address": "address_string",
    "contact_name": "first_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "photo": "media",
}
KEPT_STATUSES = (403, 404, 413, 429)


# --- every request ---------------------------------------------------------------------------


@blueprint.url_value_preprocessor
def _check_format_and_jurisdiction(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is not None and "fmt" in values and values["fmt"] not in FORMATS:
        raise Open311Error(404, gettext("Formats are .json and .xml."))
    wanted = open311_state().jurisdiction_id
    sent = argument(request.values, "jurisdiction_id")
    if wanted and sent is not None and sent != wanted:
        raise Open311Error(404, gettext("jurisdiction_id %(sent)s was not found here.", sent=sent))


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in FORMATS else "json"


@blueprint.errorhandler(Open311Error)
def _open311_error(error: Open311Error) -> Response:
    return error_response(error, _format())


@blueprint.errorhandler(ApiError)
def _core_error(error: ApiError) -> Response:
    """Core's refusals (a photo's checks, a question's answer, a transition) in Open311's
    shape: one error per problem, its field named as Open311 names it."""
    body = error.body()["error"]
    problems = [f"{field}: {message}" for field, message in _flattened(body.get("fields") or {})]
    status = error.status if error.status in KEPT_STATUSES else 400
    return error_response(Open311Error(status, *(problems or [body["message"]])), _format())


def _flattened(fields: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(fields, str):
        return [(prefix, fields)]
    if isinstance(fields, list):
        return [pair for item in fields for pair in _flattened(item, prefix)]
    pairs = []
    for name, messages in fields.items():
        if prefix == "attributes":
            field = f"attribute[{name}]"
        elif prefix:
            field = f"{prefix}.{name}"
        else:
            field = OPEN311_FIELDS.get(name, name)
        pairs += _flattened(messages, field)
    return pairs


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    """Werkzeug's and Flask-Limiter's refusals (too large, too many requests) in our shape."""
    status = error.code or 500
    response = error_response(Open311Error(status, _http_description(status)), _format())
    for header in ("Retry-After", "Allow"):
        if header in error.get_response().headers:
            response.headers[header] = error.get_response().headers[header]
    return response


def _http_description(status: int) -> str:
    if status == 413:
        return gettext("What you sent is too large.")
    if status == 429:
        return gettext("Too many requests; wait a moment and try again.")
    return gettext("The request could not be handled (HTTP %(status)s).", status=status)


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("Open311 %s %s failed", request.method, request.path)
    db.session().rollback()
    message = gettext("Something went wrong on our side; please tell the city.")
    return error_response(Open311Error(500, message), _format())


def _api_key(required: bool) -> ApiKey | None:
    key = active_key(argument(request.values, "api_key"))
    if key is None and required:
        description = (
            gettext("api_key is missing.")
            if argument(request.values, "api_key") is None
            else gettext("Invalid api_key received -- can't proceed.")
        )
        raise Open311Error(403, description)
    return key


# --- discovery and services ------------------------------------------------------------------


@blueprint.get("/discovery.<fmt>")
def discovery(fmt: str) -> Response:
    settings = open311_state()
    changeset = w3c_datetime(services.changeset(), settings.timezone)
    endpoint = {
        "specification": SPECIFICATION,
        "url": f"{request.url_root}open311/v2",
        "changeset": changeset,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    document = {
        "changeset": changeset,
        "contact": settings.contact or gettext("Ask the city's IT operator."),
        "key_service": settings.key_service
        or gettext("API keys are issued by the city's IT operator."),
        "endpoints": [endpoint],
    }
    return render(document, fmt, "discovery")


@blueprint.get("/v2/services.<fmt>")
def service_list(fmt: str) -> Response:
    offered = services.offered_categories(with_key=_api_key(required=False) is not None)
    return render([services.service(category) for category in offered], fmt, "services")


@blueprint.get("/v2/services/<service_code>.<fmt>")
def service_definition(service_code: str, fmt: str) -> Response:
    with_key = _api_key(required=False) is not None
    category = services.offered_category(service_code, with_key)
    if category is None:
        raise Open311Error(404, gettext("No service %(code)s.", code=service_code))
    return render(services.service_definition(category), fmt, "service_definition")


# --- requests --------------------------------------------------------------------------------


@blueprint.post("/v2/requests.<fmt>")
def create_request(fmt: str) -> Response:
    """POST Service Request (rate limited like the native report: see ``app_started``)."""
    key = _api_key(required=True)
    assert key is not None
    complaint = intake.file_request(key, request.values)
    answer = {
        "service_request_id": str(complaint.id),
        "service_notice": intake.ServiceNotices().notice(complaint),
        "account_id": None,
    }
    return render([answer], fmt, "service_requests")


@blueprint.get("/v2/requests.<fmt>")
def request_list(fmt: str) -> Response:
    extensions = _extensions()
    rows = listing.find_requests(request.values, extensions)
    return render(listing.shape_requests(rows, extensions), fmt, "service_requests")


@blueprint.get("/v2/requests/<service_request_id>.<fmt>")
def single_request(service_request_id: str, fmt: str) -> Response:
    wanted = request_id_number(service_request_id)
    extensions = _extensions()
    row = listing.find_request(wanted, extensions) if wanted is not None else None
    if row is None:
        raise Open311Error(404, gettext("No service request %(id)s.", id=service_request_id))
    return render(listing.shape_requests([row], extensions), fmt, "service_requests")


def _extensions() -> bool:
    return (argument(request.values, "extensions") or "").lower() == "true"


@blueprint.get("/v2/tokens/<token>.<fmt>")
def token(token: str, fmt: str) -> Response:
    query = (
        listing.public_complaints()
        .with_only_columns(Complaint.id)
        .join(FiledRequest, FiledRequest.complaint_id == Complaint.id)
        .where(FiledRequest.token == token)
    )
    complaint_id = db.session().scalar(query)
    if complaint_id is None:
        raise Open311Error(404, gettext("No token %(token)s.", token=token))
    return render(
        [{"service_request_id": str(complaint_id), "token": token}], fmt, "service_requests"
    )


# --- mySociety's service request updates -----------------------------------------------------


@blueprint.get("/v2/servicerequestupdates.<fmt>")
def update_list(fmt: str) -> Response:
    return render(updates.list_updates(request.values), fmt, "service_request_updates")


@blueprint.post("/v2/servicerequestupdates.<fmt>")
def post_update(fmt: str) -> Response:
    key = _api_key(required=True)
    assert key is not None
    event_id = updates.receive_update(key, request.values)
    return render([{"update_id": str(event_id)}], fmt, "service_request_updates")


# --- anything else ---------------------------------------------------------------------------


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@blueprint.route("/", defaults={"rest": ""}, methods=ANY_METHOD)
@blueprint.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest: str) -> Response:
    """An unknown resource, a missing or unknown format: 404; a known one asked with another
    method: 405. Both in Open311's shape."""
    allowed = _methods_of(request.path)
    if allowed:
        error = Open311Error(405, gettext("This resource takes %(methods)s.", methods=allowed))
        response = error_response(error, "json")
        response.headers["Allow"] = allowed
        return response
    raise Open311Error(404, gettext("No such Open311 resource: %(path)s.", path=request.path))


def _methods_of(path: str) -> str:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _arguments = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    return ", ".join(allowed)
