"""The demo city: its accounts from config/demo/accounts.toml, plus what each plugin adds."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import click
from sqlalchemy import func, select

from core import auth, db
from core.catalog import catalog, sync_catalog
from core.models import User
from core.plugins import Hooks


def demo_accounts() -> list[dict[str, Any]]:
    """The demo accounts of the agencies the loaded plugins register (an agency whose plugin is
    disabled has no staff to sign in as)."""
    text = resources.files("config").joinpath("demo/accounts.toml").read_text(encoding="utf-8")
    accounts: list[dict[str, Any]] = tomllib.loads(text)["account"]
    agencies = catalog().agencies
    return [account for account in accounts if account.get("agency", None) in (None, *agencies)]


def load_demo(hooks: Hooks) -> bool:
    """Load the demo city once, in one transaction; False if the database has users already."""
    session = db.session()
    sync_catalog(session, catalog())
    if session.scalar(select(func.count()).select_from(User)):
        return False
    for account in demo_accounts():
        auth.create_user(
            account["email"],
            account["password"],
            account["role"],
            account.get("agency"),
            account.get("name", ""),
        )
    session.flush()
    hooks.load_demo(session=session)
    session.commit()
    return True


def print_accounts() -> None:
    click.echo("\nDemo accounts (sign in at http://127.0.0.1:5000/login):")
    for account in demo_accounts():
        agency = f" {account['agency']}" if account.get("agency") else ""
        click.echo(
            f"  {account['role']:<9}{agency:<8} {account['email']:<32} {account['password']}"
        )
