"""Service Discovery, jurisdiction_id and format suffixes: what every endpoint shares.

Spec: http://wiki.open311.org/Service_Discovery and GeoReport v2's Definitions, Format Support
and Errors sections."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from core.catalog import build_catalog
from plugins.open311.tests.helpers import (
    SPECIFICATION,
    FallenTreePlugin,
    call,
    document,
    expect_error,
    path_of,
    read,
    report,
    typed,
    w3c,
    w3c_param,
)

JURISDICTION = "jakarta.go.id"
CONTACT = "Open311 desk: open311@jakarta.go.id, +62 21 555 0311"
KEY_SERVICE = "Ask the Open311 desk for a key: open311@jakarta.go.id"


@pytest.fixture
def app_settings():
    return {
        "open311": {"jurisdiction_id": JURISDICTION, "contact": CONTACT, "key_service": KEY_SERVICE}
    }


def discovery(client, fmt="json"):
    return read(call(client, "GET", "/open311/discovery", fmt), "discovery")


# --- discovery -------------------------------------------------------------------------------


def test_discovery_names_the_georeport_v2_endpoint_and_how_to_get_a_key(client, fmt):
    found = discovery(client, fmt)
    assert found["contact"] == CONTACT
    assert found["key_service"] == KEY_SERVICE
    w3c(found["changeset"])
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == SPECIFICATION
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    # "XML is a required format"; JSON is offered too, so the discovery must say so.
    assert sorted(endpoint["formats"]) == ["application/json", "text/xml"]
    w3c(endpoint["changeset"])


def test_discovery_says_the_same_in_xml_and_json(client):
    assert discovery(client, "xml") == discovery(client, "json")


def test_the_discovered_url_is_where_the_endpoints_answer(client, fmt):
    [endpoint] = discovery(client, fmt)["endpoints"]
    services = call(client, "GET", f"{path_of(endpoint['url'])}/services", fmt)
    assert read(services, "services")


def test_the_changeset_stays_while_nothing_changes(client):
    assert discovery(client) == discovery(client)


@pytest.mark.needs_plugins("public_works")
def test_the_changeset_moves_forward_when_the_services_change(client, register_plugin):
    before = discovery(client)
    time.sleep(1.1)  # a changeset with whole seconds must still move
    register_plugin(FallenTreePlugin(), "fallen-tree")
    after = discovery(client)
    assert w3c(after["changeset"]) > w3c(before["changeset"])
    assert w3c(after["endpoints"][0]["changeset"]) > w3c(before["endpoints"][0]["changeset"])


@pytest.mark.needs_plugins("public_works")
def test_the_changeset_moves_forward_when_the_services_change_back(app, client, register_plugin):
    before = discovery(client)
    time.sleep(1.1)
    register_plugin(FallenTreePlugin(), "fallen-tree")
    changed = discovery(client)
    time.sleep(1.1)
    app.extensions["smartcity.pm"].unregister(name="fallen-tree")
    hooks = app.extensions["smartcity.hooks"]
    app.extensions["smartcity.catalog"] = build_catalog(hooks, app.config["SMARTCITY"]["sla"])
    back = discovery(client)
    assert w3c(before["changeset"]) < w3c(changed["changeset"]) < w3c(back["changeset"])


# --- jurisdiction_id -------------------------------------------------------------------------


def every_endpoint(client, api_key, agency_key):
    """(method, path, parameters) of every endpoint, each call valid but for its jurisdiction."""
    complaint = report(client)
    dlh_key = agency_key("dlh")
    update = {
        "api_key": dlh_key,
        "service_request_id": complaint,
        "update_id": "crm-1",
        "status": "IN_PROGRESS",
        "updated_datetime": w3c_param(datetime.now(UTC)),
        "description": "Truk sudah berangkat.",
    }
    return [
        ("GET", "/open311/discovery", {}),
        ("GET", "/open311/v2/services", {}),
        ("GET", "/open311/v2/services/garbage", {}),
        ("GET", "/open311/v2/requests", {}),
        ("GET", f"/open311/v2/requests/{complaint}", {}),
        ("GET", f"/open311/v2/tokens/{complaint}", {}),
        ("GET", "/open311/v2/servicerequestupdates", {}),
        (
            "POST",
            "/open311/v2/requests",
            {"api_key": api_key, "service_code": "garbage", "lat": "-6.1754", "long": "106.8272"},
        ),
        ("POST", "/open311/v2/servicerequestupdates", update),
    ]


def send(client, method, path, fmt, parameters):
    if method == "GET":
        return call(client, method, path, fmt, query_string=parameters)
    return call(client, method, path, fmt, data=parameters)


@pytest.mark.needs_plugins("sanitation")
def test_another_jurisdiction_is_not_found_on_every_endpoint(client, fmt, api_key, agency_key):
    for method, path, parameters in every_endpoint(client, api_key, agency_key):
        answer = send(client, method, path, fmt, {**parameters, "jurisdiction_id": "bandung.go.id"})
        # "404 - jurisdiction_id provided was not found (specify in error response)"
        expect_error(answer, 404)
    # Refused before anything was done: only the one complaint reported natively is there.
    assert len(read(call(client, "GET", "/open311/v2/requests", "json"), "requests")) == 1


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("jurisdiction", [JURISDICTION, "", None])
def test_this_jurisdiction_an_empty_one_or_none_is_served(client, fmt, jurisdiction):
    # "Optional" means that the response should be the same whether a parameter is passed and
    # is empty or is not passed at all; one jurisdiction needs none.
    query = {} if jurisdiction is None else {"jurisdiction_id": jurisdiction}
    services = call(client, "GET", "/open311/v2/services", fmt, query_string=query)
    assert "garbage" in [service["service_code"] for service in read(services, "services")]


# --- formats ---------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    "path",
    [
        "/open311/discovery",
        "/open311/v2/services",
        "/open311/v2/services/garbage",
        "/open311/v2/requests",
        "/open311/v2/requests/1",
        "/open311/v2/tokens/1",
        "/open311/v2/servicerequestupdates",
    ],
)
def test_an_unknown_format_or_none_is_not_found_in_open311s_shape(client, path):
    report(client)
    for suffix in ("csv", "html", "JSONP", "XML", ""):
        expect_error(call(client, "GET", path, suffix), 404)


def test_a_request_posted_in_an_unknown_format_is_refused_and_not_stored(client, api_key):
    form = {"api_key": api_key, "service_code": "garbage", "lat": "-6.1754", "long": "106.8272"}
    expect_error(call(client, "POST", "/open311/v2/requests", "yaml", data=form), 404)
    assert read(call(client, "GET", "/open311/v2/requests", "json"), "requests") == []


def test_xml_reads_as_the_json_of_the_spark_convention(client):
    # One document, two spellings: reading the XML as the schema's types gives the JSON.
    xml = call(client, "GET", "/open311/v2/services", "xml")
    json_ = call(client, "GET", "/open311/v2/services", "json")
    assert typed(xml.body, document("services")) == json_.body
