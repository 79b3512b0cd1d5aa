"""Leases: one worker of the deployment runs a background job at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.leases import take_lease, worker_name

JOB = "some-job"


def test_the_lease_lets_one_worker_at_a_time_run_the_job(app):
    now = datetime.now(UTC)
    with app.app_context():
        assert take_lease(JOB, "worker-a", now, 90)
        assert not take_lease(JOB, "worker-b", now + timedelta(seconds=30), 90)
        assert take_lease(JOB, "worker-a", now + timedelta(seconds=30), 90)  # renewed
        assert not take_lease(JOB, "worker-b", now + timedelta(seconds=119), 90)
        assert take_lease(JOB, "worker-b", now + timedelta(seconds=121), 90)  # a lapsed lease
        assert not take_lease(JOB, "worker-a", now + timedelta(seconds=122), 90)
        assert take_lease("another-job", "worker-a", now, 90)


def test_each_worker_is_a_holder_of_its_own():
    assert worker_name() != worker_name()
