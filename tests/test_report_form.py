"""The report form in a real browser: a category's extra questions, photos made smaller, previewed
and located by their EXIF GPS, non-photos refused, and the upload's progress.

Only SQLite, like tests/test_browser.py: the form is the subject here.
"""

from __future__ import annotations

import io
import re

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, Route, expect

from core import hookimpl
from core.testing import after_photo, fits_width, unlabelled_controls
from core.types import CategorySpec

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
DESCRIPTION = "Pohon tumbang menutup separuh jalan."


class FallenTrees:
    """A test category with one question of every kind."""

    @hookimpl
    def register_categories(self):
        return [
            CategorySpec(
                code="fallen_tree",
                agency="dlh",
                name_id="Pohon tumbang",
                name_en="Fallen tree",
                attributes=(
                    {
                        "code": "size",
                        "label": "How big is the tree?",
                        "datatype": "singlevaluelist",
                        "required": True,
                        "values": [
                            {"key": "small", "name": "Small"},
                            {"key": "large", "name": "Large"},
                        ],
                    },
                    {
                        "code": "blocking",
                        "label": "What does it block?",
                        "datatype": "multivaluelist",
                        "required": False,
                        "values": [
                            {"key": "road", "name": "The road"},
                            {"key": "sidewalk", "name": "The sidewalk"},
                            {"key": "wires", "name": "Power lines"},
                        ],
                    },
                    {"code": "lanes", "label": "Lanes blocked", "datatype": "number"},
                    {"code": "notes", "label": "Anything else", "datatype": "text"},
                    {"code": "fell_at", "label": "When did it fall?", "datatype": "datetime"},
                ),
            )
        ]


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def photo_file(name: str, data: bytes, mime_type: str = "image/jpeg") -> dict[str, object]:
    return {"name": name, "mimeType": mime_type, "buffer": data}


def fill_garbage_report(page: Page) -> None:
    page.get_by_label("What is the problem?").select_option("garbage")
    page.get_by_label("Describe it").fill(DESCRIPTION)
    page.locator("#report-map").click()
    expect(page.get_by_label("Latitude")).not_to_have_value("")


def sent_complaint(page: Page, live_server: str) -> dict:
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_id = int(page.url.rsplit("/", 1)[1])
    return requests.get(f"{live_server}/api/v1/complaints/{complaint_id}", timeout=5).json()


@pytest.mark.needs_plugins("sanitation")
def test_a_categorys_extra_questions_are_asked_checked_and_sent(
    live_server, open_page, register_plugin
):
    register_plugin(FallenTrees(), "fallen_trees")
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    category = page.get_by_label("What is the problem?")
    expect(
        category.locator("optgroup[label='Dinas Lingkungan Hidup'] option[value='garbage']")
    ).to_have_count(1)
    expect(
        category.locator("optgroup[label='Dinas Lingkungan Hidup'] option[value='fallen_tree']")
    ).to_have_count(1)

    category.select_option("fallen_tree")
    size = page.get_by_label("How big is the tree?")
    expect(size).to_have_attribute("required", "")
    expect(page.get_by_role("group", name="What does it block?")).to_be_visible()
    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])

    # Neither the required question nor the place answered: both said beside their fields.
    page.get_by_label("Describe it").fill(DESCRIPTION)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("[id='attributes.size-error']")).to_have_text(
        "This question must be answered."
    )
    expect(size).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lat-error")).to_contain_text("Tap the map")

    size.select_option("large")
    page.get_by_label("The road").check()
    page.get_by_label("Power lines").check()
    page.get_by_label("Lanes blocked").fill("2")
    page.get_by_label("Anything else").fill("Kabel listrik ikut tertimpa.")
    page.get_by_label("When did it fall?").fill("2024-05-01T06:30")
    page.locator("#report-map").click()
    page.get_by_role("button", name="Send report").click()

    attributes = sent_complaint(page, live_server)["attributes"]
    fell_at = attributes.pop("fell_at")
    assert attributes == {
        "size": "large",
        "blocking": ["road", "wires"],
        "lanes": 2,
        "notes": "Kabel listrik ikut tertimpa.",
    }
    assert fell_at.startswith("2024-05-01T")


@pytest.mark.needs_plugins("sanitation")
def test_the_apis_verdict_on_a_question_is_shown_beside_it(live_server, open_page, register_plugin):
    register_plugin(FallenTrees(), "fallen_trees")
    page = open_page(viewport=PHONE)

    def refuse(route: Route) -> None:
        route.fulfill(
            status=400,
            json={
                "error": {
                    "code": "validation_failed",
                    "message": "Some fields are invalid.",
                    "fields": {"attributes": {"lanes": ["Expected a number answer."]}},
                }
            },
        )

    page.route(re.compile(r"/api/v1/complaints$"), refuse)
    page.goto(f"{live_server}/report")
    page.get_by_label("What is the problem?").select_option("fallen_tree")
    page.get_by_label("How big is the tree?").select_option("small")
    page.get_by_label("Describe it").fill(DESCRIPTION)
    page.locator("#report-map").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("[id='attributes.lanes-error']")).to_have_text("Expected a number answer.")
    expect(page.get_by_label("Lanes blocked")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#upload")).to_be_hidden()


@pytest.mark.needs_plugins("sanitation")
def test_a_large_photo_is_made_smaller_and_a_chosen_photo_can_be_removed(live_server, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    fill_garbage_report(page)
    page.get_by_label("Photos").set_input_files(
        files=[photo_file("big.jpg", jpeg(3000, 2000)), photo_file("small.jpg", jpeg(64, 48))]
    )
    previews = page.locator("#photo-preview img")
    expect(previews).to_have_count(2)
    expect(previews.first).to_have_js_property("complete", True)
    assert previews.first.evaluate("image => image.naturalWidth") == 3000
    assert fits_width(page, PHONE["width"])
    assert unlabelled_controls(page) == []

    page.get_by_role("button", name="Remove photo 2: small.jpg").click()
    expect(previews).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Remove photo"))).to_have_count(1)
    page.get_by_role("button", name="Send report").click()

    [photo] = sent_complaint(page, live_server)["photos"]
    assert (photo["width"], photo["height"]) == (1600, 1067)


@pytest.mark.needs_plugins("sanitation")
def test_a_small_photo_is_sent_as_it_is(live_server, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    fill_garbage_report(page)
    page.get_by_label("Photos").set_input_files(files=[photo_file("small.jpg", jpeg(800, 600))])
    page.get_by_role("button", name="Send report").click()
    [photo] = sent_complaint(page, live_server)["photos"]
    assert (photo["width"], photo["height"]) == (800, 600)


def test_a_photo_with_gps_offers_its_location(live_server, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    offer = page.get_by_role("button", name="Use the photo's location")
    expect(offer).to_be_hidden()
    page.get_by_label("Photos").set_input_files(
        files=[photo_file("located.jpg", after_photo(point=(-6.2, 106.8166)))]
    )
    expect(offer).to_be_visible()
    offer.click()
    expect(page.get_by_label("Latitude")).to_have_value("-6.200000")
    expect(page.get_by_label("Longitude")).to_have_value("106.816600")
    expect(offer).to_be_hidden()


def test_a_photo_without_gps_offers_no_location(live_server, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    page.get_by_label("Photos").set_input_files(files=[photo_file("plain.jpg", after_photo())])
    expect(page.locator("#photo-preview img")).to_have_count(1)
    expect(page.get_by_role("button", name="Use the photo's location")).to_be_hidden()


@pytest.mark.needs_plugins("sanitation")
def test_a_file_that_is_not_a_photo_is_refused_beside_the_photo_field(app, live_server, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    page.get_by_label("Photos").set_input_files(
        files=[photo_file("notes.txt", b"just some words", "text/plain")]
    )
    error = page.locator("#photo-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("Not a photo: notes.txt.")
    expect(page.locator("#photo-preview li")).to_have_count(0)

    fill_garbage_report(page)
    expect(error).to_be_visible()
    page.get_by_role("button", name="Send report").click()
    complaint = sent_complaint(page, live_server)
    assert complaint["photos"] == []


@pytest.mark.needs_plugins("sanitation")
def test_the_upload_shows_its_progress(live_server, open_page):
    page = open_page(viewport=PHONE)
    held: list[Route] = []
    page.route(re.compile(r"/api/v1/complaints$"), lambda route: held.append(route))
    page.goto(f"{live_server}/report")
    fill_garbage_report(page)
    page.get_by_label("Photos").set_input_files(files=[photo_file("big.jpg", jpeg(3000, 2000))])
    expect(page.locator("#photo-preview img")).to_have_count(1)
    page.evaluate(
        """() => {
            const label = document.getElementById("upload-label");
            new MutationObserver(() => {
                const seen = JSON.parse(sessionStorage.getItem("upload-labels") || "[]");
                seen.push(label.textContent);
                sessionStorage.setItem("upload-labels", JSON.stringify(seen));
            }).observe(label, { childList: true, characterData: true, subtree: true });
        }"""
    )
    page.get_by_role("button", name="Send report").click()

    progress = page.get_by_label(re.compile("^(Sending your report|Sent; waiting)"))
    expect(progress).to_be_visible()
    assert progress.evaluate("bar => bar.tagName") == "PROGRESS"
    expect(page.get_by_role("button", name="Sending…")).to_be_disabled()
    assert fits_width(page, PHONE["width"])
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    assert sent_complaint(page, live_server)["photos"][0]["width"] == 1600
    # What the label said once the request went on, kept across the page change.
    labels = page.evaluate("JSON.parse(sessionStorage.getItem('upload-labels') || '[]')")
    assert labels[-1] == "Sent; waiting for the answer…"
    assert any(re.fullmatch(r"Sending your report: \d+%", label) for label in labels)
