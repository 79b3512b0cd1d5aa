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

from core.models import PRIVACY_LEVELS, STATUSES
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


class UnitSchema(Schema):
    code = fields.String()
    name = fields.String()


class AgencySchema(Schema):
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    description = fields.String()
    external = fields.Boolean(metadata={"description": "outside the city government"})
    units = fields.List(fields.Nested(UnitSchema))
    sla_acknowledge_minutes = fields.Integer()
    sla_resolve_hours = fields.Integer()


class CallNowSchema(Schema):
    number = fields.String(metadata={"description": "for a tel: link"})
    label = fields.String(
        metadata={"description": "the button's words; empty: 'Call <number> now'"}
    )


class CategorySchema(Schema):
    code = fields.String()
    agency = fields.String()
    name_id = fields.String()
    name_en = fields.String()
    group = fields.String()
    keywords = fields.List(fields.String())
    public = fields.Boolean()
    urgent = fields.Boolean(metadata={"description": "an emergency: the consoles sound an alarm"})
    sla_acknowledge_minutes = fields.Integer()
    sla_resolve_hours = fields.Integer()
    attributes = fields.List(fields.Dict())
    field_work = fields.Boolean(metadata={"description": "resolving needs an after-photo"})
    duplicate_radius_m = fields.Integer()
    duplicate_window_hours = fields.Integer()
    call_now = fields.Nested(
        CallNowSchema,
        attribute="current_call_now",
        allow_none=True,
        metadata={"description": "a line to call at once rather than wait (an emergency)"},
    )


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
    anonymous = fields.Boolean(
        load_default=False, metadata={"description": "the same as privacy=anonymous"}
    )
    privacy = fields.String(
        load_default=None,
        validate=validate.OneOf(PRIVACY_LEVELS),
        metadata={
            "description": "public (default); anonymous: public, the reporter not stored; "
            "confidential: seen only by the agency (police categories always are)"
        },
    )
    contact_name = fields.String(load_default=None, validate=validate.Length(max=200))
    contact_email = fields.Email(load_default=None)
    contact_phone = fields.String(load_default=None, validate=validate.Length(max=40))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    asset_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the asset it is about, from GET /api/v1/assets/nearby"},
    )

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
    """To another agency (coordination), or with only ``unit`` to one of its own (disposition)."""

    agency = fields.String(validate=validate.Length(min=1, max=40))
    unit = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))

    @validates_schema
    def _somewhere(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "agency" not in data and data.get("unit") is None:
            raise ValidationError("Give an agency, a unit, or both.", "agency")


class ComplaintListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    bbox = fields.String(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    status = fields.String(metadata={"description": "one status or several, comma-separated"})
    agency = fields.String()
    category = fields.String()
    district = fields.String(
        metadata={"description": "district (area) codes routing found, comma-separated"}
    )
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "words the description contains (case-insensitive)"},
    )
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
        if "district" in data:
            data["district"] = [
                item.strip() for item in data["district"].split(",") if item.strip()
            ]


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


class SlaSchema(Schema):
    acknowledge_due_at = fields.DateTime(format="iso", allow_none=True)
    expected_at = fields.DateTime(format="iso", allow_none=True)
    paused = fields.Boolean()
    overdue = fields.String(
        allow_none=True, metadata={"description": "the deadline missed: acknowledge or resolve"}
    )


class PhotoSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    thumbnail_url = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    content_type = fields.String()
    kind = fields.String(metadata={"description": "photo (the report) or after (proof of fix)"})
    captured_at = fields.DateTime(format="iso", allow_none=True)


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
    from_unit = fields.String(allow_none=True)
    to_unit = fields.String(allow_none=True)
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
    unit = fields.String(allow_none=True)
    involved = fields.List(fields.String(), metadata={"description": "agencies working beside"})
    routing = fields.Nested(RoutingSchema)
    privacy = fields.String()
    public = fields.Boolean()
    anonymous = fields.Boolean()
    sla = fields.Nested(SlaSchema)
    reopen_count = fields.Integer()
    rating = fields.Integer(allow_none=True)
    votes = fields.Integer(metadata={"description": "residents who said 'me too'"})
    voted = fields.Boolean(metadata={"description": "single view, signed in: you said it"})
    merged_into = fields.Integer(allow_none=True)
    attributes = fields.Dict()
    asset_id = fields.String(allow_none=True, metadata={"description": "the asset it is about"})
    asset = fields.Nested(
        "AssetSchema",
        allow_none=True,
        metadata={"description": "single view, with an asset_id: the asset (null: now unknown)"},
    )
    photos = fields.List(fields.Nested(PhotoSchema))
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")
    reporter = fields.Nested(ReporterSchema)
    history = fields.List(fields.Nested(EventSchema))
    extra = fields.Dict()


class ComplaintPageSchema(Schema):
    items = fields.List(fields.Nested(ComplaintSchema))
    next_cursor = fields.String(allow_none=True)


class DuplicateSchema(Schema):
    """A likely duplicate: enough to recognise it and open it ("me too"), nothing personal."""

    id = fields.Integer()
    category = fields.String()
    description = fields.String()
    status = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    created_at = fields.DateTime(format="iso")
    asset_id = fields.String(allow_none=True)
    distance_m = fields.Float(metadata={"description": "from the point asked about, in metres"})


class AssetSchema(Schema):
    """A streetlight, drain, bridge ... a report can be about, as a plugin knows it."""

    id = fields.String()
    kind = fields.String()
    name = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    distance_m = fields.Float(
        allow_none=True, metadata={"description": "from the point asked about, in metres"}
    )


class AssetArgsSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


# --- casework --------------------------------------------------------------------------------


class DuplicateArgsSchema(AssetArgsSchema):
    asset_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the asset picked: reports about another asset are not offered"},
    )


class MergeSchema(Schema):
    into = fields.Integer(required=True, metadata={"description": "the complaint kept"})
    reason = fields.String(load_default=None, validate=validate.Length(min=1, max=2000))


class RatingSchema(Schema):
    stars = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, validate=validate.Length(min=1, max=2000))


class ReopenSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class NotificationSchema(Schema):
    id = fields.Integer()
    complaint_id = fields.Integer()
    kind = fields.String()
    message = fields.String()
    created_at = fields.DateTime(format="iso")
    read = fields.Boolean()


class NotificationsReadSchema(Schema):
    up_to_id = fields.Integer(
        required=True, metadata={"description": "mark this one and every older one read"}
    )
