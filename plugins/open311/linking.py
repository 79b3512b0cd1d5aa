"""A row of ours written in the same commit as the row core creates and commits itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from core import db
from core.models import Base


@contextmanager
def written_with(row: Base, attribute: str, kind: type[Base]) -> Iterator[None]:
    """Insert ``row`` in the flush that inserts the first new ``kind`` (a complaint, an event)
    inside the block, linked to it through the relationship ``attribute``.

    Core's ``create_complaint`` and ``update_complaint`` commit on their own; adding the row
    only as their object is flushed makes both one transaction: no complaint without its
    Open311 row, no Open311 row without its complaint, and a retry that core answers from
    what it stored (nothing new flushed) adds nothing.
    """
    session = db.session()

    def link(flushing: Session, _context: Any, _instances: Any) -> None:
        created = next((new for new in flushing.new if isinstance(new, kind)), None)
        if created is not None and getattr(row, attribute) is None:
            setattr(row, attribute, created)
            flushing.add(row)

    event.listen(session, "before_flush", link)
    try:
        yield
    finally:
        event.remove(session, "before_flush", link)
