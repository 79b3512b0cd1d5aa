"""The contract's one JSON error shape for the API, and one HTML error page for the web."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a client is told about: HTTP status, a slug, a sentence for a person."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


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
    return json_error(error.status, error.code, error.message, error.fields)


def _handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    if status == 422 and getattr(error, "data", None):
        # webargs/flask-smorest validation failure: bad input, named per field.
        messages = error.data.get("messages", {})  # type: ignore[attr-defined]
        fields = next(iter(messages.values())) if len(messages) == 1 else messages
        return json_error(400, "validation_failed", "Some fields are invalid.", fields)
    code = HTTP_SLUGS.get(status, "error")
    if wants_json():
        response = json_error(status, code, error.description or code)
        original_headers = error.get_response().headers
        for header in ("Retry-After", "Allow"):
            if header in original_headers:
                response.headers[header] = original_headers[header]
        return response
    return render_template("error.html", status=status, message=error.description), status


def _handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_json():
        return json_error(500, "internal_error", "Something went wrong on our side.")
    return render_template("error.html", status=500, message="Something went wrong."), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
