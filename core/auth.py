"""Users, passwords, bearer tokens and who the current request's actor is."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request, session
from sqlalchemy import bindparam, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from core import db
from core.errors import ApiError
from core.models import ApiToken, User, utcnow
from core.types import ANONYMOUS, ROLES, Actor

F = TypeVar("F", bound=Callable[..., Any])
SESSION_TOKEN_KEY = "api_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    email: str, password: str, role: str, agency: str | None = None, display_name: str = ""
) -> User:
    """Add a user to the current session (the caller commits)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role in ("officer", "staff", "head") and not agency:
        raise ValueError(f"a {role} belongs to an agency")
    if len(password) < 8:
        raise ValueError("a password has at least 8 characters")
    user = User(
        email=email.strip().lower(),
        password_hash=generate_password_hash(password),
        role=role,
        agency_code=agency,
        display_name=display_name or email.split("@")[0],
    )
    db.session().add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = db.session().scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def issue_token(user: User) -> str:
    """Create a bearer token for a user; only its hash is kept (the caller commits)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["SMARTCITY"]["token_lifetime_days"])
    db.session().add(
        ApiToken(token_hash=hash_token(token), user_id=user.id, expires_at=utcnow() + lifetime)
    )
    return token


def revoke_token(token: str) -> None:
    """Forget a token (sign-out); the caller commits."""
    db.session().execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(token)))


# Every API request asks this: one row of plain columns through the connection, with the
# statement built once (an ORM query building two objects cost half a position ping).
TOKEN_OWNER = (
    select(User.id, User.role, User.agency_code, User.email, ApiToken.expires_at)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), User.active.is_(True))
)


def actor_for_token(token: str | None) -> Actor:
    if not token:
        return ANONYMOUS
    connection = db.session().connection()
    row = connection.execute(TOKEN_OWNER, {"token_hash": hash_token(token)}).first()
    if row is None or row.expires_at < utcnow():
        return ANONYMOUS
    return Actor(user_id=row.id, role=row.role, agency=row.agency_code, email=row.email)


def actor_for_user(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, agency=user.agency_code, email=user.email)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_actor() -> Actor:
    """The actor of this request: from the bearer token, else the signed session; cached."""
    if "actor" not in g:
        token = bearer_token()
        if token is not None:
            actor = actor_for_token(token)
            if actor.is_anonymous:
                raise ApiError(401, "invalid_token", "The token is unknown or has expired.")
        elif request.path.startswith("/api/") and request.method not in SAFE_METHODS:
            # The API's writes take a bearer token only: a cookie would make them forgeable
            # by other sites (CSRF). Pages hand their scripts the token instead.
            actor = ANONYMOUS
        else:
            actor = actor_for_token(session.get(SESSION_TOKEN_KEY))
        g.actor = actor
    return cast(Actor, g.actor)


def require_roles(*roles: str) -> Callable[[F], F]:
    """Refuse the view with 401 to anonymous callers and 403 to other roles."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if actor.is_anonymous:
                raise ApiError(401, "unauthorized", "Sign in first.")
            if roles and actor.role not in roles:
                raise ApiError(403, "forbidden", "Your role may not do this.")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
