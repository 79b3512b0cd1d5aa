"""The JSON Schemas the other tests hold the answers to are themselves valid, and accept the
spec's own examples once its numbers are written as strings (ids and codes are strings here)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator, ValidationError

from plugins.open311.tests.helpers import document, schema_names, validate

SPEC_REQUEST = {
    "service_request_id": "638344",
    "status": "closed",
    "status_notes": "Duplicate request.",
    "service_name": "Sidewalk and Curb Issues",
    "service_code": "006",
    "description": None,
    "agency_responsible": None,
    "service_notice": None,
    "requested_datetime": "2010-04-14T06:37:38-08:00",
    "updated_datetime": "2010-04-14T06:37:38-08:00",
    "expected_datetime": "2010-04-15T06:37:38-08:00",
    "address": "8TH AVE and JUDAH ST",
    "address_id": "545483",
    "zipcode": "94122",
    "lat": 37.762221815,
    "long": -122.4651145,
    "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
}


@pytest.mark.parametrize("name", schema_names())
def test_every_schema_is_a_valid_json_schema(name):
    Draft202012Validator.check_schema(document(name))


def test_the_specs_example_request_fits_the_requests_schema():
    validate([SPEC_REQUEST], "requests")


@pytest.mark.parametrize(
    "change",
    [
        {"service_request_id": 638344},  # a number: ids are strings
        {"requested_datetime": "2010-04-14 06:37:38"},  # no time zone
        {"status": "in_progress"},  # GeoReport v2 knows open and closed only
        {"email": "someone@example.org"},  # a field the spec does not define
    ],
)
def test_the_requests_schema_refuses_what_the_spec_does_not_allow(change):
    with pytest.raises(ValidationError):
        validate([{**SPEC_REQUEST, **change}], "requests")


def test_the_specs_example_error_fits_the_errors_schema():
    error = {"code": 403, "description": "Invalid api_key received -- can't proceed."}
    validate([error], "errors")
    with pytest.raises(ValidationError):
        validate([{**error, "code": "403"}], "errors")
