"""The catalogue: the agencies and categories the plugins register, in memory and in the database.

Requests read the in-memory catalogue (it is code, identical in every process);
the database keeps a copy for foreign keys and SQL reporting, synced at start-up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import Agency, Category
from core.plugins import Hooks
from core.types import AgencySpec, CategorySpec, ComplaintDraft

Spec = TypeVar("Spec", AgencySpec, CategorySpec)


@dataclass(frozen=True)
class Catalog:
    agencies: dict[str, AgencySpec]
    categories: dict[str, CategorySpec]

    def draft(
        self,
        category: CategorySpec,
        description: str,
        point: tuple[float, float],
        reported_at: datetime,
        address: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> ComplaintDraft:
        """A would-be complaint as routing hooks see it, with the catalogue's names filled in."""
        return ComplaintDraft(
            category=category.code,
            description=description,
            lat=point[0],
            lon=point[1],
            address=address,
            category_name=category.name_id,
            category_agency=category.agency,
            category_agency_name=self.agencies[category.agency].name,
            attributes=attributes or {},
            reported_at=reported_at,
        )

    def category_names(self, code: str) -> dict[str, str]:
        """Indonesian and English names; a category no plugin registers any more keeps its code."""
        category = self.categories.get(code)
        if category is None:
            return {"id": code, "en": code}
        return {"id": category.name_id, "en": category.name_en}


def build_catalog(hooks: Hooks, sla_overrides: Mapping[str, Mapping[str, int]]) -> Catalog:
    """Every plugin's agencies and categories, checked for duplicates and unknown owners.

    Each category's SLA is settled here: the operator's ``[sla.<category>]``,
    else the category's own figures, else its agency's.
    """
    agencies = _by_code(hooks.register_agencies(), "agency")
    categories = _by_code(hooks.register_categories(), "category")
    for category in categories.values():
        if category.agency not in agencies:
            raise RuntimeError(
                f"category {category.code!r} belongs to unregistered agency {category.agency!r}"
            )
    unknown = set(sla_overrides) - set(categories)
    if unknown:
        raise RuntimeError(f"[sla] in config names unknown categories {sorted(unknown)}")
    settled = {
        code: _with_sla(category, agencies[category.agency], sla_overrides.get(code, {}))
        for code, category in categories.items()
    }
    return Catalog(agencies, settled)


def _with_sla(
    category: CategorySpec, agency: AgencySpec, override: Mapping[str, int]
) -> CategorySpec:
    acknowledge = override.get("acknowledge_minutes", category.sla_acknowledge_minutes)
    resolve = override.get("resolve_hours", category.sla_resolve_hours)
    return dataclasses.replace(
        category,
        sla_acknowledge_minutes=agency.sla_acknowledge_minutes
        if acknowledge is None
        else acknowledge,
        sla_resolve_hours=agency.sla_resolve_hours if resolve is None else resolve,
    )


def _by_code(specs: list[Spec], kind: str) -> dict[str, Spec]:
    by_code: dict[str, Spec] = {}
    for spec in specs:
        if spec.code in by_code:
            raise RuntimeError(f"two plugins register the {kind} {spec.code!r}")
        by_code[spec.code] = spec
    return by_code


def catalog() -> Catalog:
    """The current app's catalogue."""
    found: Catalog = current_app.extensions["smartcity.catalog"]
    return found


def sync_catalog(session: Session, catalog: Catalog) -> None:
    """Upsert the catalogue into the database; deactivate categories no plugin registers.

    Categories are never deleted: old complaints keep pointing at them.
    """
    for agency in catalog.agencies.values():
        values = dataclasses.asdict(agency)
        values["units"] = list(values["units"])
        session.merge(Agency(**values))
    session.flush()
    for category in catalog.categories.values():
        values = dataclasses.asdict(category)
        values["agency_code"] = values.pop("agency")
        values.pop("call_now")  # shown to reporters, never queried: read from the plugin
        values["keywords"] = list(values["keywords"])
        values["attributes"] = list(values["attributes"])
        session.merge(Category(**values, active=True))
    session.execute(
        update(Category).where(Category.code.not_in(catalog.categories)).values(active=False)
    )
    session.commit()
