"""GET /health: is the service up and can it reach its database."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from core import __version__, db

log = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    try:
        db.database().ping()
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        body = {"status": "unavailable", "database": "unreachable", "version": __version__}
        return jsonify(body), 503
    return jsonify({"status": "ok", "database": "ok", "version": __version__}), 200
