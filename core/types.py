"""Plain data classes exchanged between core and plugins through hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLES = ("resident", "officer", "staff", "head", "admin")
STAFF_ROLES = ("staff", "head", "admin")

TRIAGE_AGENCY = "triage"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or an anonymous visitor (``user_id`` None)."""

    user_id: int | None = None
    role: str = "anonymous"
    agency: str | None = None
    email: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_staff(self) -> bool:
        """Staff, heads and admins work complaints at a console."""
        return self.role in STAFF_ROLES

    @property
    def label(self) -> str:
        return self.email or "anonymous"


ANONYMOUS = Actor()
# smartcity itself, acting on a schedule: SLA breaches, escalations, auto-closing.
SYSTEM = Actor(role="system", email="smartcity")


@dataclass(frozen=True)
class UnitSpec:
    """A sub-unit of an agency (a district office, a field team) complaints can be disposed to."""

    code: str
    name: str


@dataclass(frozen=True)
class AgencySpec:
    """An agency a plugin contributes; ``code`` is its stable identifier.

    ``external`` marks bodies outside the city government (a water utility)
    that complaints can still be forwarded to. The SLA figures are the
    defaults for the agency's categories that set none of their own.
    """

    code: str
    name: str
    short_name: str = ""
    description: str = ""
    external: bool = False
    units: tuple[UnitSpec, ...] = ()
    sla_acknowledge_minutes: int = 60
    sla_resolve_hours: int = 72

    def unit(self, code: str) -> UnitSpec | None:
        return next((unit for unit in self.units if unit.code == code), None)


@dataclass(frozen=True)
class CallNow:
    """A telephone line the reporter should call at once, such as the police's emergency number."""

    number: str
    label: str = ""  # the words of the call button; empty: "Call <number> now", translated


@dataclass(frozen=True)
class CategorySpec:
    """A complaint category a plugin contributes.

    ``attributes`` are extra questions shown on the report form, each a dict
    with ``code``, ``label``, ``datatype`` (string, number, text, datetime,
    singlevaluelist, multivaluelist), ``required`` and optional ``values``.
    SLA figures left None take the agency's (the operator may override both in
    ``[sla.<category>]``). ``public`` False makes every report confidential.
    ``field_work`` complaints need an after-photo to be resolved. Open
    complaints of the category within ``duplicate_radius_m`` reported in the
    last ``duplicate_window_hours`` are offered as likely duplicates.
    ``call_now`` is a line the reporter should call rather than wait (an emergency):
    the report form shows it as soon as the category is chosen, the complaint's page
    while the complaint is open. Give a ``CallNow``, or a function returning one when
    it is shown, so that it follows the plugin's settings (like click's callable
    defaults); ``current_call_now`` is the line as shown now.
    """

    code: str
    agency: str
    name_id: str
    name_en: str
    sla_acknowledge_minutes: int | None = None
    sla_resolve_hours: int | None = None
    public: bool = True
    urgent: bool = False
    group: str = ""
    keywords: tuple[str, ...] = ()
    attributes: tuple[dict[str, Any], ...] = ()
    field_work: bool = True
    duplicate_radius_m: int = 50
    duplicate_window_hours: int = 168
    call_now: CallNow | Callable[[], CallNow | None] | None = None

    @property
    def current_call_now(self) -> CallNow | None:
        return self.call_now() if callable(self.call_now) else self.call_now


@dataclass(frozen=True)
class ComplaintDraft:
    """A complaint about to be stored: what routing hooks decide on."""

    category: str
    description: str
    lat: float
    lon: float
    address: str | None = None
    category_name: str = ""
    category_agency: str | None = None
    category_agency_name: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    reported_at: datetime | None = None  # None: now


@dataclass(frozen=True)
class RoutingDecision:
    """Which agency owns a complaint, by which rule, and why, in words a resident reads."""

    agency: str
    rule: str
    reason: str
    district: str | None = None
    unit: str | None = None
    involved: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutingRule:
    """A routing rule: when every condition given holds, the complaint goes to ``agency``.

    An empty condition always holds. ``districts`` are district codes of any
    level; ``keywords`` match case-insensitively anywhere in the description
    (any one suffices); ``hours`` is a local time-of-day window
    ``(start, end)`` in whole hours, wrapping midnight when start > end.
    Rules are tried by ``priority`` (highest first), then by specificity (more
    conditions first), then by name; the first that holds decides. ``unit``
    names a sub-unit of the agency; ``involve`` lists further agencies that
    work the complaint beside the owner (see it, hear it live, add notes).
    """

    name: str
    agency: str
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hours: tuple[int, int] | None = None
    priority: int = 0
    unit: str | None = None
    involve: tuple[str, ...] = ()

    @property
    def specificity(self) -> int:
        conditions = (self.categories, self.districts, self.keywords, self.hours)
        return sum(1 for condition in conditions if condition)


@dataclass(frozen=True)
class Asset:
    """A piece of the city's infrastructure a complaint can be about: a streetlight, a drain, a
    bridge. ``id`` is unique among the assets of every plugin (prefix it with the kind, such as
    ``pju-0042``); ``lat``/``lon`` is where a report about it is placed (for a line, its point
    nearest to the question asked); ``distance_m`` is how far that is from the point asked
    about, None when no point was asked about."""

    id: str
    kind: str
    name: str
    lat: float
    lon: float
    distance_m: float | None = None

    def as_dict(self) -> dict[str, Any]:
        distance = None if self.distance_m is None else round(self.distance_m, 1)
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "distance_m": distance,
        }


@dataclass(frozen=True)
class CameraSighting:
    """A camera near a place, as the actor asking may see it: no source URLs. ``snapshot``
    is the API path of its latest frame (None for a camera without still frames); ``tags``
    are what its operators labelled it with (a traffic camera's operators tag what they see,
    such as ``macet``)."""

    id: str
    name: str
    lat: float
    lon: float
    status: str
    distance_m: float
    snapshot: str | None
    tags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "status": self.status,
            "distance_m": round(self.distance_m, 1),
            "snapshot": self.snapshot,
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class NavLink:
    """A link to a plugin's page in the site's navigation. ``roles`` empty: shown to everyone;
    ``agencies`` not empty: shown only to people of those agencies, and to the city's admins."""

    label: str
    path: str
    roles: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def shown_to(self, actor: Actor) -> bool:
        return _shown_to(actor, self.roles, self.agencies)


@dataclass(frozen=True)
class ConsolePanel:
    """A plugin's panel on the agency console, below the selected report: ``template`` is a
    template of one of the plugin's blueprints, rendered inside the console page (its context
    has ``actor``). ``roles`` and ``agencies`` as for ``NavLink``: empty, every console shows it;
    ``agencies`` not empty, only the consoles of those agencies' people and the city's admins."""

    template: str
    roles: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def shown_to(self, actor: Actor) -> bool:
        return _shown_to(actor, self.roles, self.agencies)


def _shown_to(actor: Actor, roles: tuple[str, ...], agencies: tuple[str, ...]) -> bool:
    if roles and actor.role not in roles:
        return False
    return not agencies or actor.role == "admin" or actor.agency in agencies
