"""PAM Jaya's page at /pamjaya: its categories, their recent open reports, its customer line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import flask
from core import db
from core.auth import current_actor
from core.catalog import catalog
from core.complaints import visible_complaints
from core.models import OPEN_STATUSES, Complaint
from flask import current_app, render_template
from sqlalchemy import func

from smartcity_pam_jaya import CATEGORIES, NAME

# Named after the plugin: core mounts it at /pamjaya and `smartcity plugins` lists its routes.
pages = flask.Blueprint(NAME, __name__, template_folder="templates")


@pages.get("")
def water_page() -> str:
    settings = current_app.extensions[NAME]
    since = datetime.now(UTC) - timedelta(days=settings.recent_days)
    # Only what the visitor may see, counted in one query.
    counted = (
        visible_complaints(current_actor())
        .where(
            Complaint.category_code.in_(CATEGORIES),
            Complaint.status.in_(OPEN_STATUSES),
            Complaint.created_at >= since,
        )
        .with_only_columns(Complaint.category_code, func.count())
        .group_by(Complaint.category_code)
    )
    open_reports = dict(db.session().execute(counted).all())
    categories = [catalog().categories[code] for code in CATEGORIES]
    return render_template(
        "pamjaya/water.html",
        categories=categories,
        open_reports=open_reports,
        settings=settings,
    )
