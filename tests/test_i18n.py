"""Pages in Indonesian and English: the visitor's switch, else the browser's preference, else
the city's default; the catalogue covers every text and its compiled form is current."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "core" / "translations" / "id" / "LC_MESSAGES"


def page_settings(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="page-settings">(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found.group(1))


def test_the_browsers_language_is_used_unless_the_visitor_chose_one(client):
    indonesian = client.get("/report", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    html = indonesian.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Laporkan masalah" in html and "Apa masalahnya?" in html
    assert page_settings(html)["messages"][
        "Could not reach the server. Check your connection and try again."
    ]

    english = client.get("/report", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in english and "What is the problem?" in english
    assert page_settings(english)["messages"] == {}

    switched = client.get("/language/id?next=/report", headers={"Accept-Language": "en-US"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/report")
    after = client.get("/report", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "Apa masalahnya?" in after


@pytest.mark.parametrize(
    "next_page", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_the_switch_goes_back_to_this_site_only(client, next_page):
    response = client.get("/language/en", query_string={"next": next_page})
    assert response.headers["Location"] in ("/", "http://localhost/")


@pytest.mark.parametrize("app_settings", [{"default_locale": "id"}])
def test_without_a_preference_the_city_speaks_its_default(client):
    assert "Laporan terbaru" in client.get("/").get_data(as_text=True)


def test_every_text_has_its_indonesian_translation_and_the_compiled_catalogue_is_current(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "t",
            "-o",
            str(template),
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    translated = {message.id for message in catalog if message.id and message.string}
    assert sorted(wanted - translated) == [], (
        "run `make translations` and translate the new entries"
    )
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (CATALOG / "messages.mo").read_bytes() == compiled.getvalue(), "run `make translations`"
