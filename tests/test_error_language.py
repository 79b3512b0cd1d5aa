"""The API's errors speak the caller's language: the message and each field's messages (core's,
a plugin's, marshmallow's) are translated, the code and the field names never are."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from core.errors import MARSHMALLOW_MESSAGES, translated_message

INDONESIAN = {"Accept-Language": "id"}
ENGLISH = {"Accept-Language": "en"}


def test_a_core_error_is_in_the_callers_language_with_its_values(client):
    indonesian = client.get("/api/v1/complaints/987654", headers=INDONESIAN)
    english = client.get("/api/v1/complaints/987654", headers=ENGLISH)

    assert indonesian.status_code == english.status_code == 404
    assert indonesian.json["error"] == {
        "code": "not_found",
        "message": "Tidak ada laporan 987654 yang boleh Anda lihat.",
    }
    assert english.json["error"]["message"] == "No complaint 987654 that you may see."


def test_field_messages_are_translated_marshmallows_with_their_values(client):
    response = client.post(
        "/api/v1/complaints", json={"description": "ab", "lat": 1, "lon": 2}, headers=INDONESIAN
    )

    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert error["message"] == "Beberapa isian tidak valid."
    assert error["fields"] == {
        "category": ["Isian ini wajib diisi."],
        "description": ["Panjangnya harus antara 3 dan 5000 karakter."],
    }


@pytest.mark.needs_plugins("dispatch", "sanitation")
def test_a_plugins_field_messages_come_from_its_own_catalogue(client, make_account):
    officer = make_account("officer", agency="dlh")
    response = client.put(
        "/api/v1/dispatch/officers/me/position",
        json={"lat": 95, "lon": 106.8},
        headers={**officer.headers, **INDONESIAN},
    )

    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"lat": ["Lintang harus di antara -90 dan 90."]}


def test_the_visitors_switch_wins_over_the_browser(client):
    client.get("/language/id")
    response = client.get("/api/v1/complaints/5", headers=ENGLISH)
    assert response.json["error"]["message"] == "Tidak ada laporan 5 yang boleh Anda lihat."


def test_an_unknown_address_answers_one_translated_line_as_json_and_as_a_page(client):
    api = client.get("/api/v1/no-such-thing", headers=INDONESIAN)
    page = client.get("/no-such-page", headers=INDONESIAN)

    assert api.status_code == page.status_code == 404
    assert api.json["error"] == {
        "code": "not_found",
        "message": "Tidak ada apa pun di tautan ini.",
    }
    assert "Tidak ada apa pun di tautan ini." in page.get_data(as_text=True)


class EverythingWrong(Schema):
    """One field per marshmallow message the catalogue lists, each sent something wrong."""

    required = fields.String(required=True)
    null = fields.String(allow_none=False)
    string = fields.String()
    number = fields.Float()
    integer = fields.Integer()
    boolean = fields.Boolean()
    when = fields.DateTime()
    items = fields.List(fields.String())
    mapping = fields.Dict()
    email = fields.Email()
    choice = fields.String(validate=validate.OneOf(["a", "b"]))
    between = fields.String(validate=validate.Length(min=3, max=5))
    at_least = fields.String(validate=validate.Length(min=3))
    at_most = fields.String(validate=validate.Length(max=1))
    in_range = fields.Integer(validate=validate.Range(min=1, max=5))
    low = fields.Integer(validate=validate.Range(min=1))
    high = fields.Integer(validate=validate.Range(max=5))
    nested = fields.Nested(lambda: Schema.from_dict({"x": fields.String()})())


def marshmallows_messages() -> set[str]:
    wrong = {
        "null": None,
        "string": 1,
        "number": "x",
        "integer": "x",
        "boolean": "x",
        "when": "x",
        "items": "x",
        "mapping": "x",
        "email": "x",
        "choice": "c",
        "between": "ab",
        "at_least": "ab",
        "at_most": "ab",
        "in_range": 9,
        "low": 0,
        "high": 9,
        "nested": 1,
        "unknown": 1,
    }
    with pytest.raises(ValidationError) as raised:
        EverythingWrong().load(wrong)
    return set(texts_in(raised.value.normalized_messages()))


def texts_in(messages):
    for value in messages.values() if isinstance(messages, dict) else messages:
        if isinstance(value, str):
            yield value
        else:
            yield from texts_in(value)


def test_marshmallows_messages_are_translated_and_the_list_is_marshmallows_own(app):
    given = marshmallows_messages()
    with app.test_request_context(headers=INDONESIAN):
        translated = {text: translated_message(text) for text in given}

    assert [text for text, shown in translated.items() if shown == text] == []
    assert (
        translated["Length must be between 3 and 5."] == "Panjangnya harus antara 3 dan 5 karakter."
    )
    # Every listed message is one marshmallow gives (by its text, or by its pattern).
    for listed in MARSHMALLOW_MESSAGES:
        head = listed.split("{")[0]
        assert any(text.startswith(head) for text in given), listed
