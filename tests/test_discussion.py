"""Residents' public discussion of a complaint and their "me too": who may say and see what,
pages of comments, hiding, votes counted once, voters following, and the live rooms told."""

from __future__ import annotations

import gevent
import pytest
import requests
from sqlalchemy import select

from core import db
from core.models import Comment, Complaint, Follower
from core.testing import attach_proof

GARBAGE = {
    "category": "garbage",
    "description": "Sampah menumpuk di depan pasar",
    "lat": -6.2,
    "lon": 106.8,
}


def report(client, headers=None, **fields):
    response = client.post("/api/v1/complaints", json={**GARBAGE, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def comment(client, complaint_id: int, headers, body="Saya juga melihatnya tadi pagi."):
    return client.post(
        f"/api/v1/complaints/{complaint_id}/comments", json={"body": body}, headers=headers
    )


def comments(client, complaint_id: int, headers=None, **query):
    return client.get(
        f"/api/v1/complaints/{complaint_id}/comments", query_string=query, headers=headers
    )


def hide(client, complaint_id: int, comment_id: int, headers):
    return client.delete(
        f"/api/v1/complaints/{complaint_id}/comments/{comment_id}", headers=headers
    )


def vote(client, complaint_id: int, headers):
    return client.post(f"/api/v1/complaints/{complaint_id}/votes", headers=headers)


def unvote(client, complaint_id: int, headers):
    return client.delete(f"/api/v1/complaints/{complaint_id}/votes", headers=headers)


def set_status(client, complaint_id: int, headers, status: str, **fields):
    body = {"status": status, **fields}
    response = client.patch(f"/api/v1/complaints/{complaint_id}", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def resolve(client, complaint_id: int, headers) -> None:
    assert attach_proof(client, complaint_id, headers).status_code == 201
    set_status(client, complaint_id, headers, "resolved")


def notifications(client, account) -> list[dict]:
    return client.get("/api/v1/me/notifications", headers=account.headers).json


def followers(app, complaint_id: int) -> set[int]:
    with app.app_context():
        rows = db.session().scalars(
            select(Follower.user_id).where(Follower.complaint_id == complaint_id)
        )
        found = set(rows)
        db.database().session.remove()
    return found


def error(response) -> tuple[int, str]:
    return response.status_code, response.json["error"]["code"]


# --- comments --------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_signed_in_resident_comments_and_anyone_reads_the_discussion(client, make_account):
    complaint = report(client)
    resident = make_account("resident")
    staff = make_account("staff", agency="dlh")

    first = comment(client, complaint["id"], resident.headers, "  Sudah tiga hari di sini.  ")
    second = comment(client, complaint["id"], staff.headers, "Truk dikirim besok pagi.")

    assert first.status_code == 201, first.json
    assert first.json["body"] == "Sudah tiga hari di sini."
    assert first.json["author_role"] == "resident"
    assert first.json["author"] == resident.email.split("@")[0]
    assert first.json["complaint_id"] == complaint["id"]
    assert first.json["can_hide"] is True
    assert second.status_code == 201
    listed = comments(client, complaint["id"])
    assert listed.status_code == 200
    assert [item["body"] for item in listed.json["items"]] == [
        "Sudah tiga hari di sini.",
        "Truk dikirim besok pagi.",
    ]
    assert [item["author_role"] for item in listed.json["items"]] == ["resident", "staff"]
    assert listed.json["next_cursor"] is None
    assert set(listed.json["items"][0]) == {
        "id",
        "complaint_id",
        "body",
        "author",
        "author_role",
        "created_at",
        "can_hide",
    }


@pytest.mark.needs_plugins("sanitation")
def test_a_comment_never_shows_its_authors_email(app, client, make_account):
    complaint = report(client)
    resident = make_account("resident")
    posted = comment(client, complaint["id"], resident.headers).json
    with app.app_context():
        db.session().get(Comment, posted["id"]).author.display_name = ""
        db.session().commit()
        db.database().session.remove()

    listed = comments(client, complaint["id"]).json["items"]

    assert listed[0]["author"] == "A resident"
    assert resident.email not in str(listed)


@pytest.mark.needs_plugins("sanitation")
def test_commenting_needs_a_signed_in_user(client):
    complaint = report(client)
    assert error(comment(client, complaint["id"], {})) == (401, "unauthorized")


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    "body, message",
    [
        ({"body": ""}, "Write something first."),
        ({"body": "   \n "}, "Write something first."),
        ({"body": "x" * 2001}, "At most 2000 characters."),
        ({}, "Missing data for required field."),
        ({"body": 42}, "Not a valid string."),
    ],
)
def test_a_comment_has_1_to_2000_characters(client, make_account, body, message):
    complaint = report(client)
    resident = make_account("resident")
    response = client.post(
        f"/api/v1/complaints/{complaint['id']}/comments", json=body, headers=resident.headers
    )
    assert error(response) == (400, "validation_failed")
    assert response.json["error"]["fields"] == {"body": [message]}


@pytest.mark.needs_plugins("sanitation")
def test_a_comment_of_2000_characters_is_taken(client, make_account):
    complaint = report(client)
    response = comment(client, complaint["id"], make_account("resident").headers, "x" * 2000)
    assert response.status_code == 201


@pytest.mark.needs_plugins("sanitation")
def test_a_comment_needs_json(client, make_account):
    complaint = report(client)
    response = client.post(
        f"/api/v1/complaints/{complaint['id']}/comments",
        data="body=hello",
        headers=make_account("resident").headers,
        content_type="application/x-www-form-urlencoded",
    )
    assert error(response) == (400, "invalid_json")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_discussion_of_a_confidential_complaint_is_for_those_who_see_it(client, make_account):
    reporter = make_account("resident")
    other = make_account("resident")
    staff = make_account("staff", agency="dlh")
    secret = report(client, headers=reporter.headers, privacy="confidential")
    assert comment(client, secret["id"], reporter.headers, "Tolong cepat.").status_code == 201

    assert error(comments(client, secret["id"])) == (404, "not_found")
    assert error(comments(client, secret["id"], other.headers)) == (404, "not_found")
    assert error(comment(client, secret["id"], other.headers)) == (404, "not_found")
    seen_by_staff = comments(client, secret["id"], staff.headers)
    assert [item["body"] for item in seen_by_staff.json["items"]] == ["Tolong cepat."]
    assert comment(client, secret["id"], staff.headers, "Sedang kami cek.").status_code == 201


@pytest.mark.needs_plugins("police")
def test_police_discussions_stay_with_the_police(client, make_account):
    crime = report(client, category="crime")
    assert error(comments(client, crime["id"])) == (404, "not_found")
    police = make_account("staff", agency="polda")
    assert comment(client, crime["id"], police.headers, "Patroli dikirim.").status_code == 201


def test_no_discussion_of_a_complaint_that_does_not_exist(client, make_account):
    assert error(comments(client, 999)) == (404, "not_found")
    assert error(comment(client, 999, make_account("resident").headers)) == (404, "not_found")


@pytest.mark.needs_plugins("sanitation")
def test_comments_come_in_pages_oldest_first(client, make_account):
    complaint = report(client)
    resident = make_account("resident")
    for number in range(5):
        assert comment(client, complaint["id"], resident.headers, f"#{number}").status_code == 201

    bodies, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = comments(client, complaint["id"], **query).json
        bodies += [item["body"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert bodies == ["#0", "#1", "#2", "#3", "#4"]
    assert pages == 3


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    "query, field", [({"cursor": "bm9wZQ"}, "cursor"), ({"limit": 0}, "limit")]
)
def test_a_bad_page_request_names_its_field(client, query, field):
    complaint = report(client)
    response = comments(client, complaint["id"], **query)
    assert error(response) == (400, "validation_failed")
    assert field in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_resolved_complaint_can_still_be_discussed(client, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    resolve(client, complaint["id"], staff.headers)
    response = comment(client, complaint["id"], make_account("resident").headers, "Belum bersih.")
    assert response.status_code == 201


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_rejected_complaints_discussion_is_closed(client, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    set_status(
        client, complaint["id"], staff.headers, "rejected", note="Bukan kota.", note_public=True
    )
    response = comment(client, complaint["id"], make_account("resident").headers)
    assert error(response) == (409, "discussion_closed")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_merged_complaints_discussion_is_closed(client, make_account):
    staff = make_account("staff", agency="dlh")
    kept, duplicate = report(client), report(client)
    merge = client.post(
        f"/api/v1/complaints/{duplicate['id']}/merge",
        json={"into": kept["id"]},
        headers=staff.headers,
    )
    assert merge.status_code == 200
    resident = make_account("resident")
    assert error(comment(client, duplicate["id"], resident.headers)) == (409, "discussion_closed")
    assert comment(client, kept["id"], resident.headers).status_code == 201


# --- hiding comments -------------------------------------------------------------------------


@pytest.fixture
def discussed(client, make_account):
    """A public garbage complaint with one resident's comment on it."""
    complaint = report(client)
    author = make_account("resident")
    posted = comment(client, complaint["id"], author.headers, "Spam spam spam").json
    return {"complaint": complaint["id"], "comment": posted["id"], "author": author}


@pytest.mark.needs_plugins("sanitation")
def test_the_author_takes_their_comment_down(client, discussed):
    response = hide(
        client, discussed["complaint"], discussed["comment"], discussed["author"].headers
    )
    assert response.status_code == 204
    assert comments(client, discussed["complaint"]).json["items"] == []


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize("role, agency", [("staff", "dlh"), ("head", "dlh"), ("admin", None)])
def test_the_owning_agency_and_admins_hide_a_comment(client, make_account, discussed, role, agency):
    moderator = make_account(role, agency=agency)
    listed = comments(client, discussed["complaint"], moderator.headers).json["items"]
    assert listed[0]["can_hide"] is True
    response = hide(client, discussed["complaint"], discussed["comment"], moderator.headers)
    assert response.status_code == 204
    assert comments(client, discussed["complaint"]).json["items"] == []


@pytest.mark.needs_plugins("sanitation", "transport")
@pytest.mark.parametrize(
    "role, agency", [("resident", None), ("officer", "dlh"), ("staff", "dishub")]
)
def test_others_may_not_hide_a_comment(client, make_account, discussed, role, agency):
    someone = make_account(role, agency=agency)
    listed = comments(client, discussed["complaint"], someone.headers).json["items"]
    assert listed[0]["can_hide"] is False
    response = hide(client, discussed["complaint"], discussed["comment"], someone.headers)
    assert error(response) == (403, "forbidden")
    assert len(comments(client, discussed["complaint"]).json["items"]) == 1


@pytest.mark.needs_plugins("sanitation")
def test_hiding_needs_a_signed_in_user(client, discussed):
    assert comments(client, discussed["complaint"]).json["items"][0]["can_hide"] is False
    response = hide(client, discussed["complaint"], discussed["comment"], {})
    assert error(response) == (401, "unauthorized")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_hidden_comment_is_kept_with_who_hid_it(app, client, make_account, discussed):
    staff = make_account("staff", agency="dlh")
    hide(client, discussed["complaint"], discussed["comment"], staff.headers)
    with app.app_context():
        kept = db.session().get(Comment, discussed["comment"])
        assert (kept.body, kept.hidden_by_id) == ("Spam spam spam", staff.id)
        assert kept.hidden_at is not None
        db.database().session.remove()
    again = hide(client, discussed["complaint"], discussed["comment"], staff.headers)
    assert error(again) == (404, "not_found")


@pytest.mark.needs_plugins("sanitation")
def test_a_comment_is_hidden_only_through_its_own_complaint(client, make_account, discussed):
    other = report(client)
    staff = make_account("staff", agency="dlh")
    assert error(hide(client, other["id"], discussed["comment"], staff.headers)) == (
        404,
        "not_found",
    )
    assert len(comments(client, discussed["complaint"]).json["items"]) == 1


@pytest.mark.needs_plugins("sanitation")
def test_a_comment_tells_the_reporter_and_followers_but_not_its_author(client, make_account):
    reporter, voter = make_account("resident"), make_account("resident")
    complaint = report(client, headers=reporter.headers)
    assert vote(client, complaint["id"], voter.headers).status_code == 201

    comment(client, complaint["id"], voter.headers, "Di depan rumah saya juga.")

    [news] = notifications(client, reporter)
    assert (news["kind"], news["complaint_id"]) == ("comment", complaint["id"])
    assert notifications(client, voter) == []


# --- "me too" --------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_me_too_counts_each_resident_once(client, make_account):
    complaint = report(client)
    first, second = make_account("resident"), make_account("resident")

    said = vote(client, complaint["id"], first.headers)
    again = vote(client, complaint["id"], first.headers)
    other = vote(client, complaint["id"], second.headers)

    assert (said.status_code, said.json) == (201, {"votes": 1, "voted": True})
    assert (again.status_code, again.json) == (200, {"votes": 1, "voted": True})
    assert (other.status_code, other.json) == (201, {"votes": 2, "voted": True})
    assert client.get(f"/api/v1/complaints/{complaint['id']}").json["votes"] == 2
    listed = client.get("/api/v1/complaints").json["items"]
    assert [item["votes"] for item in listed] == [2]
    assert client.get(f"/api/v1/complaints/{complaint['id']}/votes").json == {"votes": 2}
    mine = client.get(f"/api/v1/complaints/{complaint['id']}/votes", headers=first.headers)
    assert mine.json == {"votes": 2, "voted": True}


@pytest.mark.needs_plugins("sanitation")
def test_a_new_complaint_has_no_votes(client):
    assert report(client)["votes"] == 0


@pytest.mark.needs_plugins("sanitation")
def test_me_too_is_taken_back(client, make_account):
    complaint = report(client)
    resident = make_account("resident")
    vote(client, complaint["id"], resident.headers)

    taken_back = unvote(client, complaint["id"], resident.headers)
    again = unvote(client, complaint["id"], resident.headers)

    assert (taken_back.status_code, taken_back.json) == (200, {"votes": 0, "voted": False})
    assert (again.status_code, again.json) == (200, {"votes": 0, "voted": False})
    assert vote(client, complaint["id"], resident.headers).json == {"votes": 1, "voted": True}


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_voter_follows_the_complaint_until_taking_the_vote_back(app, client, make_account):
    complaint = report(client)
    voter = make_account("resident")
    staff = make_account("staff", agency="dlh")

    vote(client, complaint["id"], voter.headers)
    set_status(client, complaint["id"], staff.headers, "acknowledged")

    assert followers(app, complaint["id"]) == {voter.id}
    [news] = notifications(client, voter)
    assert (news["kind"], news["complaint_id"]) == ("status", complaint["id"])
    unvote(client, complaint["id"], voter.headers)
    assert followers(app, complaint["id"]) == set()
    set_status(client, complaint["id"], staff.headers, "in_progress")
    assert len(notifications(client, voter)) == 1


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_merged_reporter_taking_a_vote_back_still_follows(app, client, make_account):
    first, second = make_account("resident"), make_account("resident")
    staff = make_account("staff", agency="dlh")
    kept = report(client, headers=first.headers)
    duplicate = report(client, headers=second.headers)
    client.post(
        f"/api/v1/complaints/{duplicate['id']}/merge",
        json={"into": kept["id"]},
        headers=staff.headers,
    )
    assert vote(client, kept["id"], second.headers).status_code == 201

    unvote(client, kept["id"], second.headers)

    assert followers(app, kept["id"]) == {second.id}


@pytest.mark.needs_plugins("sanitation")
def test_me_too_needs_a_signed_in_resident(client, make_account):
    complaint = report(client)
    assert error(vote(client, complaint["id"], {})) == (401, "unauthorized")
    assert error(unvote(client, complaint["id"], {})) == (401, "unauthorized")
    staff = make_account("staff", agency="dlh")
    assert error(vote(client, complaint["id"], staff.headers)) == (403, "forbidden")


@pytest.mark.needs_plugins("sanitation")
def test_the_reporter_does_not_vote_for_their_own_complaint(client, make_account):
    reporter = make_account("resident")
    complaint = report(client, headers=reporter.headers)
    assert error(vote(client, complaint["id"], reporter.headers)) == (409, "own_complaint")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_votes_close_with_the_complaint(client, make_account):
    staff = make_account("staff", agency="dlh")
    early, late = make_account("resident"), make_account("resident")
    complaint = report(client)
    vote(client, complaint["id"], early.headers)
    resolve(client, complaint["id"], staff.headers)

    assert error(vote(client, complaint["id"], late.headers)) == (409, "voting_closed")
    assert vote(client, complaint["id"], early.headers).status_code == 200
    assert unvote(client, complaint["id"], early.headers).json == {"votes": 0, "voted": False}


@pytest.mark.needs_plugins("sanitation")
def test_no_votes_on_a_complaint_one_may_not_see(client, make_account):
    secret = report(client, headers=make_account("resident").headers, privacy="confidential")
    outsider = make_account("resident")
    assert error(vote(client, secret["id"], outsider.headers)) == (404, "not_found")
    assert error(client.get(f"/api/v1/complaints/{secret['id']}/votes")) == (404, "not_found")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_vote_is_no_edit_of_the_complaint(app, client, make_account):
    """Staff who read the complaint before a vote still change it: a vote moves neither the
    version nor the time the complaint was last updated."""
    complaint = report(client)
    staff = make_account("staff", agency="dlh")
    with app.app_context():
        before = db.session().get(Complaint, complaint["id"])
        version, updated_at = before.version, before.updated_at
        db.database().session.remove()

    vote(client, complaint["id"], make_account("resident").headers)
    comment(client, complaint["id"], make_account("resident").headers)

    with app.app_context():
        after = db.session().get(Complaint, complaint["id"])
        assert (after.version, after.updated_at, after.vote_count) == (version, updated_at, 1)
        db.database().session.remove()
    assert set_status(client, complaint["id"], staff.headers, "acknowledged")["votes"] == 1


def test_the_api_documents_the_discussion(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert set(paths["/api/v1/complaints/{complaint_id}/comments"]) >= {"get", "post"}
    assert "delete" in paths["/api/v1/complaints/{complaint_id}/comments/{comment_id}"]
    assert set(paths["/api/v1/complaints/{complaint_id}/votes"]) >= {"get", "post", "delete"}


# --- live ------------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_an_open_complaint_page_hears_comments_and_votes(live_server, live_client, make_account):
    complaint = requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5).json()
    page = live_client()
    assert page.client.call("follow", {"complaint_id": complaint["id"]}, timeout=5)["ok"]
    resident = make_account("resident")
    url = f"{live_server}/api/v1/complaints/{complaint['id']}"

    posted = requests.post(
        f"{url}/comments",
        json={"body": "Baunya sampai ke sekolah."},
        headers=resident.headers,
        timeout=5,
    )
    assert posted.status_code == 201
    [heard] = page.wait_for("complaint.updated")
    assert (heard["id"], heard["votes"]) == (complaint["id"], 0)

    assert requests.post(f"{url}/votes", headers=resident.headers, timeout=5).status_code == 201
    updates = page.wait_for("complaint.updated", count=2)
    assert updates[1]["votes"] == 1
    assert "voted" not in updates[1]
    assert resident.email not in str(updates)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_agency_console_hears_a_vote(live_server, live_client, make_account):
    complaint = requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5).json()
    console = live_client(token=make_account("staff", agency="dlh").token)
    resident = make_account("resident")
    url = f"{live_server}/api/v1/complaints/{complaint['id']}/votes"
    assert requests.post(url, headers=resident.headers, timeout=5).status_code == 201
    [heard] = console.wait_for("complaint.updated")
    assert (heard["id"], heard["votes"]) == (complaint["id"], 1)


@pytest.mark.needs_plugins("sanitation")
def test_votes_sent_at_the_same_moment_all_count_once(live_server, make_account):
    complaint = requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5).json()
    url = f"{live_server}/api/v1/complaints/{complaint['id']}/votes"
    residents = [make_account("resident") for _ in range(6)]
    eager = residents[0]

    def send(account):
        return requests.post(url, headers=account.headers, timeout=10).status_code

    sent = [gevent.spawn(send, account) for account in [*residents, eager, eager, eager]]
    gevent.joinall(sent, timeout=20)

    statuses = [greenlet.value for greenlet in sent]
    assert sorted(statuses) == [200, 200, 200] + [201] * 6
    assert requests.get(url, timeout=5).json() == {"votes": 6}


@pytest.mark.needs_plugins("routing", "sanitation")
def test_saying_me_too_does_not_make_a_resident_the_reporter(client, make_account):
    reporter, neighbour = make_account("resident"), make_account("resident")
    staff = make_account("staff", agency="dlh")
    complaint_id = report(client, reporter.headers)["id"]
    assert vote(client, complaint_id, neighbour.headers).status_code == 201
    resolve(client, complaint_id, staff.headers)

    rating = client.post(
        f"/api/v1/complaints/{complaint_id}/rating", json={"stars": 1}, headers=neighbour.headers
    )
    reopen = client.post(
        f"/api/v1/complaints/{complaint_id}/reopen",
        json={"reason": "Masih ada"},
        headers=neighbour.headers,
    )

    assert rating.status_code == 403 and reopen.status_code == 403
    mine = client.post(
        f"/api/v1/complaints/{complaint_id}/rating", json={"stars": 5}, headers=reporter.headers
    )
    assert mine.status_code == 200


@pytest.mark.needs_plugins("sanitation")
def test_the_complaint_says_whether_you_said_me_too(client, make_account):
    neighbour = make_account("resident")
    complaint_id = report(client)["id"]
    url = f"/api/v1/complaints/{complaint_id}"
    assert client.get(url, headers=neighbour.headers).json["voted"] is False
    vote(client, complaint_id, neighbour.headers)
    shown = client.get(url, headers=neighbour.headers).json
    assert (shown["votes"], shown["voted"]) == (1, True)
    assert "voted" not in client.get(url).json
