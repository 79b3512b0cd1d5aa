"""What the dispatch tests do again and again: officers going on duty and reporting where
they are, staff asking for the nearest, complaints reported at a point."""

from __future__ import annotations

MONAS = (-6.1754, 106.8272)


def north_of(point, metres):
    return (point[0] + metres / 111_195, point[1])


def on_duty(client, officer, device_id=None):
    body = {"state": "available", **({"device_id": device_id} if device_id else {})}
    response = client.put("/api/v1/dispatch/officers/me", json=body, headers=officer.headers)
    assert response.status_code == 200, response.json
    return response.json


def report(client, officer, point, **extra):
    body = {"lat": point[0], "lon": point[1], **extra}
    return client.put("/api/v1/dispatch/officers/me/position", json=body, headers=officer.headers)


def nearest(client, staff, point, **query):
    query = {"lat": point[0], "lon": point[1], **query}
    return client.get(
        "/api/v1/dispatch/officers/nearest", query_string=query, headers=staff.headers
    )


def garbage_at(client, point, description="Sampah menumpuk di trotoar"):
    """A resident's garbage complaint at ``point``; its id."""
    body = {"category": "garbage", "description": description, "lat": point[0], "lon": point[1]}
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def dispatch(client, staff, complaint_id, **body):
    return client.post(
        f"/api/v1/dispatch/complaints/{complaint_id}", json=body, headers=staff.headers
    )


def answer(client, officer, offer_id, verb):
    return client.post(f"/api/v1/dispatch/offers/{offer_id}/{verb}", headers=officer.headers)


def me(client, officer):
    response = client.get("/api/v1/dispatch/officers/me", headers=officer.headers)
    assert response.status_code == 200, response.json
    return response.json
