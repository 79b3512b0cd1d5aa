"""Services: the catalogue's categories as Open311 service types, their definitions (the
categories' extra questions), and the changeset that tells clients to refresh them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask_babel import get_locale, gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import db
from core.catalog import catalog
from core.models import utcnow
from core.types import CategorySpec
from plugins.open311.models import ServicesChangeset

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def offered_categories(with_key: bool) -> list[CategorySpec]:
    """The categories Open311 offers: confidential ones (the police's) only to key holders."""
    return [category for category in catalog().categories.values() if category.public or with_key]


def offered_category(code: str, with_key: bool) -> CategorySpec | None:
    category = catalog().categories.get(code)
    if category is None or not (category.public or with_key):
        return None
    return category


def in_english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def service_name(category: CategorySpec) -> str:
    return category.name_en if in_english() else category.name_id


def service_names() -> dict[str, str]:
    """Every category's name in the caller's language, by code (one lookup per list row)."""
    english = in_english()
    return {
        code: category.name_en if english else category.name_id
        for code, category in catalog().categories.items()
    }


def service(category: CategorySpec) -> dict[str, Any]:
    agency = catalog().agencies[category.agency]
    return {
        "service_code": category.code,
        "service_name": service_name(category),
        "description": gettext("Handled by %(agency)s.", agency=agency.name),
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ", ".join(category.keywords),
        "group": category.group or agency.name,
    }


def service_definition(category: CategorySpec) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            _attribute(question, order)
            for order, question in enumerate(category.attributes, start=1)
        ],
    }


def _attribute(question: dict[str, Any], order: int) -> dict[str, Any]:
    datatype = question.get("datatype", "string")
    values = [_value(value) for value in question.get("values", [])]
    label = question.get("label") or question["code"]
    return {
        "variable": True,
        "code": question["code"],
        "datatype": datatype,
        "required": bool(question.get("required")),
        "datatype_description": question.get("datatype_description"),
        "order": order,
        "description": gettext(label),
        "values": values,
    }


def _value(value: Any) -> dict[str, str]:
    """A list's option as {key, name}: categories give dicts, or plain values that are both."""
    if isinstance(value, dict):
        key = value.get("key")
        return {"key": str(key), "name": gettext(str(value.get("name", key)))}
    return {"key": str(value), "name": gettext(str(value))}


def changeset() -> datetime:
    """When the services came to look as they look now; stored, so every process agrees.

    A look seen before a change and back again counts from its return: the changeset only
    moves forward."""
    fingerprint = _services_fingerprint()
    session = db.session()
    latest = session.scalars(
        select(ServicesChangeset).order_by(ServicesChangeset.seen_at.desc()).limit(1)
    ).first()
    if latest is not None and latest.fingerprint == fingerprint:
        return latest.seen_at
    now = utcnow()
    returned = session.execute(
        update(ServicesChangeset)
        .where(ServicesChangeset.fingerprint == fingerprint, ServicesChangeset.seen_at < now)
        .values(seen_at=now)
    )
    if returned.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ServicesChangeset(fingerprint=fingerprint, seen_at=now))
    try:
        session.commit()
    except IntegrityError:
        # Another process stored this look a moment ago: its time stands.
        session.rollback()
    stored = session.scalar(
        select(ServicesChangeset.seen_at).where(ServicesChangeset.fingerprint == fingerprint)
    )
    assert stored is not None
    return stored


def _services_fingerprint() -> str:
    """Everything the service list and definitions show, and nothing else (SLA figures)."""
    agencies = {code: agency.name for code, agency in catalog().agencies.items()}
    shown = ("code", "agency", "name_id", "name_en", "public", "group", "keywords", "attributes")
    categories = [
        {name: value for name, value in asdict(category).items() if name in shown}
        for category in catalog().categories.values()
    ]
    canonical = json.dumps([agencies, categories], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
