"""Executing an approved protocol (issue 16, finding 7): results per acceptance criterion
judged against the frozen limits, a deviation raised from a failing result with its impact
assessment and CAPA / change-control references, and a signed executed report."""

from __future__ import annotations

import hashlib
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from lumen.accounts.roles import Role
from pharma import documents, execution
from pharma.execution import ExecutionError
from pharma.models import Deviation, Evidence, ExecutionStatus, Membership, Revision, StepResult
from tests.conftest import PASSWORD, _person, totp_enable
from tests.pharma.protocols import SWAB_LIMIT, approved_protocol, protocol_content

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def vera_verifier(acme):
    """A second Acme QA member with two-factor: approves what Quinn performed."""
    user = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=user, organisation=acme)
    totp_enable(user)
    return user


@pytest.fixture
def protocol(acme, acme_signer, vera_verifier):
    return approved_protocol(acme, acme_signer, vera_verifier)


@pytest.fixture
def started(protocol, acme_signer):
    return execution.execution_start(revision=protocol, user=acme_signer)


def _swab(started, user, key, value, **kw):
    return execution.result_record(
        execution=started, user=user, criterion_key=key, value=value, **kw
    )


def test_an_approved_protocol_starts_an_execution_with_its_limits(started):
    assert started.record_id == "CVP-0001-R2-EX01"
    swabs = [c for c in started.criteria if c["type"] == "limit"]
    assert [c["key"] for c in swabs] == ["swab-1", "swab-2"]
    assert {c["limit"] for c in swabs} == {SWAB_LIMIT}
    assert swabs[0]["unit"] == "µg/swab"
    assert swabs[0]["label"] == "Swab at Impeller blade (GR-01)"
    assert swabs[0]["basis"].endswith("recovery 80 % applied: compare the amount as measured")
    assert [c["key"] for c in started.criteria if c["type"] == "visual"] == ["visual"]


def test_a_draft_protocol_cannot_be_executed(acme, acme_signer):
    document = documents.document_create(
        organisation=acme, user=acme_signer, kind="cleaning_validation", title="Draft"
    )
    with pytest.raises(ExecutionError, match="Only an approved"):
        execution.execution_start(revision=document.revisions.get(), user=acme_signer)


def test_a_result_at_the_limit_passes_and_one_above_fails_and_raises_a_deviation(
    started, acme_signer
):
    at_limit = _swab(started, acme_signer, "swab-1", "200")
    assert at_limit.passed and not Deviation.objects.filter(result=at_limit).exists()
    above = _swab(started, acme_signer, "swab-2", "200.5", observation="Residue at the weld")
    assert not above.passed
    deviation = above.deviation
    assert deviation.number == "DEV-0001"
    assert "CVP-0001-R2-EX01" in deviation.description
    assert "200.5 µg/swab against a limit of 200 µg/swab" in deviation.description
    assert deviation.assessed_at is None


def test_a_visual_check_that_is_not_clean_fails(started, acme_signer):
    result = execution.result_record(
        execution=started, user=acme_signer, criterion_key="visual", visually_clean=False
    )
    assert not result.passed and result.deviation.number == "DEV-0001"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0,012", "has a comma"),
        ("185.000,5", "has a comma"),
        ("12 µg", "is not a number"),
        ("-3", "is not a number"),
        ("", "Enter the measured value"),
        ("1e3", "is not a number"),
        ("9" * 13, "implausibly large"),
    ],
)
def test_an_ambiguous_or_impossible_value_is_refused_with_a_reason(
    started, acme_signer, raw, message
):
    with pytest.raises(ExecutionError, match=message):
        _swab(started, acme_signer, "swab-1", raw)
    assert not started.results.exists()


def test_a_result_is_never_overwritten(started, acme_signer):
    _swab(started, acme_signer, "swab-1", "10")
    with pytest.raises(ExecutionError, match="never overwritten"):
        _swab(started, acme_signer, "swab-1", "5")
    assert started.results.get().value == 10


def test_evidence_is_kept_with_its_hash_and_its_type_decided_by_content(started, acme_signer):
    photo = SimpleUploadedFile("../../etc/swab photo.png", PNG, content_type="text/html")
    result = _swab(started, acme_signer, "swab-1", "12", files=[photo])
    evidence = Evidence.objects.get(result=result)
    assert evidence.name == "swab photo.png"
    assert evidence.content_type == "image/png"
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.pdf", b"<html><script>", content_type="application/pdf"),
         "PDF, PNG or JPEG"),
        (SimpleUploadedFile("x.png", b""), "empty"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * execution.MAX_EVIDENCE_BYTES),
         "at most 10 MB"),
    ],
)  # fmt: skip
def test_bad_evidence_is_refused_and_nothing_is_recorded(started, acme_signer, upload, message):
    with pytest.raises(ExecutionError, match=message):
        _swab(started, acme_signer, "swab-1", "12", files=[upload])
    assert not started.results.exists() and not Evidence.objects.exists()


def _complete(started, user):
    _swab(started, user, "swab-1", "12")
    failing = _swab(started, user, "swab-2", "450")
    execution.result_record(
        execution=started, user=user, criterion_key="visual", visually_clean=True
    )
    return failing.deviation


def test_signing_needs_every_result_and_every_deviation_assessed(started, acme_signer):
    _swab(started, acme_signer, "swab-1", "12")
    with pytest.raises(ExecutionError, match="2 missing"):
        execution.execution_sign(
            execution=started, user=acme_signer, password=PASSWORD, meaning="performed"
        )
    failing = _swab(started, acme_signer, "swab-2", "450")
    execution.result_record(
        execution=started, user=acme_signer, criterion_key="visual", visually_clean=True
    )
    with pytest.raises(ExecutionError, match="Assess every deviation"):
        execution.execution_sign(
            execution=started, user=acme_signer, password=PASSWORD, meaning="performed"
        )
    with pytest.raises(ExecutionError, match="CAPA"):
        execution.deviation_assess(
            deviation=failing.deviation,
            user=acme_signer,
            impact_assessment="Batch of B on hold; residue above the limit at the chute.",
        )
    execution.deviation_assess(
        deviation=failing.deviation,
        user=acme_signer,
        impact_assessment="Batch of B on hold; residue above the limit at the chute.",
        capa_reference="CAPA-2026-014",
        change_control_reference="CC-2026-031",
    )
    with pytest.raises(ExecutionError, match="already been assessed"):
        execution.deviation_assess(
            deviation=failing.deviation,
            user=acme_signer,
            impact_assessment="Something else entirely, written later.",
            capa_reference="CAPA-X",
        )
    execution.execution_sign(
        execution=started, user=acme_signer, password=PASSWORD, meaning="performed"
    )
    started.refresh_from_db()
    assert started.status == ExecutionStatus.COMPLETED
    with pytest.raises(ExecutionError, match="can no longer be added"):
        _swab(started, acme_signer, "swab-1", "1")


def test_the_executed_report_prints_each_signers_role_as_held_when_signing(
    started, acme_signer, vera_verifier
):
    from pharma.execution_pdf import render_execution

    for key, value in (("swab-1", "12"), ("swab-2", "150")):
        _swab(started, acme_signer, key, value)
    execution.result_record(
        execution=started, user=acme_signer, criterion_key="visual", visually_clean=True
    )
    for user, meaning in ((acme_signer, "performed"), (vera_verifier, "approved")):
        execution.execution_sign(execution=started, user=user, password=PASSWORD, meaning=meaning)
    # A later change of roles changes no signature already given.
    Membership.objects.filter(user=vera_verifier).update(qa_roles=["reviewer"])
    performed, approved = started.signatures.all()
    assert (performed.roles, approved.roles) == (["author"], ["author", "approver"])
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(render_execution(started))).pages
        ).split()
    )
    assert "Meaning Name Role Date and time" in text
    assert "Performed Quinn QA Author 20" in text  # then the date
    assert "Approved Vera Verifier Author, Approver 20" in text


def _assess(deviation, user):
    execution.deviation_assess(
        deviation=deviation,
        user=user,
        impact_assessment="Batch of B on hold; residue above the limit at the chute.",
        capa_reference="CAPA-2026-014",
        change_control_reference="CC-2026-031",
    )


def test_the_performer_cannot_approve_and_a_wrong_password_is_logged(
    started, acme_signer, vera_verifier
):
    _assess(_complete(started, acme_signer), acme_signer)
    execution.execution_sign(
        execution=started, user=acme_signer, password=PASSWORD, meaning="performed"
    )
    with pytest.raises(ExecutionError, match="cannot also approve"):
        execution.execution_sign(
            execution=started, user=acme_signer, password=PASSWORD, meaning="approved"
        )
    with pytest.raises(ExecutionError, match="not right"):
        execution.execution_sign(
            execution=started, user=vera_verifier, password="wrong", meaning="approved"
        )
    assert LogEntry.objects.filter(
        actor=vera_verifier, additional_data__event="execution signature failed"
    ).exists()
    execution.execution_sign(
        execution=started, user=vera_verifier, password=PASSWORD, meaning="approved"
    )
    started.refresh_from_db()
    assert started.status == ExecutionStatus.APPROVED


def _printed_limit(limit) -> str:
    return execution._printed(limit)


def test_changing_the_organisations_settings_changes_nothing_in_an_execution(
    started, acme, acme_signer
):
    acme.qa_settings = {"maco_ppm": 5}  # would halve the swab limit to 100 µg/swab
    acme.save()
    frozen = execution.frozen_limits(Revision.objects.get(pk=started.revision_id))
    assert _printed_limit(frozen["swab"]) == SWAB_LIMIT  # a new execution is judged the same
    result = _swab(started, acme_signer, "swab-1", "150")
    assert result.passed
    started.refresh_from_db()
    assert {c["limit"] for c in started.criteria if c["type"] == "limit"} == {SWAB_LIMIT}


# --- pages -------------------------------------------------------------------------------


def test_the_pages_record_a_failing_result_and_issue_a_signed_report(
    client, login, protocol, acme_signer, vera_verifier
):
    login(acme_signer)
    document = protocol.document
    response = client.post(f"/pharma/documents/{document.uid}/revisions/2/execute/")
    run = document.revisions.get(number=2).executions.get()
    assert response.status_code == 302 and response.url == f"/pharma/executions/{run.uid}/"
    page = client.get(response.url).content.decode()
    assert "not more than <strong>200 µg/swab</strong>" in page

    base = f"/pharma/executions/{run.uid}"
    client.post(f"{base}/results/swab-1/", {"value": "12"})
    photo = SimpleUploadedFile("chute.png", PNG)
    response = client.post(f"{base}/results/swab-2/", {"value": "450", "evidence": photo},
                           follow=True)  # fmt: skip
    assert "FAIL. Deviation DEV-0001 was raised" in response.content.decode()
    client.post(f"{base}/results/visual/", {"visually_clean": "yes"})
    bad = client.post(f"{base}/results/swab-1/", {"value": "0,5"}, follow=True)
    assert "has a comma: write the value with a decimal point" in bad.content.decode()
    again = client.post(f"{base}/results/swab-1/", {"value": "5"}, follow=True)
    assert "already recorded" in again.content.decode()
    deviation = Deviation.objects.get()
    client.post(f"/pharma/deviations/{deviation.uid}/assess/", {
        "impact_assessment": "Batch of B on hold; residue above the limit at the chute.",
        "capa_reference": "CAPA-2026-014", "change_control_reference": "CC-2026-031"})  # fmt: skip
    # The first signature of a session takes the user ID too (21 CFR 11.200(a)(1)).
    page = client.get(base + "/").content.decode()
    assert 'name="user_id"' in page
    refused = client.post(f"{base}/sign/", {"meaning": "performed", "password": PASSWORD},
                          follow=True)  # fmt: skip
    assert "That user ID and password do not match your account." in refused.content.decode()
    assert LogEntry.objects.filter(
        additional_data__event="execution signature failed (user ID)"
    ).exists()
    client.post(f"{base}/sign/", {"meaning": "performed", "password": PASSWORD,
                                  "user_id": acme_signer.email})  # fmt: skip
    assert 'name="user_id"' not in client.get(base + "/").content.decode()
    client.logout()
    login(vera_verifier)
    response = client.post(f"{base}/sign/", {"meaning": "approved", "password": PASSWORD,
                                             "user_id": vera_verifier.email}, follow=True)  # fmt: skip
    assert "Signed CVP-0001-R2-EX01 as approved" in response.content.decode()

    pdf = client.get(f"{base}/pdf/")
    assert pdf["Content-Disposition"] == 'attachment; filename="CVP-0001-R2-EX01.pdf"'
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in ("CVP-0001-R2-EX01", "FAIL", "DEV-0001", "CAPA-2026-014", "CC-2026-031",
                     "Performed", "Quinn QA", "Vera Verifier", "200 µg/swab"):  # fmt: skip
        assert expected in text, expected
    for page_text in (p.extract_text() for p in reader.pages):
        assert "Record ID CVP-0001-R2-EX01" in page_text and "CONTROLLED COPY" in page_text
    run.refresh_from_db()
    assert run.pdf_sha256 == hashlib.sha256(pdf.content).hexdigest()
    assert client.get(f"{base}/pdf/").content == pdf.content

    evidence = Evidence.objects.get()
    download = client.get(f"/pharma/evidence/{evidence.uid}/")
    assert download.content == PNG and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")


def test_another_organisation_sees_none_of_it(client, login, started, globex_qa):
    login(globex_qa)
    base = f"/pharma/executions/{started.uid}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/pdf/").status_code == 404
    assert client.post(f"{base}/results/swab-1/", {"value": "1"}).status_code == 404
    assert not started.results.exists()


def test_anonymous_is_sent_to_sign_in(client, started):
    response = client.get(f"/pharma/executions/{started.uid}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_oversized_evidence_upload_is_refused_without_being_kept(
    client, login, started, acme_signer, settings
):
    login(acme_signer)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * execution.MAX_EVIDENCE_BYTES)
    response = client.post(f"/pharma/executions/{started.uid}/results/swab-1/",
                           {"value": "12", "evidence": big}, follow=True)  # fmt: skip
    assert "at most 10 MB" in response.content.decode()
    assert not started.results.exists() and not Evidence.objects.exists()


def test_recording_a_result_needs_the_csrf_token(started, acme_signer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(acme_signer)
    url = f"/pharma/executions/{started.uid}/results/swab-1/"
    response = strict.post(url, {"value": "12"})
    assert response.status_code == 403 and not started.results.exists()
    strict.get(f"/pharma/executions/{started.uid}/")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    assert strict.post(url, {"value": "12", "csrfmiddlewaretoken": token}).status_code == 302
    assert started.results.get().value == 12


def _protocol_with(acme, author, approver, locations, **acceptance):
    content = protocol_content()
    content["sampling"]["locations"] = locations
    content["acceptance"].update(acceptance)
    return approved_protocol(acme, author, approver, title="Variant", content=content)


def test_rinse_and_visual_locations_get_their_own_criteria(acme, acme_signer, vera_verifier):
    # Rinse limit = MACO / V_rinse x R = 1,000 mg / 100 L x 80 % = 8 µg/mL.
    revision = _protocol_with(acme, acme_signer, vera_verifier, [
        {"location": "Final rinse", "equipment_id": "GR-01", "method": "Rinse"},
        {"location": "Lid gasket", "equipment_id": "GR-01", "method": "Visual"},
    ], rinse_volume_l=100)  # fmt: skip
    run = execution.execution_start(revision=revision, user=acme_signer)
    rinse, visual, overall = run.criteria
    assert (rinse["key"], rinse["limit"], rinse["unit"]) == ("rinse-1", "8", "µg/mL")
    assert (visual["key"], visual["type"]) == ("visual-2", "visual")
    assert overall["key"] == "visual"


def test_a_rinse_location_without_a_rinse_volume_cannot_be_submitted(
    acme, acme_signer, vera_verifier
):
    # A location with no limit to be judged against is refused before review, not dropped.
    with pytest.raises(documents.DocumentError, match="sets no rinse limit"):
        _protocol_with(acme, acme_signer, vera_verifier, [
            {"location": "Final rinse", "equipment_id": "GR-01", "method": "Rinse"}])  # fmt: skip


def test_what_an_executor_types_is_escaped(client, login, started, acme_signer):
    _swab(started, acme_signer, "swab-1", "999", observation="<script>alert(1)</script>")
    login(acme_signer)
    page = client.get(f"/pharma/executions/{started.uid}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_execution_page_queries_are_pinned(
    client, login, started, acme_signer, django_assert_max_num_queries
):
    _swab(started, acme_signer, "swab-1", "12", files=[SimpleUploadedFile("a.png", PNG)])
    login(acme_signer)
    with django_assert_max_num_queries(13) as one_result:
        assert client.get(f"/pharma/executions/{started.uid}/").status_code == 200
    _swab(started, acme_signer, "swab-2", "999", files=[SimpleUploadedFile("b.png", PNG)])
    execution.result_record(
        execution=started, user=acme_signer, criterion_key="visual", visually_clean=False
    )
    with django_assert_max_num_queries(len(one_result)):
        assert client.get(f"/pharma/executions/{started.uid}/").status_code == 200


def test_results_and_deviations_are_in_the_audit_trail_without_file_bytes(started, acme_signer):
    from django.contrib.contenttypes.models import ContentType

    result = _swab(started, acme_signer, "swab-1", "999", files=[SimpleUploadedFile("a.png", PNG)])
    _assess(result.deviation, acme_signer)
    for model in (StepResult, Deviation, Evidence):
        assert LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).exists(), model
    evidence_log = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Evidence))
    assert "data" not in evidence_log.changes_dict and "sha256" in evidence_log.changes_dict


def test_the_deviation_register_lists_open_deviations_first_for_the_organisation_only(
    client, login, started, acme_signer, globex_qa, django_assert_max_num_queries
):
    first = _swab(started, acme_signer, "swab-1", "999").deviation
    _assess(first, acme_signer)
    _swab(started, acme_signer, "swab-2", "999")
    login(acme_signer)
    with django_assert_max_num_queries(10):
        page = client.get("/pharma/deviations/").content.decode()
    assert page.index("DEV-0002") < page.index("DEV-0001")
    assert "<strong>Open</strong>" in page and "CAPA-2026-014" in page
    client.logout()
    login(globex_qa)
    other = client.get("/pharma/deviations/").content.decode()
    assert "DEV-000" not in other and "No deviations." in other
