"""One worker per deployment for a background job: every worker asks for the job's lease
before each round; the holder renews it, and a dead holder's lease runs out for another."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite

from core import db
from core.models import JobLease


def worker_name() -> str:
    """This process on this host, made unique so a restarted process is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take_lease(job: str, holder: str, now: datetime, seconds: float) -> bool:
    """Hold ``job`` until ``now + seconds``, unless another holder's lease still runs.

    Each step is one atomic statement, so of several workers asking at once one
    wins: the UPDATE matches only a lapsed lease or the holder's own (PostgreSQL
    re-checks it after waiting for a rival's row lock), and the first INSERT
    ignores a row a rival inserted a moment earlier. Commits either way.
    """
    session = db.session()
    connection = session.connection()
    until = now + timedelta(seconds=seconds)
    renewed = connection.execute(
        update(JobLease)
        .where(JobLease.name == job, or_(JobLease.expires_at < now, JobLease.holder == holder))
        .values(holder=holder, expires_at=until)
    )
    won = renewed.rowcount == 1
    if not won:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        first = dialect.insert(JobLease).values(name=job, holder=holder, expires_at=until)
        inserted = first.on_conflict_do_nothing().returning(JobLease.name)
        won = connection.execute(inserted).first() is not None
    session.commit()
    return won
