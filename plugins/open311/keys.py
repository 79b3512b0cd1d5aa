"""Open311 clients' API keys: created (shown once), revoked, listed, and checked on requests."""

from __future__ import annotations

import hashlib
import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import db
from core.catalog import catalog
from core.models import User, utcnow
from core.types import Actor
from plugins.open311.models import ApiKey

SYSTEM_ROLE = "staff"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def active_key(key: str | None) -> ApiKey | None:
    """The unrevoked key a client sent, or None."""
    if not key:
        return None
    return db.session().scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    )


def system_actor(key: ApiKey) -> Actor:
    """Who an agency's system acts as: its key's account, staff of that agency."""
    return Actor(
        user_id=key.user_id, role=SYSTEM_ROLE, agency=key.agency_code, email=f"open311:{key.name}"
    )


def create_key(session: Session, name: str, agency: str | None) -> str:
    """Add a key (and, for an agency's system, the account it acts as); returns the key.
    The caller commits."""
    key = secrets.token_urlsafe(32)
    user_id = None
    if agency is not None:
        account = User(
            email=f"open311-{secrets.token_hex(8)}@open311.invalid",
            # No password hash: no one can sign in as an agency's system.
            password_hash="!",
            role=SYSTEM_ROLE,
            agency_code=agency,
            display_name=f"Open311: {name}",
            active=False,
        )
        session.add(account)
        session.flush()
        user_id = account.id
    session.add(ApiKey(name=name, key_hash=hash_key(key), agency_code=agency, user_id=user_id))
    session.flush()
    return key


@click.group("open311", help="Open311 GeoReport v2.")
def open311_group() -> None:
    """Open311 GeoReport v2."""


@open311_group.group("keys")
def keys_group() -> None:
    """API keys of Open311 clients (apps) and of agencies' own systems."""


@keys_group.command("create")
@click.option("--name", required=True, help="who holds the key (unique)")
@click.option("--agency", default=None, help="agency code: the key may post that agency's updates")
@with_appcontext
def create_command(name: str, agency: str | None) -> None:
    """Create a key; it is printed once, alone on the last line."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("1 to 100 characters", param_hint="--name")
    if agency is not None and agency not in catalog().agencies:
        raise click.BadParameter(f"unknown agency {agency!r}", param_hint="--agency")
    session = db.session()
    try:
        key = create_key(session, name, agency)
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise click.UsageError(f"a key named {name!r} exists already") from error
    holder = f"{name} ({agency})" if agency else name
    click.echo(f"created the Open311 key of {holder}; it is shown only now:")
    click.echo(key)


@keys_group.command("revoke")
@click.option("--name", required=True)
@with_appcontext
def revoke_command(name: str) -> None:
    """Revoke a key: it is refused from now on."""
    session = db.session()
    key = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise click.UsageError(f"no key named {name!r}")
    if key.revoked_at is not None:
        click.echo(f"the key {name!r} was revoked already, at {key.revoked_at.isoformat()}")
        return
    key.revoked_at = utcnow()
    session.commit()
    click.echo(f"revoked the key {name!r}")


@keys_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every key's name, agency, creation and revocation (never the key itself)."""
    keys = db.session().scalars(select(ApiKey).order_by(ApiKey.name))
    found = False
    for key in keys:
        found = True
        revoked = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "active"
        created = f"created {key.created_at.isoformat()}"
        click.echo(f"{key.name}\t{key.agency_code or '-'}\t{created}\t{revoked}")
    if not found:
        click.echo("no Open311 keys yet: smartcity open311 keys create --name NAME")
