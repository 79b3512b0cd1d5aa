"""Bring the database's agencies and categories in line with what the plugins register."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import Agency, Category
from core.plugins import Hooks


def collect_catalog(hooks: Hooks) -> tuple[list[Any], list[Any]]:
    """Every plugin's agencies and categories, checked for duplicates and unknown owners."""
    agencies = hooks.register_agencies()
    categories = hooks.register_categories()
    agency_codes = _unique([agency.code for agency in agencies], "agency")
    _unique([category.code for category in categories], "category")
    for category in categories:
        if category.agency not in agency_codes:
            raise RuntimeError(
                f"category {category.code!r} belongs to unregistered agency {category.agency!r}"
            )
    return agencies, categories


def _unique(codes: list[str], kind: str) -> set[str]:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise RuntimeError(f"two plugins register the {kind} {code!r}")
        seen.add(code)
    return seen


def sync_catalog(session: Session, hooks: Hooks) -> None:
    """Upsert registered agencies and categories; deactivate categories no plugin registers.

    Categories are never deleted: old complaints keep pointing at them.
    """
    agencies, categories = collect_catalog(hooks)
    for spec in agencies:
        session.merge(Agency(**dataclasses.asdict(spec)))
    session.flush()
    for spec in categories:
        values = dataclasses.asdict(spec)
        values["agency_code"] = values.pop("agency")
        values["keywords"] = list(values["keywords"])
        values["attributes"] = list(values["attributes"])
        session.merge(Category(**values, active=True))
    registered = [spec.code for spec in categories]
    session.execute(update(Category).where(Category.code.not_in(registered)).values(active=False))
    session.commit()
