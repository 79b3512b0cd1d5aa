"""Routing rules: collected from plugins and config, ordered, evaluated, explained."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.catalog import Catalog
from core.types import ComplaintDraft, RoutingDecision, RoutingRule

RULE_FIELDS = (
    "name",
    "agency",
    "categories",
    "districts",
    "keywords",
    "hours",
    "priority",
    "unit",
    "involve",
)


@dataclass(frozen=True)
class Place:
    """Where a complaint is: the districts containing its point, most specific first."""

    districts: tuple[tuple[str, str], ...] = ()  # (code, name)

    @property
    def codes(self) -> set[str]:
        return {code for code, _name in self.districts}

    @property
    def most_specific(self) -> tuple[str, str] | None:
        return self.districts[0] if self.districts else None


@dataclass(frozen=True)
class Verdict:
    """One rule, tried on one complaint: did it hold, and if not, why not."""

    rule: RoutingRule
    matched: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "agency": self.rule.agency,
            "unit": self.rule.unit,
            "involve": list(self.rule.involve),
            "priority": self.rule.priority,
            "specificity": self.rule.specificity,
            "matched": self.matched,
            "reasons": list(self.reasons),
        }


def rule_from_config(entry: Mapping[str, Any]) -> RoutingRule:
    """An operator's rule from ``[[routing.rules]]`` in the config file."""
    unknown = set(entry) - set(RULE_FIELDS)
    if unknown or "name" not in entry or "agency" not in entry:
        raise RuntimeError(
            f"routing rule {entry.get('name', '?')!r} in config: needs name and agency, "
            f"knows only {', '.join(RULE_FIELDS)}; unknown: {sorted(unknown)}"
        )
    hours = entry.get("hours")
    return RoutingRule(
        name=entry["name"],
        agency=entry["agency"],
        categories=tuple(entry.get("categories", ())),
        districts=tuple(entry.get("districts", ())),
        keywords=tuple(entry.get("keywords", ())),
        hours=(int(hours[0]), int(hours[1])) if hours else None,
        priority=int(entry.get("priority", 0)),
        unit=entry.get("unit"),
        involve=tuple(entry.get("involve", ())),
    )


def ordered_rules(rules: Iterable[RoutingRule], catalog: Catalog) -> tuple[RoutingRule, ...]:
    """Check the rules against the catalogue, then put them in evaluation order."""
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise RuntimeError(f"two routing rules are named {rule.name!r}")
        seen.add(rule.name)
        for agency in (rule.agency, *rule.involve):
            if agency not in catalog.agencies:
                raise RuntimeError(f"routing rule {rule.name!r} names unknown agency {agency!r}")
        if rule.unit and catalog.agencies[rule.agency].unit(rule.unit) is None:
            raise RuntimeError(
                f"routing rule {rule.name!r}: {rule.agency} has no unit {rule.unit!r}"
            )
        unknown = [code for code in rule.categories if code not in catalog.categories]
        if unknown:
            raise RuntimeError(f"routing rule {rule.name!r} names unknown categories {unknown}")
        if rule.hours and not all(0 <= hour <= 24 for hour in rule.hours):
            raise RuntimeError(f"routing rule {rule.name!r}: hours must be within 0-24")
    return tuple(sorted(rules, key=lambda rule: (-rule.priority, -rule.specificity, rule.name)))


def try_rule(rule: RoutingRule, draft: ComplaintDraft, place: Place, now: datetime) -> Verdict:
    reasons = []
    if rule.categories and draft.category not in rule.categories:
        reasons.append(f"category {draft.category!r} is not one of {', '.join(rule.categories)}")
    if rule.districts and not place.codes & set(rule.districts):
        where = ", ".join(sorted(place.codes)) or "no known district"
        reasons.append(f"the point is in {where}, not in {', '.join(rule.districts)}")
    if rule.keywords:
        text = draft.description.casefold()
        if not any(keyword.casefold() in text for keyword in rule.keywords):
            reasons.append(f"the description has none of {', '.join(rule.keywords)}")
    if rule.hours and not _within_hours(now.hour, rule.hours):
        start, end = rule.hours
        reasons.append(f"{now:%H:%M} is outside {start:02d}:00-{end:02d}:00")
    return Verdict(rule, matched=not reasons, reasons=tuple(reasons))


def _within_hours(hour: int, window: tuple[int, int]) -> bool:
    start, end = window
    if start <= end:
        return start <= hour < end
    return hour >= start or hour < end


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its conditions as sets, for deciding fast; ``try_rule`` explains in words.

    ``holds`` must agree with ``try_rule(...).matched`` for the rule's categories
    (a test keeps them in step).
    """

    rule: RoutingRule
    districts: frozenset[str]
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, rule: RoutingRule) -> CompiledRule:
        keywords = tuple(keyword.casefold() for keyword in rule.keywords)
        return cls(rule, frozenset(rule.districts), keywords)

    def holds(self, codes: set[str], text: str, hour: int) -> bool:
        if self.districts and self.districts.isdisjoint(codes):
            return False
        if self.keywords and not any(keyword in text for keyword in self.keywords):
            return False
        return not self.rule.hours or _within_hours(hour, self.rule.hours)


class RoutingEngine:
    """The ordered rules and how to find a point's districts."""

    def __init__(self, rules: tuple[RoutingRule, ...], locate: Callable[[float, float], Place]):
        self.rules = rules
        self.locate = locate
        # Most rules name categories: intake tries only those that can hold for its category.
        categories = {code for rule in rules for code in rule.categories}
        compiled = [CompiledRule.of(rule) for rule in rules]
        self._rules_by_category = {
            code: tuple(
                item
                for item in compiled
                if not item.rule.categories or code in item.rule.categories
            )
            for code in categories
        }
        self._rules_for_any_category = tuple(item for item in compiled if not item.rule.categories)

    def explain(self, draft: ComplaintDraft, now: datetime) -> tuple[Place, list[Verdict]]:
        """Where the point is, and every rule tried on the complaint, in order."""
        place = self.locate(draft.lat, draft.lon)
        return place, [try_rule(rule, draft, place, now) for rule in self.rules]

    def decide(
        self, draft: ComplaintDraft, now: datetime, catalog: Catalog
    ) -> RoutingDecision | None:
        """The decision of the first rule that holds; None when none does."""
        place = self.locate(draft.lat, draft.lon)
        candidates = self._rules_by_category.get(draft.category, self._rules_for_any_category)
        codes, text = place.codes, draft.description.casefold()
        for candidate in candidates:
            if candidate.holds(codes, text, now.hour):
                return decision_for(candidate.rule, draft, place, catalog)
        return None


def decision_for(
    rule: RoutingRule, draft: ComplaintDraft, place: Place, catalog: Catalog
) -> RoutingDecision:
    """The decision, with the line a resident reads; it is kept with the complaint, so it is
    made of names and signs only, read alike in every language."""
    district = place.most_specific
    where = f" · {district[1]}" if district else ""
    agency = catalog.agencies[rule.agency]
    unit = agency.unit(rule.unit) if rule.unit else None
    owner = f"{agency.name} ({unit.name})" if unit else agency.name
    also = [catalog.agencies[code].name for code in rule.involve]
    with_others = f" + {', '.join(also)}" if also else ""
    category = draft.category_name or draft.category
    return RoutingDecision(
        agency=rule.agency,
        rule=rule.name,
        reason=f"{category}{where} → {owner}{with_others} ({rule.name})",
        district=district[0] if district else None,
        unit=rule.unit,
        involved=rule.involve,
    )
