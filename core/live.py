"""The Socket.IO live feed: authenticate connections, put them in their rooms, publish events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request, session
from flask_socketio import SocketIO, join_room

from core import auth, db
from core.errors import ApiError
from core.types import Actor

CORE_EVENTS = ("connect", "disconnect", "follow")


def init_app(app: Flask) -> SocketIO:
    """Bind a Socket.IO server to the app; with a message queue, events cross processes."""
    settings = app.config["SMARTCITY"]
    socketio = SocketIO(
        app,
        async_mode="gevent",
        message_queue=settings["message_queue"] or None,
        channel=settings["message_queue_channel"],
        cors_allowed_origins=settings["cors_allowed_origins"] or None,
        json=app.json,
    )
    socketio.on_event("connect", _connect)
    socketio.on_event("follow", _follow)
    hooks = app.extensions["smartcity.hooks"]
    for name, handler in hooks.register_live_events(reserved=CORE_EVENTS).items():
        socketio.on_event(name, _client_event(handler))
    return socketio


def _client_event(handler: Callable[..., dict[str, Any] | None]) -> Callable[[Any], dict[str, Any]]:
    """A plugin's handler as a Socket.IO one: the connection's actor in, an acknowledgement
    out (``ok``, or the contract's error shape), the database session closed after."""

    def handle(message: Any = None) -> dict[str, Any]:
        actor: Actor = request.environ.get("smartcity.actor", Actor())
        try:
            return {"ok": True, **(handler(actor=actor, message=message) or {})}
        except ApiError as error:
            db.session().rollback()
            return {"ok": False, **error.body()}
        finally:
            db.database().session.remove()

    return handle


def _connect(auth_payload: dict[str, Any] | None = None) -> bool:
    """Authenticate from ``auth={"token": ...}`` or the session cookie, then join rooms."""
    token = (auth_payload or {}).get("token") if isinstance(auth_payload, dict) else None
    try:
        actor = auth.actor_for_token(token or session.get(auth.SESSION_TOKEN_KEY))
        if token and actor.is_anonymous:
            return False
        for room in current_app.extensions["smartcity.hooks"].live_rooms(actor=actor):
            join_room(room)
        request.environ["smartcity.actor"] = actor
    finally:
        db.database().session.remove()
    return True


def _follow(message: Any) -> dict[str, Any]:
    """Join ``complaint:<id>`` for a complaint this connection may see (its page is open)."""
    from core.complaints import visible_complaint

    actor: Actor = request.environ.get("smartcity.actor", Actor())
    try:
        complaint_id = int(message["complaint_id"])
        if visible_complaint(complaint_id, actor) is None:
            return {"ok": False, "error": "not_found"}
        join_room(f"complaint:{complaint_id}")
        return {"ok": True, "room": f"complaint:{complaint_id}"}
    except (KeyError, TypeError, ValueError):
        return {"ok": False, "error": "complaint_id required"}
    finally:
        db.database().session.remove()


def publish(room: str | list[str], event: str, payload: dict[str, Any]) -> None:
    """Send an event to a room (or several; a connection in more than one hears it once).

    The one way plugins talk to the live feed. With a message queue configured
    the event reaches connections on every server process.
    """
    socketio: SocketIO = current_app.extensions["socketio"]
    socketio.emit(event, payload, to=room)
