"""POST /api/v1/auth/token: trade an email and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from core import auth, db
from core.errors import ApiError
from core.schemas import ErrorSchema, TokenRequestSchema, TokenSchema

blueprint = Blueprint("auth", __name__, description="Sign in for a bearer token.")


@blueprint.post("/auth/token")
@blueprint.arguments(TokenRequestSchema)
@blueprint.response(200, TokenSchema)
@blueprint.alt_response(401, schema=ErrorSchema, description="Wrong email or password.")
def create_token(credentials: dict[str, Any]) -> dict[str, Any]:
    """Sign in; send the token as ``Authorization: Bearer <token>`` thereafter."""
    user = auth.authenticate(credentials["email"], credentials["password"])
    if user is None:
        raise ApiError(401, "invalid_credentials", "Wrong email or password.")
    token = auth.issue_token(user)
    db.session().commit()
    return {
        "token": token,
        "user": {"id": user.id, "role": user.role, "agency": user.agency_code, "email": user.email},
    }
