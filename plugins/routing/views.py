"""POST /api/v1/routing/explain: the decision for a would-be complaint and every rule considered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates

from core.auth import require_roles
from core.catalog import catalog
from core.plugins import hooks
from core.schemas import RoutingSchema
from plugins.routing.state import routing_state

api = Blueprint("routing", __name__, description="Routing decisions, explained.")


class ExplainRequestSchema(Schema):
    category = fields.String(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    at = fields.AwareDateTime(format="iso", metadata={"description": "when; default now"})

    @validates("category")
    def _known_category(self, value: str, **_kwargs: Any) -> None:
        if value not in catalog().categories:
            raise ValidationError(f"Unknown category {value!r}.")


class VerdictSchema(Schema):
    rule = fields.String()
    agency = fields.String()
    unit = fields.String(allow_none=True)
    priority = fields.Integer()
    specificity = fields.Integer()
    matched = fields.Boolean()
    reasons = fields.List(fields.String())


class ExplanationSchema(Schema):
    decision = fields.Nested(RoutingSchema)
    triage = fields.Boolean(metadata={"description": "no rule held: the city's triage queue"})
    districts = fields.List(fields.Dict(), metadata={"description": "most specific first"})
    at = fields.String()
    rules = fields.List(fields.Nested(VerdictSchema))


@api.post("/explain")
@api.arguments(ExplainRequestSchema)
@api.response(200, ExplanationSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def explain(request: dict[str, Any]) -> dict[str, Any]:
    """Route a would-be complaint without storing it: the decision and every rule, in order."""
    category = catalog().categories[request["category"]]
    state = routing_state()
    at: datetime = (request.get("at") or state.now()).astimezone(state.timezone)
    point = (request["lat"], request["lon"])
    draft = catalog().draft(category, request["description"], point, at)
    place, verdicts = state.engine.explain(draft, at)
    decision = hooks().route_complaint(draft=draft)
    return {
        "decision": decision,
        "triage": decision.rule == "core.triage",
        "districts": [{"code": code, "name": name} for code, name in place.districts],
        "at": at.isoformat(),
        "rules": [verdict.as_dict() for verdict in verdicts],
    }
