"""Due dates said in the talk ("by Friday", "next week", "June 30th") resolved against the meeting date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from hfkit.core.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_DAY = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.I)
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(MONTHS) + r")(?:,?\s+(\d{4}))?", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(value: str) -> dt.date:
    """Parse the --date option (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"Date '{value}' is not a date in the form YYYY-MM-DD.", "Pass e.g. --date 2026-03-02.") from exc


def _next_weekday(base: dt.date, weekday: int) -> dt.date:
    return base + dt.timedelta(days=(weekday - base.weekday()) % 7 or 7)


def _end_of_month(base: dt.date) -> dt.date:
    first_next = (base.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


RELATIVE: dict[str, Callable[[dt.date], dt.date]] = {
    "today": lambda d: d,
    "tonight": lambda d: d,
    "end of the day": lambda d: d,
    "tomorrow": lambda d: d + dt.timedelta(days=1),
    "day after tomorrow": lambda d: d + dt.timedelta(days=2),
    "end of the week": lambda d: d + dt.timedelta(days=(4 - d.weekday()) % 7),
    "end of this week": lambda d: d + dt.timedelta(days=(4 - d.weekday()) % 7),
    "next week": lambda d: d + dt.timedelta(days=7 - d.weekday()),
    "end of next week": lambda d: d + dt.timedelta(days=11 - d.weekday()),
    "end of the month": _end_of_month,
    "end of this month": _end_of_month,
    "next month": lambda d: _end_of_month(d) + dt.timedelta(days=1),
}


def _absolute(text: str, base: dt.date | None) -> dt.date | None:
    if match := _ISO.search(text):
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    match = _MONTH_DAY.search(text)
    month, day, year = (match[1], match[2], match[3]) if match else (None, None, None)
    if not match and (match := _DAY_MONTH.search(text)):
        day, month, year = match[1], match[2], match[3]
    if not month or not day:
        return None
    year_value = int(year) if year else (base.year if base else None)
    if year_value is None:
        return None
    try:
        found = dt.date(year_value, MONTHS.index(month.lower()) + 1, int(day))
    except ValueError:
        return None
    if base and not year and found < base:
        found = found.replace(year=found.year + 1)
    return found


def resolve_due(text: str, meeting_date: dt.date | None) -> dt.date | None:
    """The calendar date ``text`` names, or None when it names none (or needs an unknown meeting date)."""
    lowered = text.lower()
    absolute = _absolute(text, meeting_date)
    if absolute or meeting_date is None:
        return absolute
    for phrase in sorted(RELATIVE, key=len, reverse=True):
        if phrase in lowered:
            return RELATIVE[phrase](meeting_date)
    for index, name in enumerate(WEEKDAYS):
        if name in lowered:
            return _next_weekday(meeting_date, index)
    return None
