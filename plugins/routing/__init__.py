"""Routing: every complaint to the agency that owns its category, with the reason in words."""

from __future__ import annotations

from core import hookimpl
from core.types import ComplaintDraft, RoutingDecision

RULE_CATEGORY_OWNER = "routing.category-owner"


@hookimpl
def route_complaint(draft: ComplaintDraft) -> RoutingDecision | None:
    if not draft.category_agency:
        return None
    return RoutingDecision(
        agency=draft.category_agency,
        rule=RULE_CATEGORY_OWNER,
        reason=f"{draft.category_name} → {draft.category_agency_name}: "
        "the agency responsible for this category.",
    )
