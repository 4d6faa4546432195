"""Content gaps: medicine names people typed that Lumen did not recognise, counted for staff.
Only the name and how often it was seen are kept, never who typed it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from knowledge.models import UnknownDrugName

MAX_LENGTH = UnknownDrugName._meta.get_field("name").max_length


def normalise(name: str) -> str:
    """Lower case, single spaces, no control characters (PostgreSQL text cannot hold NUL, and
    a typed name never needs one), cut to the column's length."""
    printable = "".join(c for c in name if c.isprintable() or c.isspace())
    return " ".join(printable.lower().split())[:MAX_LENGTH]


def record_unknown_names(names: Iterable[str]) -> None:
    """Count each distinct unrecognised name once more (an upsert; F() keeps concurrent
    requests from losing a count)."""
    today = timezone.localdate()
    for name in sorted({normalise(n) for n in names} - {""}):
        row, created = UnknownDrugName.objects.get_or_create(
            name=name, defaults={"count": 1, "last_seen": today}
        )
        if not created:
            UnknownDrugName.objects.filter(pk=row.pk).update(count=F("count") + 1, last_seen=today)
