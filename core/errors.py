"""The contract's one JSON error shape for the API, and one HTML error page for the web."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a client is told about: HTTP status, a slug, a sentence for a person.

    The sentence is written in English with ``%(name)s`` placeholders filled from ``values``
    (``ApiError(409, "offer_closed", "This offer was %(answer)s already.", answer=…)``), so that
    the client reads it in the request's language when the catalogues translate it; ``code``
    and the field names never change with the language.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        **values: Any,
    ) -> None:
        super().__init__(message % values if values else message)
        self.status = status
        self.code = code
        self.template = message
        self.values = values
        self.fields = fields

    @property
    def message(self) -> str:
        """The sentence in English, for logs and the command line."""
        return str(self.args[0])

    def body(self) -> dict[str, Any]:
        """The contract's error shape, in the language of the current request."""
        return error_body(
            self.code, gettext(self.template, **self.values), translated_fields(self.fields)
        )


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def N_(text: str) -> str:
    """Mark a text for the catalogues where it is written (a field's message, say); it is
    translated where it is shown."""
    return text


# marshmallow's own messages, as its fields and validators word them, so they are translated
# like ours: the plain ones by their text, the ones with {values} by their pattern.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Not a valid string."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Not a valid boolean."),
    N_("Not a valid datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Length must be between {min} and {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be one of: {choices}."),
)
_PATTERNS = [
    (
        re.compile(
            "".join(
                f"(?P<{part[1:-1]}>.+?)" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{\w+\})", template)
            )
            + "$"
        ),
        template,
    )
    for template in MARSHMALLOW_MESSAGES
    if "{" in template
]


def translated_message(text: str) -> str:
    """One field message in the request's language, where the catalogues have it."""
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _PATTERNS:
        found = pattern.match(text)
        if found:
            return gettext(template).format(**found.groupdict())
    return text


def translated_fields(fields: Any) -> Any:
    """Each field's messages in the request's language, where the catalogues have them."""
    if isinstance(fields, str):
        return translated_message(fields)
    if isinstance(fields, dict):
        return {name: translated_fields(value) for name, value in fields.items()}
    if isinstance(fields, list):
        return [translated_fields(value) for value in fields]
    return fields


HTTP_SLUGS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/health", "/media/"))


def json_error(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> Response:
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    return response


def _handle_api_error(error: ApiError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    return response


# Werkzeug's own descriptions are long and English only: one line each instead.
HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Sign in first."),
    403: N_("You may not do this."),
    404: N_("Nothing was found at this link."),
    405: N_("This link does not take that method."),
    409: N_("This conflicts with the current state; reload and try again."),
    413: N_("What you sent is too large."),
    415: N_("This kind of content is not accepted here."),
    429: N_("Too many requests; wait a moment and try again."),
    500: N_("Something went wrong on our side."),
    503: N_("The service is unavailable for a moment; try again soon."),
}


def http_message(error: HTTPException) -> str:
    """The exception's sentence in the request's language: its own description when the code
    that raised it gave one, else the status's line."""
    status = error.code or 500
    if error.description and error.description != type(error).description:
        return gettext(error.description)
    return gettext(HTTP_MESSAGES.get(status, "Something went wrong on our side."))


def _handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    if status == 422 and getattr(error, "data", None):
        # webargs/flask-smorest validation failure: bad input, named per field.
        messages = error.data.get("messages", {})  # type: ignore[attr-defined]
        fields = next(iter(messages.values())) if len(messages) == 1 else messages
        return _handle_api_error(
            ApiError(400, "validation_failed", "Some fields are invalid.", fields)
        )
    if wants_json():
        response = json_error(status, HTTP_SLUGS.get(status, "error"), http_message(error))
        original_headers = error.get_response().headers
        for header in ("Retry-After", "Allow"):
            if header in original_headers:
                response.headers[header] = original_headers[header]
        return response
    return render_template("error.html", status=status, message=http_message(error)), status


def _handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    message = gettext("Something went wrong on our side.")
    if wants_json():
        return json_error(500, "internal_error", message)
    return render_template("error.html", status=500, message=message), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
