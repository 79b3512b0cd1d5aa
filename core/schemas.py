"""Marshmallow schemas of the API: what comes in is validated here, what goes out is shaped here."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from core.models import STATUSES
from core.types import ROLES


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    invalid_fields = fields.Dict(
        data_key="fields", metadata={"description": "field name -> its problems"}
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


# --- auth ------------------------------------------------------------------------------------


class TokenRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class UserSummarySchema(Schema):
    id = fields.Integer()
    role = fields.String(validate=validate.OneOf(ROLES))
    agency = fields.String(allow_none=True)
    email = fields.String()


class TokenSchema(Schema):
    token = fields.String(required=True)
    user = fields.Nested(UserSummarySchema, required=True)


# --- catalogue -------------------------------------------------------------------------------


class AgencySchema(Schema):
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    description = fields.String()
    external = fields.Boolean()


class CategorySchema(Schema):
    code = fields.String()
    agency = fields.String()
    name_id = fields.String()
    name_en = fields.String()
    group = fields.String()
    keywords = fields.List(fields.String())
    public = fields.Boolean()
    urgent = fields.Boolean()
    sla_acknowledge_minutes = fields.Integer()
    sla_resolve_hours = fields.Integer()
    attributes = fields.List(fields.Dict())


class PluginSchema(Schema):
    name = fields.String()
    version = fields.String()
    hooks = fields.List(fields.String())
    routes = fields.List(fields.String())


# --- complaints in ---------------------------------------------------------------------------


class ComplaintCreateSchema(Schema):
    """A new complaint, as JSON or as multipart form fields (photos as ``photo`` files)."""

    class Meta:
        unknown = RAISE

    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    description = fields.String(required=True, validate=validate.Length(min=3, max=5000))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    address = fields.String(load_default=None, validate=validate.Length(max=500))
    anonymous = fields.Boolean(load_default=False)
    contact_name = fields.String(load_default=None, validate=validate.Length(max=200))
    contact_email = fields.Email(load_default=None)
    contact_phone = fields.String(load_default=None, validate=validate.Length(max=40))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @pre_load
    def _decode_form_attributes(self, data: Any, **_kwargs: Any) -> Any:
        """Multipart forms carry ``attributes`` as a JSON string."""
        if isinstance(data, dict) and isinstance(data.get("attributes"), str):
            try:
                data = {**data, "attributes": json.loads(data["attributes"])}
            except json.JSONDecodeError as error:
                raise ValidationError("Not valid JSON.", "attributes") from error
        return data


class ComplaintUpdateSchema(Schema):
    """A status change and/or a note; or a location correction (lat and lon), which re-routes."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    note = fields.String(validate=validate.Length(min=1, max=5000))
    note_public = fields.Boolean(load_default=False)
    lat = fields.Float(validate=validate.Range(min=-90, max=90))
    lon = fields.Float(validate=validate.Range(min=-180, max=180))
    address = fields.String(validate=validate.Length(max=500))

    @validates_schema
    def _one_kind_of_change(self, data: dict[str, Any], **_kwargs: Any) -> None:
        relocating = "lat" in data or "lon" in data
        if relocating and not ("lat" in data and "lon" in data):
            raise ValidationError("Give both lat and lon.", "lat" if "lon" in data else "lon")
        if relocating and "status" in data:
            raise ValidationError("Correct the location and the status separately.", "status")
        if not relocating and "status" not in data and "note" not in data:
            raise ValidationError("Give a status, a note, or both.", "status")


class ForwardSchema(Schema):
    agency = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ComplaintListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    bbox = fields.String(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    status = fields.String(metadata={"description": "one status or several, comma-separated"})
    agency = fields.String()
    category = fields.String()
    since = fields.AwareDateTime(
        format="iso", metadata={"description": "only complaints changed at or after"}
    )
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _check_bbox(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "bbox" in data:
            data["bbox"] = parse_bbox(data["bbox"])
        if "status" in data:
            statuses = [item.strip() for item in data["status"].split(",") if item.strip()]
            unknown = [item for item in statuses if item not in STATUSES]
            if unknown or not statuses:
                raise ValidationError(f"Unknown status; one of {', '.join(STATUSES)}.", "status")
            data["status"] = statuses


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in raw.split(","))
    except ValueError as error:
        raise ValidationError("Four numbers: minlon,minlat,maxlon,maxlat.", "bbox") from error
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError("Corners out of range or in the wrong order.", "bbox")
    return min_lon, min_lat, max_lon, max_lat


# --- complaints out --------------------------------------------------------------------------


class RoutingSchema(Schema):
    agency = fields.String()
    rule = fields.String()
    reason = fields.String()
    district = fields.String(allow_none=True)


class PhotoSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    thumbnail_url = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    content_type = fields.String()


class EventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    at = fields.DateTime(format="iso")
    actor_role = fields.String()
    actor_id = fields.Integer(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    from_agency = fields.String(allow_none=True)
    to_agency = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    public = fields.Boolean()


class ReporterSchema(Schema):
    user_id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class ComplaintSchema(Schema):
    """A complaint as the API, the live feed and the pages show it.

    ``reporter`` is present only for the complaint's agency staff, admins
    and the reporter; ``history`` only on the single-complaint view.
    """

    id = fields.Integer()
    category = fields.String()
    category_name = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    address = fields.String(allow_none=True)
    status = fields.String()
    agency = fields.String()
    routing = fields.Nested(RoutingSchema)
    public = fields.Boolean()
    anonymous = fields.Boolean()
    attributes = fields.Dict()
    photos = fields.List(fields.Nested(PhotoSchema))
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")
    reporter = fields.Nested(ReporterSchema)
    history = fields.List(fields.Nested(EventSchema))
    extra = fields.Dict()


class ComplaintPageSchema(Schema):
    items = fields.List(fields.Nested(ComplaintSchema))
    next_cursor = fields.String(allow_none=True)
