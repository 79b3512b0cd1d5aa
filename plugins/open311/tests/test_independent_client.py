"""A round trip through an independent Open311 client from PyPI: ``georeport`` (0.3.1, a thin
wrapper over requests and xmltodict, written against the spec for cities' servers) reads over
real HTTP what a partner filed, in both formats, starting from the discovery document.

It only reads ("does not currently support the creation of new 311 service requests"), so the
request is filed with ``requests`` as the spec's example does: a urlencoded form."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

pytestmark = pytest.mark.needs_plugins("sanitation")

FLOODING = {
    "service_code": "flooding",
    "lat": "-6.1754",
    "long": "106.8272",
    "description": "Banjir setinggi lutut di depan halte",
    "attribute[water_depth_cm]": "45",
}


def as_list(items):
    """xmltodict reads one repeated element as a dict, several as a list."""
    return items if isinstance(items, list) else [items]


@pytest.mark.needs_plugins("public_works")
def test_an_independent_client_reads_what_a_partner_filed(live_server, api_key, fmt):
    filed = requests.post(
        f"{live_server}/open311/v2/requests.{fmt}", data={"api_key": api_key, **FLOODING}, timeout=5
    )
    assert filed.status_code in (200, 201), filed.text
    discovery = requests.get(f"{live_server}/open311/discovery.json", timeout=5).json()
    client = GeoReport(discovery["endpoints"][0]["url"], output_format=fmt)

    codes = [service["service_code"] for service in client.get_service_list()]
    assert {"garbage", "flooding", "pothole"} <= set(codes)
    assert "crime" not in codes

    attributes = client.get_service_definition("flooding")["attributes"]
    [depth] = as_list(attributes["attribute"] if fmt == "xml" else attributes)
    assert depth["code"] == "water_depth_cm"
    assert depth["datatype"] == "number"

    [request] = as_list(client.get_service_requests(service_code="flooding"))
    assert request["description"] == FLOODING["description"]
    assert request["status"] == "open"
    same = client.get_service_request(request["service_request_id"])
    assert same["service_request_id"] == request["service_request_id"]
    assert float(same["lat"]) == pytest.approx(-6.1754)

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("crime")
    assert refused.value.response.status_code == 404
