"""Time zones chosen by the clock, so tests about "earlier today" hold at any hour."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Offsets 12 hours apart: at any instant one of them is past 02:00 and before 22:00.
CANDIDATES = ("UTC", "Pacific/Kiritimati", "Asia/Tokyo", "America/Los_Angeles")


def zone_past_two_am() -> str:
    """A zone whose local time now is between 02:00 and 22:00."""
    now = dt.datetime.now(dt.UTC)
    for name in CANDIDATES:
        if 2 <= now.astimezone(ZoneInfo(name)).hour < 22:
            return name
    raise AssertionError("unreachable: the candidates span the day")
