"""What an officer's phone sends over Socket.IO: its position, and answers to offers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from core.errors import ApiError
from core.types import Actor
from plugins.dispatch.offers import answer_offer, offer_payload
from plugins.dispatch.pings import fix_from_api
from plugins.dispatch.state import dispatch_state
from plugins.dispatch.views import signed_in_officer, store_position


def share_position(actor: Actor, message: Any) -> dict[str, Any]:
    """``dispatch.position`` with the body of ``PUT /officers/me/position``."""
    officer_id, agency = signed_in_officer(actor)
    if not isinstance(message, dict):
        raise ApiError(400, "invalid_json", "Send an object with lat and lon.")
    position = store_position(officer_id, agency, fix_from_api(message, dispatch_state().now()))
    return {"at": position.at.isoformat()}


def _answer(accept: bool) -> Callable[[Actor, Any], dict[str, Any]]:
    def answer(actor: Actor, message: Any) -> dict[str, Any]:
        signed_in_officer(actor)
        offer_id = message.get("offer_id") if isinstance(message, dict) else None
        if not isinstance(offer_id, int) or isinstance(offer_id, bool):
            fields = {"offer_id": [gettext("Name the offer (a number).")]}
            raise ApiError(400, "validation_failed", "Some fields are invalid.", fields)
        return {"offer": offer_payload(answer_offer(offer_id, actor, accept))}

    return answer


LIVE_EVENTS = {
    "dispatch.position": share_position,
    "dispatch.accept": _answer(accept=True),
    "dispatch.decline": _answer(accept=False),
}
