"""Pages in Indonesian and English: the visitor's switch, else the browser's preference, else
the city's default; core's and each plugin's catalogue covers every text of its own folder, and
its compiled form is current."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
# Core and every plugin extract their own texts into their own catalogue (`make translations`).
FOLDERS = [
    "core",
    *sorted(
        path.parent.relative_to(ROOT).as_posix() for path in ROOT.glob("plugins/*/__init__.py")
    ),
]
INDONESIAN = {"Accept-Language": "id"}


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


def catalogue_folder(folder: str) -> Path:
    return ROOT / folder / "translations" / "id" / "LC_MESSAGES"


def extracted_texts(folder: str, template: Path) -> set[str]:
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
            folder,
        ],
        cwd=ROOT,
        check=True,
    )
    with template.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def read_catalogue(folder: str) -> Catalog:
    with (catalogue_folder(folder) / "messages.po").open("rb") as handle:
        return read_po(handle, locale="id")


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_text_has_its_indonesian_translation_and_the_compiled_catalogue_is_current(
    folder, tmp_path
):
    wanted = extracted_texts(folder, tmp_path / "messages.pot")
    if not wanted and not catalogue_folder(folder).exists():
        return  # nothing to translate, no catalogue needed
    assert (catalogue_folder(folder) / "messages.po").exists(), (
        f"mkdir {folder}/translations, run `make translations`, translate the entries and"
        " return the folder from the plugin's register_translations"
    )
    catalog = read_catalogue(folder)
    translated = {message.id for message in catalog if message.id and message.string}
    # A fuzzy entry is babel's guess from a similar text: not a translation until checked.
    guessed = {message.id for message in catalog if message.id and message.fuzzy}
    assert sorted(wanted - (translated - guessed)) == [], (
        f"run `make translations` and translate the new entries of {folder}"
    )
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (catalogue_folder(folder) / "messages.mo").read_bytes() == compiled.getvalue(), (
        "run `make translations`"
    )


# A t("…") of a script, its first argument a plain string literal.
SCRIPT_TEXT = re.compile(r'\bt\(\s*("(?:[^"\\]|\\.)*")')


def script_texts(folder: str) -> list[tuple[str, str]]:
    """(script, text) of every t() in the folder's scripts, comments aside."""
    return [
        (script.relative_to(ROOT).as_posix(), json.loads(literal))
        for script in sorted((ROOT / folder).glob("**/static/**/*.js"))
        for line in script.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
        for literal in SCRIPT_TEXT.findall(line)
    ]


@pytest.mark.parametrize("folder", FOLDERS)
def test_extraction_finds_every_t_text_of_the_scripts(folder, tmp_path):
    """Babel's JavaScript extractor skips a t() nested in another t()'s arguments: a text it
    misses would stay English whatever the catalogue says."""
    wanted = extracted_texts(folder, tmp_path / "messages.pot")
    assert [(script, text) for script, text in script_texts(folder) if text not in wanted] == []


def test_core_and_the_plugins_translate_a_shared_text_alike():
    """Their catalogues merge into one: a text in two of them would take either translation."""
    translations: dict[str, dict[str, str]] = {}
    for folder in FOLDERS:
        if (catalogue_folder(folder) / "messages.po").exists():
            for message in read_catalogue(folder):
                if message.id and message.string:
                    translations.setdefault(message.id, {})[folder] = message.string
    differing = {
        text: found for text, found in translations.items() if len(set(found.values())) > 1
    }
    assert differing == {}


def nav_link(html: str, path: str) -> str:
    found = re.search(rf'<a href="{re.escape(path)}"[^>]*>([^<]*)</a>', html)
    assert found, f"no link to {path}"
    return found.group(1)


@pytest.mark.needs_plugins("cctv", "routing", "sanitation")
def test_the_console_speaks_indonesian(client, make_account):
    staff = make_account("staff", agency="dlh")
    html = client.get("/console", headers={**INDONESIAN, **staff.headers}).get_data(as_text=True)
    assert '<html lang="id">' in html
    for words in ("Laporan DLH", "Pintasan keyboard", "Cari dalam uraian", "Hapus filter"):
        assert words in html
    messages = page_settings(html)["messages"]
    assert messages["Acknowledge"] == "Terima"  # console.js
    officer = messages["Officer {name}: {state}, position unknown"]  # officer-layer.js
    assert officer.startswith("Petugas {name}")
    # The plugins' nav links, from the plugins' own catalogues.
    assert nav_link(html, "/routing/dashboard") == "Akuntabilitas"
    assert nav_link(html, "/cameras") == "Kamera"


@pytest.mark.needs_plugins("dispatch", "sanitation")
def test_the_officers_page_speaks_indonesian_and_refuses_others_in_it(client, make_account):
    officer = make_account("officer", agency="dlh")
    html = client.get("/officer", headers={**INDONESIAN, **officer.headers}).get_data(as_text=True)
    for words in ("Status tugas", "Siaga", "Tawaran tugas baru", "Foto sesudah"):
        assert words in html
    assert nav_link(html, "/officer") == "Pekerjaan saya"
    assert page_settings(html)["messages"]["You are off duty."] == "Anda sedang tidak bertugas."

    staff = make_account("staff", agency="dlh")
    refused = client.get("/officer", headers={**INDONESIAN, **staff.headers})
    assert refused.status_code == 403
    assert "Halaman ini untuk petugas lapangan" in refused.get_data(as_text=True)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_dashboard_speaks_indonesian(client, make_account):
    head = make_account("head", agency="dlh")
    response = client.get("/routing/dashboard", headers={**INDONESIAN, **head.headers})
    html = response.get_data(as_text=True)
    for words in ("Hari ini di Dinas Lingkungan Hidup", "Masuk hari ini", "Pelanggaran SLA"):
        assert words in html
    assert "laporan yang masuk sejak pukul 00.00 waktu setempat" in html  # stats.py
    assert "Laporan masuk dan selesai per hari, 14 hari dari" in html  # views.py
    messages = page_settings(html)["messages"]
    assert messages["Not acknowledged in time"] == "Tidak diterima tepat waktu"  # dashboard.js


@pytest.mark.needs_plugins("cctv")
def test_the_cameras_page_speaks_indonesian(client):
    html = client.get("/cameras", headers=INDONESIAN).get_data(as_text=True)
    for words in ("Cari kamera", "gambar masuk", "terganggu"):
        assert words in html
    assert nav_link(html, "/cameras") == "Kamera"
    assert page_settings(html)["messages"]["1 camera"] == "1 kamera"  # cameras.js


# --- the resident's pages: nothing left in English -------------------------------------------


class ShownTexts(HTMLParser):
    """What a visitor reads or hears on a page: its text and its labelling attributes, outside
    scripts and styles."""

    ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "label")

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.add(data.strip())


# The brand and the language switch's names read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"smartcity", *LANGUAGES.values()}


def shown_texts(html: str) -> set[str]:
    """The page's words; numbers and marks read the same in every language."""
    parser = ShownTexts()
    parser.feed(html)
    return {
        text
        for text in parser.texts
        if re.search("[a-z]{2}", text) and text not in SAME_IN_EVERY_LANGUAGE
    }


def resident_with_a_complaint(client, make_account):
    resident = make_account("resident")
    filed = client.post(
        "/api/v1/complaints",
        json={"category": "garbage", "description": "Sampah menumpuk", "lat": -6.2, "lon": 106.8},
        headers=resident.headers,
    )
    assert filed.status_code == 201, filed.json
    return resident, filed.json["id"]


def translated_alike() -> set[str]:
    """Texts a translator made the same in Indonesian ("Status", "Email")."""
    return {
        message.id
        for folder in FOLDERS
        if (catalogue_folder(folder) / "messages.po").exists()
        for message in read_catalogue(folder)
        if message.id and message.string == message.id
    }


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "resident"])
@pytest.mark.parametrize("page", ["/", "/report", "/login", "/complaints/{id}"])
def test_the_residents_pages_show_no_english_text_in_indonesian(
    client, make_account, page, signed_in
):
    """A text the templates forgot to translate reads the same in both languages."""
    resident, complaint_id = resident_with_a_complaint(client, make_account)
    path = page.format(id=complaint_id)
    account = resident.headers if signed_in else {}
    english = shown_texts(client.get(path, headers=account).get_data(as_text=True))
    html = client.get(path, headers={**INDONESIAN, **account}).get_data(as_text=True)
    assert '<html lang="id">' in html
    same = (shown_texts(html) & english) - {resident.email} - translated_alike()
    assert sorted(same) == []


# A string literal of a script, or the first argument of its t().
SCRIPT_LITERAL = re.compile(r"""(?<![\w$])(t\(\s*)?("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)""")
# What reads as English to a person: a capitalised word ("Sending…"), or three words in a row.
ENGLISH_WORDS = re.compile(r"^[A-Z][a-z]+(?![\w-])|[a-z]+ [a-z]+ [a-z]+")
RESIDENT_SCRIPTS = ["core/static/index.js", "core/static/report.js", "core/static/complaint.js"]


@pytest.mark.parametrize("script", RESIDENT_SCRIPTS)
def test_the_residents_scripts_say_everything_through_t(script):
    """An English sentence a script shows without t() stays English in every language."""
    untranslated = [
        (number, literal)
        for number, line in enumerate((ROOT / script).read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("//")
        for in_t, literal in SCRIPT_LITERAL.findall(line)
        if not in_t and ENGLISH_WORDS.search(re.sub(r"\$\{[^}]*\}", " ", literal[1:-1]).strip())
    ]
    assert untranslated == []


@pytest.mark.needs_plugins("sanitation")
def test_the_complaint_page_speaks_indonesian(client, make_account):
    resident, complaint_id = resident_with_a_complaint(client, make_account)
    html = client.get(
        f"/complaints/{complaint_id}", headers={**INDONESIAN, **resident.headers}
    ).get_data(as_text=True)
    assert f"<title>Laporan #{complaint_id} · smartcity</title>" in html
    for words in ("Masalah yang sama?", "Sudah benar-benar beres?", "Diskusi", "Komentar Anda"):
        assert words in html
    messages = page_settings(html)["messages"]  # complaint.js
    assert messages["1 person has this problem too."] == "1 orang juga mengalami masalah ini."
    assert messages["Remove the comment of {author}"] == "Hapus komentar {author}"


def test_the_report_form_speaks_indonesian_in_its_script(client):
    messages = page_settings(client.get("/report", headers=INDONESIAN).get_data(as_text=True))[
        "messages"
    ]
    assert messages["Report #{id} received."] == "Laporan #{id} diterima."  # report.js
    assert messages["Send again"] == "Kirim lagi"


def csrf_token(client) -> str:
    found = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    )
    assert found
    return found.group(1)


def test_sign_in_problems_are_explained_in_indonesian(client, make_account):
    account = make_account("resident")
    response = client.post(
        "/login",
        data={"email": account.email, "password": "password-123"},
        headers=INDONESIAN,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formulir kedaluwarsa; muat ulang halaman dan coba lagi." in html  # web.py

    wrong = client.post(
        "/login",
        data={"email": account.email, "password": "wrong", "csrf_token": csrf_token(client)},
        headers=INDONESIAN,
    )
    assert wrong.status_code == 401
    assert "Email atau kata sandi salah." in wrong.get_data(as_text=True)
