"""The electronic logbook (issue 16, finding 6): entries appended one at a time with server
time and the signed-in performer, signed where the activity needs it, corrected by new
entries with a reason, verified by a second person; impossible, future and out-of-order
times refused with a clear message."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.utils import timezone
from pypdf import PdfReader

from lumen.accounts.roles import Role
from pharma import compliance, documents, kinds
from pharma.logbook import LogbookError, entry_append, entry_verify
from pharma.models import LogbookEntry, Membership, Revision
from tests.conftest import PASSWORD, _person, totp_enable


@pytest.fixture
def vera_verifier(acme):
    user = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=user, organisation=acme)
    totp_enable(user)
    return user


@pytest.fixture
def logbook(acme, acme_signer):
    return documents.document_create(
        organisation=acme, user=acme_signer, kind="manufacturing_logbook", title="Granulator GR-01"
    )


def _day(days_ago: int) -> str:
    return f"{timezone.localdate() - dt.timedelta(days=days_ago):%Y-%m-%d}"


def _add(logbook, user, days_ago=2, time="08:00", activity="production", **kw):
    return entry_append(
        logbook=logbook, user=user, date=_day(days_ago), time=time, activity=activity, **kw
    )


def test_an_entry_carries_server_time_and_the_signed_in_performer(logbook, acme_signer):
    before = timezone.now()
    entry = _add(logbook, acme_signer, product="Product B", batch="B-0042")
    assert entry.sequence == 1
    assert entry.performer == acme_signer and entry.performer_name == "Quinn QA"
    assert before <= entry.recorded_at <= timezone.now()
    assert entry.occurred_at == timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=2), dt.time(8, 0))
    )
    assert entry.signed_at is None  # production entries need no signature
    # Appending an entry makes no new revision of the logbook document.
    assert logbook.revisions.count() == 1
    assert _add(logbook, acme_signer, time="09:30").sequence == 2


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        (None, "25:99", "“25:99” is not a time of day"),
        (None, "24:00", "is not a time of day"),
        (None, "8.30", "write it as HH:MM"),
        ("2026-02-30", "08:00", "2026-02-30 is not a date in the calendar"),
        ("07/12/2026", "08:00", "write it as YYYY-MM-DD"),
        ("2999-01-01", "08:00", "is in the future"),
    ],
)
def test_impossible_and_future_times_are_refused(logbook, acme_signer, date, time, message):
    with pytest.raises(LogbookError, match=message):
        entry_append(
            logbook=logbook, user=acme_signer, date=date or _day(1), time=time,
            activity="production",
        )  # fmt: skip
    assert not LogbookEntry.objects.exists()


def test_an_entry_before_the_last_one_is_refused(logbook, acme_signer):
    _add(logbook, acme_signer, days_ago=1, time="10:00")
    with pytest.raises(LogbookError, match="kept in the order things happened: entry 1"):
        _add(logbook, acme_signer, days_ago=1, time="09:59")
    assert LogbookEntry.objects.count() == 1


def test_cleaning_is_signed_by_the_performer(logbook, acme_signer):
    with pytest.raises(LogbookError, match="Cleaning entries are signed"):
        _add(logbook, acme_signer, activity="cleaning", password="wrong")
    assert LogEntry.objects.filter(
        actor=acme_signer, additional_data__event="logbook signature failed"
    ).exists()
    entry = _add(logbook, acme_signer, activity="cleaning", password=PASSWORD)
    assert entry.signed_at is not None


def test_without_two_factor_nobody_signs_a_cleaning_entry(logbook, acme, vera_verifier):
    plain = _person("pat@acme.example", Role.PHARMA, "Pat Plain")
    Membership.objects.create(user=plain, organisation=acme)
    with pytest.raises(LogbookError, match="two-factor"):
        _add(logbook, plain, activity="cleaning", password=PASSWORD)


def test_a_correction_is_a_new_entry_with_a_reason_and_the_original_stays(logbook, acme_signer):
    original = _add(logbook, acme_signer, days_ago=2, batch="B-0042")
    _add(logbook, acme_signer, days_ago=1)
    with pytest.raises(LogbookError, match="Say why"):
        _add(logbook, acme_signer, days_ago=2, batch="B-0043", corrects=original)
    # A correction keeps the original's (earlier) time: it is not out of order.
    fix = _add(logbook, acme_signer, days_ago=2, batch="B-0043", corrects=original,
               reason="Batch number mistyped")  # fmt: skip
    assert fix.sequence == 3 and fix.corrects == original
    original.refresh_from_db()
    assert original.batch == "B-0042"
    with pytest.raises(LogbookError, match="already been corrected"):
        _add(logbook, acme_signer, days_ago=2, batch="B-0044", corrects=original, reason="x")


def test_verification_is_by_a_second_person_with_their_signature(
    logbook, acme_signer, vera_verifier
):
    entry = _add(logbook, acme_signer)
    with pytest.raises(LogbookError, match="someone other than its performer"):
        entry_verify(entry=entry, user=acme_signer, password=PASSWORD)
    with pytest.raises(LogbookError, match="not right"):
        entry_verify(entry=entry, user=vera_verifier, password="wrong")
    verification = entry_verify(entry=entry, user=vera_verifier, password=PASSWORD)
    assert verification.verifier_name == "Vera Verifier"
    with pytest.raises(LogbookError, match="already verified"):
        entry_verify(entry=entry, user=vera_verifier, password=PASSWORD)


def test_a_corrected_entry_is_not_verified(logbook, acme_signer, vera_verifier):
    entry = _add(logbook, acme_signer)
    _add(logbook, acme_signer, corrects=entry, reason="Wrong product")
    with pytest.raises(LogbookError, match="verify the correction"):
        entry_verify(entry=entry, user=vera_verifier, password=PASSWORD)


def test_entries_go_only_into_a_logbook(acme, acme_signer):
    sop = documents.document_create(organisation=acme, user=acme_signer, kind="sop", title="S")
    with pytest.raises(LogbookError, match="equipment logbook"):
        _add(sop, acme_signer)


# --- pages -------------------------------------------------------------------------------


def test_the_page_appends_as_the_signed_in_user_whatever_name_is_posted(
    client, login, logbook, acme_signer
):
    login(acme_signer)
    url = f"/pharma/logbooks/{logbook.uid}/"
    # The session's first signature needs the user ID as well as the password.
    response = client.post(url, {"date": _day(1), "time": "07:15", "activity": "cleaning",
                                 "password": PASSWORD}, follow=True)  # fmt: skip
    assert "That user ID and password do not match your account." in response.content.decode()
    assert not LogbookEntry.objects.exists()
    response = client.post(url, {"date": _day(1), "time": "07:15", "activity": "cleaning",
                                 "password": PASSWORD, "user_id": acme_signer.email,
                                 "performer_name": "Someone Else",
                                 "performed_by": "Someone Else"}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Entry 1 recorded." in page and "Someone Else" not in page
    entry = LogbookEntry.objects.get()
    assert entry.performer_name == "Quinn QA" and entry.signed_at is not None


def test_the_page_refuses_25_99_with_a_clear_message_and_keeps_what_was_typed(
    client, login, logbook, acme_signer
):
    login(acme_signer)
    response = client.post(f"/pharma/logbooks/{logbook.uid}/", {
        "date": _day(1), "time": "25:99", "activity": "production", "batch": "B-0042"})  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert "“25:99” is not a time of day" in page and 'value="B-0042"' in page
    assert not LogbookEntry.objects.exists()


def test_correct_and_verify_through_the_pages(client, login, logbook, acme_signer, vera_verifier):
    entry = _add(logbook, acme_signer, batch="B-0042")
    login(acme_signer)
    form = client.get(f"/pharma/logbook-entries/{entry.uid}/correct/")
    assert 'value="B-0042"' in form.content.decode()
    response = client.post(f"/pharma/logbook-entries/{entry.uid}/correct/", {
        "date": _day(2), "time": "08:00", "activity": "production", "batch": "B-0043",
        "reason": "Batch number mistyped"}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Correction of entry 1</strong>: Batch number mistyped" in page
    assert "Corrected by entry 2" in page
    client.logout()
    login(vera_verifier)
    fix = LogbookEntry.objects.get(sequence=2)
    response = client.post(f"/pharma/logbook-entries/{fix.uid}/verify/",
                           {"password": PASSWORD, "user_id": vera_verifier.email},
                           follow=True)  # fmt: skip
    assert "Entry 2 verified." in response.content.decode()


def test_another_organisation_gets_404(client, login, logbook, acme_signer, globex_qa):
    entry = _add(logbook, acme_signer)
    login(globex_qa)
    assert client.get(f"/pharma/logbooks/{logbook.uid}/").status_code == 404
    assert client.post(f"/pharma/logbooks/{logbook.uid}/", {
        "date": _day(1), "time": "08:00", "activity": "production"}).status_code == 404  # fmt: skip
    assert client.get(f"/pharma/logbook-entries/{entry.uid}/correct/").status_code == 404
    assert client.post(f"/pharma/logbook-entries/{entry.uid}/verify/",
                       {"password": PASSWORD}).status_code == 404  # fmt: skip
    assert LogbookEntry.objects.count() == 1 and not hasattr(entry, "verification")


def test_a_document_of_another_kind_has_no_logbook_page(client, login, acme, acme_signer):
    sop = documents.document_create(organisation=acme, user=acme_signer, kind="sop", title="S")
    login(acme_signer)
    assert client.get(f"/pharma/logbooks/{sop.uid}/").status_code == 404


def test_the_logbook_page_takes_the_same_queries_for_3_or_30_entries(
    client, login, logbook, acme_signer, vera_verifier, django_assert_max_num_queries
):
    login(acme_signer)
    url = f"/pharma/logbooks/{logbook.uid}/"
    for n in range(30):
        entry = _add(logbook, acme_signer, days_ago=3, time=f"{n // 60:02d}:{n % 60:02d}")
        if n % 3 == 0:
            entry_verify(entry=entry, user=vera_verifier, password=PASSWORD)
        if n % 5 == 0:
            _add(logbook, acme_signer, days_ago=3, time="00:00", corrects=entry, reason="Typo")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("Correction of entry") == 6


# --- the document no longer holds entries; rows typed before are kept as legacy ----------


def _migration():
    return importlib.import_module("pharma.migrations.0007_logbook_legacy_rows")


# Three revisions of an old-style logbook, each re-revised to add a row: a row typed in 0.1,
# repeated in 0.2 with a second one, and in 0.3 the first row's batch changed (both kept).
ROW_1 = {"date": "2026-01-05", "time": "08:00", "activity": "Production", "product": "Product B",
         "batch": "B-0042", "performed_by": "J. Smith", "checked_by": "", "remarks": ""}  # fmt: skip
ROW_2 = {"date": "2026-01-05", "time": "17:30", "activity": "Cleaning", "product": "",
         "batch": "", "performed_by": "K. Lee", "checked_by": "J. Smith",
         "remarks": "Cleaned per SOP-0003"}  # fmt: skip


@pytest.fixture
def old_logbook(logbook, acme_signer):
    """A logbook whose revisions hold rows of the old free-text entries table, as revisions
    saved before the electronic logbook did."""
    first = logbook.revisions.get()
    tables = ([ROW_1], [ROW_1, ROW_2], [{**ROW_1, "batch": "B-0043"}, ROW_2])
    for number, rows in enumerate(tables, start=1):
        content = {"identification": {"equipment_id": "GR-01", "description": "Granulator"},
                   "entries": {"entries": rows}, "references": {"references": ""}}  # fmt: skip
        if number == 1:
            Revision.objects.filter(pk=first.pk).update(content=content)
        else:
            Revision.objects.create(document=logbook, number=number, version=f"0.{number}",
                                    content=content, reason="Entry", created_by=acme_signer)  # fmt: skip
    _migration().copy_legacy_rows(django_apps, None)
    return logbook


def test_the_editor_offers_no_table_of_entries_for_a_logbook(client, login, logbook, acme_signer):
    login(acme_signer)
    page = client.get(f"/pharma/documents/{logbook.uid}/edit/").content.decode()
    assert "t-entries-entries" not in page and "Performed by" not in page
    assert 'name="f-identification-equipment_id"' in page
    # A posted table of entries is not stored: entries exist only in the electronic logbook.
    data = {"reason": "Identify", "f-identification-equipment_id": "GR-01",
            "f-identification-description": "Granulator", "t-entries-entries-0-date": "2026-01-05",
            "t-entries-entries-0-performed_by": "Anyone"}  # fmt: skip
    assert client.post(f"/pharma/documents/{logbook.uid}/edit/", data).status_code == 302
    latest = logbook.revisions.order_by("-number").first()
    assert "entries" not in latest.content
    assert latest.content["identification"]["equipment_id"] == "GR-01"
    assert kinds.get("manufacturing_logbook").missing(latest.content) == []


def test_rows_typed_before_are_copied_once_as_legacy_and_the_revisions_keep_them(old_logbook):
    rows = list(old_logbook.legacy_rows.values_list("position", "batch", "first_version"))
    assert rows == [(1, "B-0042", "0.1"), (2, "", "0.2"), (3, "B-0043", "0.3")]
    row = old_logbook.legacy_rows.get(position=2)
    assert (row.performed_by, row.checked_by, row.remarks) == (
        "K. Lee", "J. Smith", "Cleaned per SOP-0003")  # fmt: skip
    # Running it again copies nothing twice; the revisions are untouched.
    _migration().copy_legacy_rows(django_apps, None)
    assert old_logbook.legacy_rows.count() == 3
    assert old_logbook.revisions.get(number=3).content["entries"]["entries"][1] == ROW_2


def test_legacy_rows_are_shown_apart_on_the_logbook_page_the_revision_and_the_pdf(
    client, login, old_logbook, acme_signer
):
    _add(old_logbook, acme_signer, product="Product C", batch="C-0001")
    login(acme_signer)
    page = client.get(f"/pharma/logbooks/{old_logbook.uid}/").content.decode()
    assert "Entries typed before the electronic logbook (legacy)" in page
    assert 'id="legacy-3"' in page and "B-0043" in page and "K. Lee" in page
    assert 'id="entry-1"' in page and "C-0001" in page
    revision = client.get(f"/pharma/documents/{old_logbook.uid}/revisions/2/").content.decode()
    assert "(legacy, read-only)" in revision and "J. Smith" in revision
    response = client.get(f"/pharma/logbooks/{old_logbook.uid}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "UNCONTROLLED COPY" in text and "C-0001" in text
    assert "legacy" in text and "K. Lee" in text and "B-0043" in text


def test_the_compliance_check_reads_the_electronic_logbook_as_keeping_times_and_people(logbook):
    content = {"identification": {"equipment_id": "GR-01", "description": "Granulator"}}
    report = compliance.check_content(kinds.get("manufacturing_logbook"), content)
    status = {f.element.key: (f.status, f.where) for f in report.findings}
    assert status["identification"][0] == compliance.PRESENT
    for key in ("dates", "persons", "chronology"):
        assert status[key][0] == compliance.PRESENT
        assert status[key][1].startswith("Electronic logbook")


def test_the_logbook_is_printed_by_period_and_a_bad_period_gets_a_message(
    client, login, old_logbook, acme_signer
):
    _add(old_logbook, acme_signer, days_ago=5, batch="EARLY-1")
    _add(old_logbook, acme_signer, days_ago=1, batch="LATE-2")
    login(acme_signer)
    url = f"/pharma/logbooks/{old_logbook.uid}/pdf/"
    response = client.get(url, {"from": _day(2), "to": _day(0)})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "LATE-2" in text and "EARLY-1" not in text
    assert "Period printed" in text and "K. Lee" not in text  # legacy rows: whole book only
    for bad, message in (
        ({"from": "2026-02-30"}, "Print a period with dates written as YYYY-MM-DD."),
        ({"to": "yesterday"}, "Print a period with dates written as YYYY-MM-DD."),
        ({"from": _day(0), "to": _day(3)}, "The period&#x27;s first day comes after its last day."),
    ):
        response = client.get(url, bad, follow=True)
        assert response.status_code == 200 and message in response.content.decode()
