"""Marshmallow schemas of the flood API: its query and its answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.public_works.settings import MAX_FLOOD_HOURS


class FloodArgsSchema(Schema):
    hours = fields.Integer(
        validate=validate.Range(min=1, max=MAX_FLOOD_HOURS),
        metadata={
            "description": "the reports of this many last hours, 1 to 72; default "
            "[public_works] flood_hours (6)"
        },
    )


class FloodSchema(Schema):
    id = fields.Integer()
    lat = fields.Float()
    lon = fields.Float()
    address = fields.String(allow_none=True)
    depth_cm = fields.Float(
        allow_none=True, metadata={"description": "the water's depth the reporter gave; null"}
    )
    status = fields.String()
    created_at = fields.String(metadata={"description": "ISO 8601"})


class FloodWindowSchema(Schema):
    hours = fields.Integer()
    since = fields.String(metadata={"description": "ISO 8601"})
    until = fields.String(metadata={"description": "ISO 8601"})


class FloodsSchema(Schema):
    window = fields.Nested(FloodWindowSchema)
    floods = fields.List(fields.Nested(FloodSchema))
