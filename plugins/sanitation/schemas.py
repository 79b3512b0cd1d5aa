"""Marshmallow schemas of the hot-spot API: its query and its answer."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from plugins.sanitation.hotspots import monday_of

MAX_DAYS = 92
MAX_HOT_SPOTS = 500


def translatable(text: str) -> str:
    """Mark a message for the plugin's catalogue (babel.cfg names this function); the API's
    error handler translates it where it is shown."""
    return text


BOTH_WINDOWS = translatable("Give a week or a number of days, not both.")
WEEK_FORMAT = translatable("Not a week of the calendar; write it as 2026-W48.")


class HotSpotArgsSchema(Schema):
    week = fields.String(
        metadata={
            "description": "an ISO week of the city's calendar (Monday to Sunday, local time), "
            "such as 2026-W48; default: the current week"
        }
    )
    days = fields.Integer(
        validate=validate.Range(min=1, max=MAX_DAYS),
        metadata={"description": "instead of a week: the last this many days up to now"},
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=MAX_HOT_SPOTS),
        metadata={"description": "at most this many hot spots, the highest ranked"},
    )

    @validates("week")
    def _an_iso_week(self, value: str, **_kwargs: Any) -> None:
        try:
            monday_of(value)
        except ValueError as error:
            raise ValidationError(WEEK_FORMAT) from error

    @validates_schema
    def _one_window(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "week" in data and "days" in data:
            raise ValidationError(BOTH_WINDOWS, "days")


class AreaSchema(Schema):
    kind = fields.String(metadata={"description": "district, or cell (a grid square)"})
    code = fields.String(metadata={"description": "the district's code, or cell:<row>:<column>"})
    name = fields.String(
        allow_none=True,
        metadata={
            "description": "the district's name as a plugin names it (the routing plugin, from "
            "its districts), else its code; null for a grid square"
        },
    )
    bounds = fields.List(
        fields.List(fields.Float()),
        allow_none=True,
        metadata={"description": "a grid square's [[south, west], [north, east]]; else null"},
    )


class HotSpotSchema(Schema):
    rank = fields.Integer(metadata={"description": "equal counts share a rank"})
    area = fields.Nested(AreaSchema)
    count = fields.Integer(metadata={"description": "complaints in the window"})
    previous_count = fields.Integer(
        metadata={"description": "complaints in the window of the same length before it"}
    )
    change = fields.Integer(metadata={"description": "count - previous_count"})
    lat = fields.Float(metadata={"description": "the centroid of the window's complaints"})
    lon = fields.Float()
    latest_at = fields.DateTime(format="iso")


class HotSpotWindowSchema(Schema):
    week = fields.String(allow_none=True)
    days = fields.Integer(allow_none=True)
    since = fields.DateTime(format="iso")
    until = fields.DateTime(format="iso")
    previous_since = fields.DateTime(format="iso")
    timezone = fields.String()


class HotSpotsSchema(Schema):
    window = fields.Nested(HotSpotWindowSchema)
    categories = fields.List(fields.String())
    min_complaints = fields.Integer(
        metadata={"description": "an area is a hot spot from this many complaints"}
    )
    cell_size_m = fields.Float(
        metadata={"description": "the side of a grid square (complaints in no known district)"}
    )
    hot_spots = fields.List(fields.Nested(HotSpotSchema))
