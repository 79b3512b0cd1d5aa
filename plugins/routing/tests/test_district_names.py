"""District names for other plugins' pages: the imported districts named by code, all in one
query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from core import db
from core.plugins import hooks


def test_imported_districts_are_named_and_unknown_codes_left_out(app, demo_districts):
    codes = ["jkt-pusat-tanah-abang", "jkt-utara-penjaringan", "jkt-pusat", "jkt-atlantis"]
    with app.app_context():
        names = hooks().find_district_names(codes=codes)

    assert names == {
        "jkt-pusat-tanah-abang": "Tanah Abang",
        "jkt-utara-penjaringan": "Penjaringan",
        "jkt-pusat": "Jakarta Pusat",
    }


def test_several_codes_are_named_in_one_query(app, demo_districts):
    asked: list[str] = []

    def count_district_queries(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM routing_district" in statement:
            asked.append(statement)

    codes = ["jkt-pusat-gambir", "jkt-pusat-menteng", "jkt-timur-cakung", "jkt-atlantis"]
    with app.app_context():
        engine = db.session().get_bind()
        event.listen(engine, "before_cursor_execute", count_district_queries)
        try:
            names = hooks().find_district_names(codes=codes)
        finally:
            event.remove(engine, "before_cursor_execute", count_district_queries)

    assert names == {
        "jkt-pusat-gambir": "Gambir",
        "jkt-pusat-menteng": "Menteng",
        "jkt-timur-cakung": "Cakung",
    }
    assert len(asked) == 1
