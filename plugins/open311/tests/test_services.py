"""GET Service List and GET Service Definition: the city's categories as Open311 services.

Spec: http://wiki.open311.org/GeoReport_v2 "GET Service List", "GET Service Definition"."""

from __future__ import annotations

import pytest

from plugins.open311.tests.helpers import (
    FALLEN_TREE_QUESTIONS,
    call,
    document,
    expect_error,
    read,
    typed,
)

POLICE_CATEGORIES = {"crime", "accident", "disturbance"}


def services(client, fmt, **query):
    headers = query.pop("headers", {})
    answer = call(client, "GET", "/open311/v2/services", fmt, query_string=query, headers=headers)
    return {service["service_code"]: service for service in read(answer, "services")}


def definition(client, fmt, code, **query):
    answer = call(client, "GET", f"/open311/v2/services/{code}", fmt, query_string=query)
    return read(answer, "service_definition")


# --- the list --------------------------------------------------------------------------------


def test_every_public_category_is_a_service_and_no_police_one(app, client, fmt):
    categories = app.extensions["smartcity.catalog"].categories
    public = {code for code, category in categories.items() if category.public}
    assert set(services(client, fmt)) == public
    assert POLICE_CATEGORIES.isdisjoint(public)


@pytest.mark.needs_plugins("sanitation")
def test_a_service_carries_its_name_group_keywords_and_type(client, fmt):
    garbage = services(client, fmt)["garbage"]
    assert garbage["service_name"] == "Pile of garbage"
    assert garbage["group"] == "Kebersihan / Cleanliness"
    keywords = [keyword.strip() for keyword in garbage["keywords"].split(",")]
    assert keywords == ["sampah", "garbage", "trash", "rubbish"]
    # realtime: "The service request ID will be returned immediately after the service
    # request is submitted."
    assert garbage["type"] == "realtime"
    assert garbage["metadata"] is False


@pytest.mark.needs_plugins("cctv", "public_works")
def test_a_category_with_questions_has_metadata(client, fmt):
    found = services(client, fmt)
    assert found["flooding"]["metadata"] is True
    assert found["camera_broken"]["metadata"] is True
    assert found["pothole"]["metadata"] is False


@pytest.mark.needs_plugins("public_works")
def test_a_category_without_a_group_is_grouped_under_its_agency(client, fmt, fallen_tree):
    tree = services(client, fmt)[fallen_tree]
    assert tree["group"] == "Dinas Pekerjaan Umum"
    assert tree["service_name"] == "Fallen tree"
    assert tree["metadata"] is True


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    ("language", "name"), [("id", "Sampah menumpuk"), ("en", "Pile of garbage")]
)
def test_service_names_are_in_the_callers_language(client, fmt, language, name):
    found = services(client, fmt, headers={"Accept-Language": language})
    assert found["garbage"]["service_name"] == name


@pytest.mark.needs_plugins("police")
def test_police_categories_are_listed_to_a_partner_with_a_key(client, fmt, api_key):
    assert set(services(client, fmt, api_key=api_key)) >= POLICE_CATEGORIES
    assert POLICE_CATEGORIES.isdisjoint(services(client, fmt))


# --- one definition --------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works")
def test_a_definition_describes_the_categorys_question(client, fmt):
    flooding = definition(client, fmt, "flooding")
    assert flooding["service_code"] == "flooding"
    [depth] = flooding["attributes"]
    assert depth["code"] == "water_depth_cm"
    assert depth["variable"] is True  # "true denotes that user input is needed"
    assert depth["datatype"] == "number"
    assert depth["required"] is False
    assert depth["order"] == 1
    assert depth["description"] == "Kedalaman air (cm) / Water depth (cm)"
    assert depth.get("values") in (None, [])


@pytest.mark.needs_plugins("public_works")
def test_every_datatype_keeps_its_order_requirement_and_values(client, fmt, fallen_tree):
    attributes = definition(client, fmt, fallen_tree)["attributes"]
    by_order = sorted(attributes, key=lambda attribute: attribute["order"])
    assert [attribute["order"] for attribute in by_order] == [1, 2, 3, 4, 5, 6]
    for attribute, question in zip(by_order, FALLEN_TREE_QUESTIONS, strict=True):
        assert attribute["code"] == question["code"]
        assert attribute["datatype"] == question["datatype"]
        assert attribute["required"] is question["required"]
        assert attribute["description"] == question["label"]
        assert attribute["variable"] is True
        assert (attribute.get("values") or []) == question.get("values", [])
    assert by_order[0]["values"] == [
        {"key": "yes", "name": "Yes, all of it"},
        {"key": "no", "name": "No"},
    ]
    assert [value["key"] for value in by_order[1]["values"]] == ["power_line", "car", "fire"]


@pytest.mark.needs_plugins("public_works")
def test_a_definition_says_the_same_in_xml_and_json(client, fallen_tree):
    xml = call(client, "GET", f"/open311/v2/services/{fallen_tree}", "xml")
    assert typed(xml.body, document("service_definition")) == definition(
        client, "json", fallen_tree
    )


@pytest.mark.needs_plugins("sanitation")
def test_a_category_without_questions_has_a_definition_without_attributes(client, fmt):
    assert definition(client, fmt, "garbage") == {"service_code": "garbage", "attributes": []}


@pytest.mark.needs_plugins("public_works")
def test_metadata_is_true_exactly_for_services_whose_definition_asks_something(
    client, fmt, fallen_tree
):
    for code, service in services(client, fmt).items():
        assert service["metadata"] is bool(definition(client, fmt, code)["attributes"]), code


def test_an_unknown_service_code_is_not_found(client, fmt):
    # "404 - service_code or jurisdiction_id provided were not found"
    expect_error(call(client, "GET", "/open311/v2/services/no_such_service", fmt), 404)


@pytest.mark.needs_plugins("police")
def test_a_police_definition_is_not_found_without_a_key_and_found_with_one(client, fmt, api_key):
    expect_error(call(client, "GET", "/open311/v2/services/crime", fmt), 404)
    assert definition(client, fmt, "crime", api_key=api_key)["service_code"] == "crime"
