"""Every pharma form-handling URL, fed generated hostile input: never a server error, and a
refused submission stores nothing. The QA document editor parses its own POST
(pharma/document_forms.py), so it gets every field and table cell of a kind."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, reverse
from hypothesis import given

from knowledge.models import FlaggedQuestion
from lumen.accounts.roles import Role
from pharma import documents, execution, kinds, logbook
from pharma.document_forms import cell_name, field_name
from pharma.models import (
    Deviation,
    Evidence,
    Execution,
    ExecutionSignature,
    Invitation,
    LogbookEntry,
    LogbookVerification,
    Membership,
    QADocument,
    Revision,
    Signature,
    StepResult,
)
from pharma.pathway_forms import PathwayForm
from pharma.urls import urlpatterns
from tests.conftest import PASSWORD, _person
from tests.pharma.protocols import approved_protocol
from tests.security.hostile import FUZZ, assert_handled, form_data, snapshot

KIND = kinds.get("cleaning_validation")


def _editor_fields() -> list[str]:
    names = ["reason", "add_row"]
    for section in KIND.sections:
        names += [field_name(section.key, spec.key) for spec in section.fields]
        for table in section.tables:
            names += [cell_name(section.key, table.key, 0, c.key) for c in table.columns]
            names += [cell_name(section.key, table.key, 0, "_remove")]
            names += [cell_name(section.key, table.key, 10**7, table.columns[0].key)]
    return names


LOGBOOK_FIELDS = ("date", "time", "activity", "product", "batch", "remarks", "user_id", "password")
FORMS = {
    "documents": ("post", ["kind", "title"]),
    "document_edit": ("post", _editor_fields()),
    "document_sign": ("post", ["meaning", "user_id", "password"]),
    "document_submit": ("post", ["reviewers", "approvers"]),
    "document_compare": ("get", ["from", "to"]),
    "members": ("post", ["membership", "roles"]),
    "compliance": ("post", ["document", "kind"]),
    "pathways": ("post", ["step", *PathwayForm().fields]),
    "assistant": ("post", ["question", "authority", "region"]),
    "drugs": ("get", ["q", "page"]),
    "result_record": ("post", ["value", "condition", "visually_clean", "met", "observation"]),
    "deviation_assess": (
        "post",
        ["impact_assessment", "capa_reference", "change_control_reference"],
    ),
    "execution_sign": ("post", ["meaning", "user_id", "password"]),
    "logbook_detail": ("post", [*LOGBOOK_FIELDS]),
    "logbook_entry_correct": ("post", [*LOGBOOK_FIELDS, "reason"]),
    "logbook_entry_verify": ("post", ["user_id", "password"]),
    "logbook_pdf": ("get", ["from", "to"]),
}
NO_INPUT = {
    "home",
    "audit",
    "invitation",  # fuzzed below, as the anonymous visitor it is for
    "drug_detail",
    "document_detail",
    "document_withdraw",
    "document_pdf",
    "document_revision",
    "document_revision_pdf",
    "execution_start",
    "execution_detail",
    "execution_pdf",
    "evidence_download",
    "deviations",
}
GOOD = {
    "kind": ["cleaning_validation", "sop"],
    "meaning": ["approved", "reviewed"],
    "password": [PASSWORD],
    "step": ["questions"],
    "question": ["How often must cleaning validation be repeated?"],
    "authority": ["FDA"],
    "region": ["EU"],
    "page": ["2", "-1", "last"],
    "add_row": ["products.products", "nope.nope"],
    "f-cleaning-dirty_hold_h": ["48", "1e3", "1,000", "0,012", "185.000"],
    "value": ["12", "450", "0,5"],
    "visually_clean": ["yes", "no"],
    "impact_assessment": ["The next batch is on hold until the chute is re-cleaned."],
    "capa_reference": ["CAPA-1"],
    "date": ["2020-01-01", "2020-02-30"],
    "time": ["08:00", "25:99"],
    "activity": ["production", "cleaning"],
    "from": ["1", "999999999999999999999"],
    "to": ["1", "-1"],
    "roles": ["author", "qa_admin", "king"],
}


@pytest.fixture
def protocol(acme, acme_qa, acme_signer, client, login):
    login(acme_signer)  # with two-factor, so the signing form itself is fuzzed
    return documents.document_create(
        organisation=acme, user=acme_qa, kind=KIND.key, title="Train A"
    )


def _rows() -> list:
    return snapshot(
        [
            QADocument.objects.all(),
            Revision.objects.all(),
            Signature.objects.all(),
            Membership.objects.all(),
            Invitation.objects.all(),
            FlaggedQuestion.objects.all(),
            Execution.objects.all(),
            StepResult.objects.all(),
            Evidence.objects.all(),
            Deviation.objects.all(),
            ExecutionSignature.objects.all(),
            LogbookEntry.objects.all(),
            LogbookVerification.objects.all(),
        ]
    )


@pytest.fixture
def records(acme, acme_signer, protocol):
    """An execution with a deviation, and a logbook with an entry by someone else (so the
    signed-in Quinn may verify it)."""
    run = execution.execution_start(
        revision=approved_protocol(acme, acme_signer, acme_signer, "Train B"), user=acme_signer
    )
    failing = execution.result_record(
        execution=run, user=acme_signer, criterion_key="swab-2", value="999"
    )
    book = documents.document_create(
        organisation=acme, user=acme_signer, kind="manufacturing_logbook", title="GR-01"
    )
    pat = _person("pat@acme.example", Role.PHARMA, "Pat Operator")
    Membership.objects.create(user=pat, organisation=acme)
    entry = logbook.entry_append(
        logbook=book, user=pat, date="2020-01-01", time="07:00", activity="production"
    )
    return {
        "result_record": {"uid": run.uid, "key": "swab-1"},
        "deviation_assess": {"uid": failing.deviation.uid},
        "execution_sign": {"uid": run.uid},
        "logbook_detail": {"uid": book.uid},
        "logbook_pdf": {"uid": book.uid},
        "logbook_entry_correct": {"uid": entry.uid},
        "logbook_entry_verify": {"uid": entry.uid},
    }


def _url(name: str, protocol, records: dict | None = None) -> str:
    if records and name in records:
        return reverse(f"pharma:{name}", kwargs=records[name])
    return reverse(f"pharma:{name}", kwargs={"uid": protocol.uid} if "document_" in name else None)


def test_every_pharma_url_is_fuzzed_or_reads_no_input():
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert names == set(FORMS) | NO_INPUT


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_input_never_breaks_a_pharma_form(name, client, protocol, records, drug_database):
    method, fields = FORMS[name]
    url = _url(name, protocol, records)

    @FUZZ
    @given(data=form_data(fields, GOOD), htmx=...)
    def submit(data: dict, htmx: bool) -> None:
        before = _rows()
        headers = {"HX-Request": "true"} if htmx else {}
        response = getattr(client, method)(url, data, headers=headers)
        assert_handled(response, before, _rows(), f"{method} {name} {data!r:.300}")

    submit()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_nul_byte_in_any_field_is_refused_not_a_database_error(name, client, protocol, records):
    method, fields = FORMS[name]
    valid = {field: GOOD.get(field, ["ok"])[0] for field in fields if field != "add_row"}
    url = _url(name, protocol, records)
    for field in fields:
        before = _rows()
        response = getattr(client, method)(url, {**valid, field: "ok\x00ok"})
        assert_handled(response, before, _rows(), f"{name}.{field}")


def test_a_nul_byte_in_a_document_field_is_an_error_in_place(client, protocol):
    response = client.post(
        _url("document_edit", protocol), {"f-purpose-objective": "a\x00b", "reason": "r"}
    )
    assert response.status_code == 422
    assert "null characters are not allowed" in response.content.decode()
    assert Revision.objects.filter(document=protocol).count() == 1


@pytest.mark.parametrize("value", ["1e999999", "9" * 1_999, "1e15"])
def test_an_absurdly_large_number_is_refused_at_once(client, protocol, value):
    """`1e999999` used to be expanded to a million-digit int (38 s of CPU, then a 500)."""
    response = client.post(
        _url("document_edit", protocol), {"f-cleaning-dirty_hold_h": value, "reason": "r"}
    )
    assert response.status_code == 422
    assert "enter a number below" in response.content.decode()


def test_a_row_index_of_thousands_of_digits_is_ignored(client, protocol):
    """int() refuses strings of over 4,300 digits: such an index used to be a 500."""
    name = cell_name("products", "products", 0, "name").replace("-0-", "-" + "9" * 5_000 + "-")
    response = client.post(
        _url("document_edit", protocol),
        urlencode({name: "x", "reason": "r"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 422)


def test_a_nul_byte_in_the_drug_search_is_not_a_database_error(client, protocol, drug_database):
    response = client.get(reverse("pharma:drugs"), {"q": "ibu\x00profen"})
    assert response.status_code == 200


@FUZZ
@given(data=form_data(["name", "password1", "password2"], {"password1": [PASSWORD]}))
def test_hostile_input_never_breaks_redeeming_an_invitation(client, acme, staff_user, data):
    invite = Invitation.objects.filter(email="new@acme.example").first() or (
        Invitation.objects.create(
            organisation=acme,
            email="new@acme.example",
            invited_by=staff_user,
            expires_at=acme.created_at.replace(year=2999),
        )
    )
    client.logout()
    before = _rows()
    response = client.post(reverse("pharma:invitation", args=[invite.token]), data)
    assert_handled(response, before, _rows(), f"invitation {data!r:.300}")
