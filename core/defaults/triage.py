"""The city's triage queue: the agency of last resort, so no complaint goes nowhere."""

from __future__ import annotations

from core import hookimpl
from core.types import TRIAGE_AGENCY, AgencySpec, ComplaintDraft, RoutingDecision


@hookimpl(trylast=True)
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=TRIAGE_AGENCY,
            name="Triase Kota (City triage)",
            short_name="Triase",
            description="Complaints no rule routed wait here for a city administrator.",
        )
    ]


@hookimpl(trylast=True)
def route_complaint(draft: ComplaintDraft) -> RoutingDecision:
    return RoutingDecision(
        agency=TRIAGE_AGENCY,
        rule="core.triage",
        reason=f"No routing rule matched category {draft.category!r}; "
        "the city's triage team will assign it.",
    )
