"""The electronic logbook: entries appended one at a time, never edited.

Each entry carries the server's time of recording and the signed-in performer (never a typed
name); activities that change the equipment's state (cleaning, maintenance, calibration) are
signed by the performer with their password. When the activity happened is entered by the
performer and checked: a real date and 24-hour time, not in the future, and not before the
logbook's last entry, so the book reads in the order things happened. A mistake is put
right by a correction: a new entry that points at the one it corrects and says why. A second
person verifies an entry with their own signature.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from lumen.accounts.models import User
from pharma.esign import SignatureRefused, confirm_signer
from pharma.models import LogbookEntry, LogbookVerification, QADocument

Activity = LogbookEntry.Activity
LOGBOOK_KIND = "manufacturing_logbook"
# Activities after which the equipment's state depends on the performer's word.
SIGNED_ACTIVITIES = frozenset({Activity.CLEANING, Activity.MAINTENANCE, Activity.CALIBRATION})
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


class LogbookError(Exception):
    """The entry cannot be recorded as given; the message is safe to show."""


def occurred_at(date_text: str, time_text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """When the activity happened, from "YYYY-MM-DD" and 24-hour "HH:MM" in the site's time
    zone. Impossible dates and times ("2026-02-30", "25:99") and future times are refused."""
    date_text, time_text = (date_text or "").strip(), (time_text or "").strip()
    now = now or timezone.now()
    date_match, time_match = _DATE.fullmatch(date_text), _TIME.fullmatch(time_text)
    if not date_match:
        raise LogbookError(f"“{date_text[:20]}” is not a date: write it as YYYY-MM-DD.")
    if not time_match:
        raise LogbookError(f"“{time_text[:20]}” is not a time: write it as HH:MM (24-hour).")
    hour, minute = (int(g) for g in time_match.groups())
    if hour > 23 or minute > 59:
        raise LogbookError(
            f"“{time_text}” is not a time of day: hours run 00 to 23 and minutes 00 to 59."
        )
    try:
        day = dt.date(*(int(g) for g in date_match.groups()))
    except ValueError as exc:
        raise LogbookError(f"{date_text} is not a date in the calendar.") from exc
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
    if when > now:
        local = timezone.localtime(now)
        raise LogbookError(
            f"{date_text} {time_text} is in the future (it is now {local:%Y-%m-%d %H:%M %Z}). "
            "Record an activity when it has happened."
        )
    return when


def _check_logbook(logbook: QADocument) -> None:
    if logbook.kind != LOGBOOK_KIND:
        raise LogbookError("Entries can only be added to an equipment logbook.")


def _sign_if_needed(user: User, activity: str, password: str, user_id: str | None) -> bool:
    if activity not in Activity.values:
        raise LogbookError("Choose the activity.")
    if activity not in SIGNED_ACTIVITIES:
        return False
    try:
        confirm_signer(
            user=user, password=password, action="logbook signature failed", user_id=user_id
        )
    except SignatureRefused as exc:
        raise LogbookError(
            f"{Activity(activity).label} entries are signed by the performer. {exc}"
        ) from exc
    return True


def _text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def entry_append(
    *,
    logbook: QADocument,
    user: User,
    date: str,
    time: str,
    activity: str,
    product: str = "",
    batch: str = "",
    remarks: str = "",
    password: str = "",
    corrects: LogbookEntry | None = None,
    reason: str = "",
    user_id: str | None = None,
) -> LogbookEntry:
    """Append one entry, as the signed-in `user`. With `corrects`, the new entry corrects
    that one (a reason is required; it may carry the original's earlier time)."""
    _check_logbook(logbook)
    when = occurred_at(date, time)
    reason = _text(reason, 300)
    if corrects is not None and not reason:
        raise LogbookError("Say why the entry is being corrected.")
    signed = _sign_if_needed(user, activity, password, user_id)
    with transaction.atomic():
        # One entry at a time per logbook: the lock orders sequence numbers and the checks.
        QADocument.objects.select_for_update().get(pk=logbook.pk)
        last = logbook.entries.order_by("-sequence").first()
        if corrects is not None:
            corrects = LogbookEntry.objects.get(pk=corrects.pk)
            if corrects.logbook_id != logbook.pk:
                raise LogbookError("That entry is not in this logbook.")
            if LogbookEntry.objects.filter(corrects=corrects).exists():
                raise LogbookError(
                    "This entry has already been corrected; correct the correction instead."
                )
        else:
            latest = logbook.entries.filter(corrects__isnull=True).order_by("-occurred_at").first()
            if latest is not None and when < latest.occurred_at:
                stamp = timezone.localtime(latest.occurred_at)
                raise LogbookError(
                    f"Entries are kept in the order things happened: entry {latest.sequence} "
                    f"is at {stamp:%Y-%m-%d %H:%M %Z}, after {date} {time}. To put an earlier "
                    "entry right, correct it."
                )
        now = timezone.now()
        return LogbookEntry.objects.create(
            logbook=logbook,
            sequence=(last.sequence if last else 0) + 1,
            occurred_at=when,
            activity=activity,
            product=_text(product, 200),
            batch=_text(batch, 60),
            remarks=(remarks or "").strip()[:2000],
            performer=user,
            performer_name=user.name or user.email,
            signed_at=now if signed else None,
            corrects=corrects,
            correction_reason=reason if corrects is not None else "",
        )


def entry_verify(
    *, entry: LogbookEntry, user: User, password: str, user_id: str | None = None
) -> LogbookVerification:
    """A second person's signature that `entry` is right."""
    if entry.performer_id == user.pk:
        raise LogbookError("An entry is verified by someone other than its performer.")
    try:
        confirm_signer(
            user=user, password=password, action="logbook verification failed", user_id=user_id
        )
    except SignatureRefused as exc:
        raise LogbookError(str(exc)) from exc
    with transaction.atomic():
        entry = LogbookEntry.objects.select_for_update().get(pk=entry.pk)
        if LogbookEntry.objects.filter(corrects=entry).exists():
            raise LogbookError("This entry was corrected: verify the correction instead.")
        if LogbookVerification.objects.filter(entry=entry).exists():
            raise LogbookError("This entry is already verified.")
        return LogbookVerification.objects.create(
            entry=entry, verifier=user, verifier_name=user.name or user.email
        )
