"""Reading Open311 arguments: empty means absent, datetimes are W3C, and bad ones answer 400."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from flask_babel import gettext

from core.models import utcnow
from plugins.open311.formats import Open311Error

# GeoReport v2: a query spans at most 90 days; without dates, the most recent 90 days.
MAX_SPAN = timedelta(days=90)


def argument(values: Mapping[str, str], name: str) -> str | None:
    """An argument's value; "Optional" arguments sent empty count as not sent."""
    value = values.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def request_id_number(text: str) -> int | None:
    """A service_request_id as a complaint's id; None for anything no complaint can have."""
    text = text.strip()
    if not text.isdigit() or len(text) > 10 or int(text) >= 2**31:
        return None
    return int(text)


def comma_list(values: Mapping[str, str], name: str) -> list[str]:
    text = argument(values, name) or ""
    return [item.strip() for item in text.split(",") if item.strip()]


def w3c_argument(values: Mapping[str, str], name: str, timezone: tzinfo) -> datetime | None:
    """A W3C datetime argument (2010-01-01T00:00:00Z); one without an offset is the city's
    local time."""
    text = argument(values, name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise Open311Error(
            400,
            gettext("%(name)s must be a W3C datetime, such as 2010-01-01T00:00:00Z.", name=name),
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone)


def date_window(values: Mapping[str, str], timezone: tzinfo) -> tuple[datetime, datetime]:
    """``start_date`` and ``end_date``: at most 90 days apart; one alone spans 90 days from
    it; neither, the most recent 90 days."""
    start = w3c_argument(values, "start_date", timezone)
    end = w3c_argument(values, "end_date", timezone)
    if start is None and end is None:
        end = utcnow()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, gettext("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, gettext("start_date and end_date may span at most 90 days."))
    return start, end


def whole_number(values: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = argument(values, name)
    if text is None:
        return default
    try:
        number = int(text)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise Open311Error(
            400,
            gettext(
                "%(name)s must be a whole number from %(low)s to %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return number


def decimal(values: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    text = argument(values, name)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:
        raise Open311Error(
            400,
            gettext(
                "%(name)s must be a number from %(low)s to %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return number
