"""A camera offline too long becomes an internal complaint for the agency that owns it."""

from __future__ import annotations

from core.complaints import Intake, create_complaint
from core.types import SYSTEM
from plugins.cctv.models import Camera

OUTAGE_CATEGORY = "camera_broken"


def open_outage_complaint(camera: Camera) -> int:
    """File the outage (confidential, routed to the camera's owner by the plugin's routing
    hook); returns the complaint's id. Commits."""
    since = camera.offline_since.isoformat() if camera.offline_since else "a while"
    fields = {
        "category": OUTAGE_CATEGORY,
        "description": f"Camera {camera.name} ({camera.id}) has been offline since {since}.",
        "lat": camera.lat,
        "lon": camera.lon,
        "privacy": "confidential",
        "attributes": {"camera_id": camera.id},
    }
    complaint, _created = create_complaint(Intake(fields=fields), SYSTEM)
    return complaint.id
