"""Marshmallow schemas of the routing plugin's accountability figures and exports."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from core.schemas import ComplaintListArgsSchema


class StatsArgsSchema(Schema):
    since = fields.AwareDateTime(
        format="iso", metadata={"description": "reported at or after; default 30 days before until"}
    )
    until = fields.AwareDateTime(
        format="iso", metadata={"description": "reported before; default now"}
    )
    agency = fields.String(metadata={"description": "only this agency's complaints"})
    category = fields.String(metadata={"description": "only this category"})


class DashboardArgsSchema(Schema):
    """The dashboard's form: whole days of the city's calendar, both ends included."""

    class Meta:
        unknown = EXCLUDE

    since = fields.Date()
    until = fields.Date()
    agency = fields.String()
    category = fields.String()


class ExportArgsSchema(ComplaintListArgsSchema):
    """The filters of GET /api/v1/complaints; an export is whole, so no cursor and no limit."""

    class Meta(ComplaintListArgsSchema.Meta):
        exclude = ("cursor", "limit")


class WindowSchema(Schema):
    since = fields.DateTime(format="iso")
    until = fields.DateTime(format="iso")


class StatsFiltersSchema(Schema):
    agency = fields.String(allow_none=True)
    category = fields.String(allow_none=True)


class RankingSchema(Schema):
    formula = fields.String(metadata={"description": "how a unit's score is computed"})
    min_sample = fields.Integer(
        metadata={"description": "received complaints a unit needs before it is ranked"}
    )
    definitions = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "what each figure counts"},
    )


class UnitFiguresSchema(Schema):
    """One agency or one district (``code`` null: complaints in no known district)."""

    code = fields.String(allow_none=True)
    name = fields.String()
    received = fields.Integer()
    acknowledged = fields.Integer()
    acknowledge_due = fields.Integer()
    acknowledged_within_sla = fields.Integer()
    acknowledged_within_sla_rate = fields.Float(allow_none=True)
    resolved = fields.Integer()
    resolve_due = fields.Integer()
    resolved_within_sla = fields.Integer()
    resolved_within_sla_rate = fields.Float(allow_none=True)
    median_minutes_to_acknowledge = fields.Float(allow_none=True)
    median_hours_to_resolve = fields.Float(allow_none=True)
    reopened = fields.Integer()
    reopen_rate = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "why it is not ranked"})


class StatsSchema(Schema):
    window = fields.Nested(WindowSchema)
    filters = fields.Nested(StatsFiltersSchema)
    generated_at = fields.DateTime(format="iso")
    ranking = fields.Nested(RankingSchema)
    agencies = fields.List(fields.Nested(UnitFiguresSchema))
    districts = fields.List(fields.Nested(UnitFiguresSchema))
