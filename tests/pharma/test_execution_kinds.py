"""Executing every kind of protocol that sets acceptance criteria (issue 16, finding 7): HVAC
qualification and water system protocols are executed through the same code path as
cleaning validation, against the criteria frozen with the approved revision."""

# ruff: noqa: RUF003 - the worked examples use multiplication signs and en dashes

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from lumen.accounts.roles import Role
from pharma import execution, kinds
from pharma.execution import ExecutionError
from pharma.models import Membership, Revision
from tests.conftest import PASSWORD, _person, totp_enable
from tests.pharma.document_data import complete_content
from tests.pharma.protocols import (
    HVAC,
    WATER,
    approved_protocol,
    hvac_protocol_content,
    protocol_content,
    water_protocol_content,
)


@pytest.fixture
def vera_verifier(acme):
    user = _person("vera@acme.example", Role.PHARMA, "Vera Verifier")
    Membership.objects.create(user=user, organisation=acme)
    totp_enable(user)
    return user


@pytest.fixture
def hvac(acme, acme_signer, vera_verifier):
    acme.qa_settings = {"min_pressure_differential_pa": 10}
    acme.save()
    return approved_protocol(acme, acme_signer, vera_verifier, title="AHU-01 rooms",
                             content=hvac_protocol_content(), kind=HVAC)  # fmt: skip


@pytest.fixture
def water(acme, acme_signer, vera_verifier):
    return approved_protocol(acme, acme_signer, vera_verifier, title="WFI loop",
                             content=water_protocol_content(), kind=WATER)  # fmt: skip


def _by_label(run) -> dict:
    return {c["label"]: c for c in run.criteria}


def _record(run, user, key, value="", **kw):
    return execution.result_record(execution=run, user=user, criterion_key=key, value=value, **kw)


def test_an_hvac_protocol_is_executed_against_its_class_limits_urs_and_cascade(hvac, acme_signer):
    run = execution.execution_start(revision=hvac, user=acme_signer)
    assert run.record_id == "HVAC-0001-R2-EX01"
    found = _by_label(run)
    # ISO 14644-1:2015 Table 1: ISO 7 at ≥0.5 µm 352,000 /m³ and ≥5 µm 2,930 /m³; ISO 8 ten
    # times those. Table A.1: 20 m² needs 6 locations, 30 m² needs 8.
    assert [(c["limit"], c.get("bound")) for c in run.criteria if c["type"] == "limit"] == [
        ("352000", "max"), ("2930", "max"), ("6", "min"),
        ("3520000", "max"), ("29300", "max"), ("8", "min"),
        ("20", "min"), ("10", "min"), ("10", "min"),
    ]  # fmt: skip
    assert found["Air changes per hour, CR-101"]["unit"] == "/h"
    assert found["Pressure differential CR-101 → CR-102"]["unit"] == "Pa"
    assert found["HEPA filter integrity (leak test)"]["type"] == "check"
    # Stated checks the author left blank set no criterion.
    assert "Airflow visualisation" not in found

    ach = found["Air changes per hour, CR-101"]["key"]
    below = _record(run, acme_signer, ach, "18.5")  # URS asks for at least 20
    assert not below.passed
    assert "18.5 /h against a minimum of 20 /h" in below.deviation.description
    particles = found["Particles ≥0.5 µm, CR-101: highest location average in CR-101"]["key"]
    assert _record(run, acme_signer, particles, "352000").passed  # at the limit passes
    dp = found["Pressure differential CR-101 → CR-102"]["key"]
    assert _record(run, acme_signer, dp, "10").passed
    leak = found["HEPA filter integrity (leak test)"]["key"]
    failed = execution.result_record(
        execution=run, user=acme_signer, criterion_key=leak, visually_clean=False
    )
    assert not failed.passed and "not met" in failed.deviation.description
    assert failed.deviation.number == "DEV-0002"


def test_counts_listed_per_location_give_a_criterion_per_location(acme, acme_signer, vera_verifier):
    content = hvac_protocol_content()
    content["particles"]["counts"] = [
        {"room": "CR-101", "location": "L1", "count_05": 1000, "count_5": 10, "sample_l": 1000},
        {"room": "CR-101", "location": "L2", "count_05": 2000, "count_5": 20, "sample_l": 1000},
    ]  # fmt: skip
    acme.qa_settings = {"min_pressure_differential_pa": 10}
    acme.save()
    revision = approved_protocol(acme, acme_signer, vera_verifier, content=content, kind=HVAC)
    run = execution.execution_start(revision=revision, user=acme_signer)
    labels = [c["label"] for c in run.criteria if c["label"].startswith("Particles")]
    assert labels[:4] == [
        "Particles ≥0.5 µm, CR-101: L1", "Particles ≥0.5 µm, CR-101: L2",
        "Particles ≥5 µm, CR-101: L1", "Particles ≥5 µm, CR-101: L2",
    ]  # fmt: skip


def test_an_iso_5_room_has_no_5_micron_criterion(acme, acme_signer, vera_verifier):
    # Table 1, footnote e: ≥5 µm is not used to classify ISO 5 (sampling losses).
    content = hvac_protocol_content()
    content["rooms"]["rooms"][0]["iso_class"] = 5
    acme.qa_settings = {"min_pressure_differential_pa": 10}
    acme.save()
    revision = approved_protocol(acme, acme_signer, vera_verifier, content=content, kind=HVAC)
    run = execution.execution_start(revision=revision, user=acme_signer)
    cr101 = [c for c in run.criteria if "CR-101" in c["label"] and "Particles" in c["label"]]
    assert [(c["label"], c["limit"]) for c in cr101] == [
        ("Particles ≥0.5 µm, CR-101: highest location average in CR-101", "3520")
    ]


def test_changing_settings_after_approval_changes_no_hvac_criterion(hvac, acme, acme_signer):
    acme.qa_settings = {"min_pressure_differential_pa": 25}
    acme.save()
    run = execution.execution_start(revision=Revision.objects.get(pk=hvac.pk), user=acme_signer)
    dp = _by_label(run)["Pressure differential CR-101 → CR-102"]
    assert dp["limit"] == "10"
    assert _record(run, acme_signer, dp["key"], "12").passed


def test_a_water_protocol_judges_conductivity_by_its_temperature(water, acme_signer):
    run = execution.execution_start(revision=water, user=acme_signer)
    found = _by_label(run)
    assert list(found) == [
        "Conductivity at POU-1", "TOC at POU-1", "Bioburden at POU-1", "Endotoxin at POU-1",
        "Conductivity at TANK", "TOC at TANK", "Bioburden at TANK", "Endotoxin at TANK",
    ]  # fmt: skip
    # The protocol's own TOC action level wins; the monograph's others apply (Ph. Eur. 0169).
    assert (found["TOC at POU-1"]["limit"], found["TOC at POU-1"]["unit"]) == ("400", "ppb")
    assert (found["Bioburden at POU-1"]["limit"], found["Bioburden at POU-1"]["unit"]) == (
        "10", "cfu/100 mL")  # fmt: skip
    assert (found["Endotoxin at POU-1"]["limit"], found["Endotoxin at POU-1"]["unit"]) == (
        "0.25", "IU/mL")  # fmt: skip

    key = found["Conductivity at POU-1"]["key"]
    with pytest.raises(ExecutionError, match="Enter the water temperature"):
        _record(run, acme_signer, key, "1.0")
    with pytest.raises(ExecutionError, match="must be 0 to 100"):
        _record(run, acme_signer, key, "1.0", condition="120")
    # Stage 1 table, row 20 °C: 1.1 µS/cm. 23.4 °C rounds down to the 20 °C row.
    over = _record(run, acme_signer, key, "1.2", condition="23.4")
    assert not over.passed and over.condition == Decimal("23.4")
    assert "1.2 µS/cm against a limit of 1.1 µS/cm, row 20 °C for 23.4 °C" in (
        over.deviation.description
    )
    tank = found["Conductivity at TANK"]["key"]
    assert _record(run, acme_signer, tank, "1.3", condition="25").passed  # row 25 °C: 1.3


def test_purified_water_under_ph_eur_interpolates_its_conductivity_table(
    acme, acme_signer, vera_verifier
):
    revision = approved_protocol(acme, acme_signer, vera_verifier, kind=WATER,
                                 content=water_protocol_content("PW", "Ph. Eur."))  # fmt: skip
    run = execution.execution_start(revision=revision, user=acme_signer)
    found = _by_label(run)
    # Ph. Eur. 0008: nitrates not more than 0.2 ppm, microbial action level 100 CFU/mL.
    assert found["Nitrate at POU-1"]["limit"] == "0.2"
    assert (found["Bioburden at POU-1"]["limit"], found["Bioburden at POU-1"]["unit"]) == (
        "100", "cfu/mL")  # fmt: skip
    # Table 0008.-2: 4.3 µS/cm at 20 °C, 5.1 at 25 °C; at 22 °C 4.3 + 0.8 × 2/5 = 4.62,
    # rounded down to 4.6.
    key = found["Conductivity at POU-1"]["key"]
    result = _record(run, acme_signer, key, "4.6", condition="22")
    assert result.passed
    over = _record(run, acme_signer, found["Conductivity at TANK"]["key"], "4.7", condition="22")
    assert "limit of 4.6 µS/cm, interpolated between 20 and 25 °C" in over.deviation.description


def test_a_kind_without_criteria_cannot_be_executed(acme, acme_signer, vera_verifier):
    sop = kinds.get("sop")
    revision = approved_protocol(acme, acme_signer, vera_verifier, kind=sop,
                                 content=complete_content(sop))  # fmt: skip
    with pytest.raises(ExecutionError, match="sets no acceptance criteria"):
        execution.execution_start(revision=revision, user=acme_signer)


def test_a_cleaning_protocol_frozen_before_criteria_were_stored_still_executes_the_same(
    acme, acme_signer, vera_verifier
):
    revision = approved_protocol(acme, acme_signer, vera_verifier, content=protocol_content())
    frozen_now = execution.criteria_for(revision)
    # A revision approved before criteria were frozen with it has only its calculations.
    older = {k: v for k, v in revision.frozen.items() if k != "criteria"}
    Revision.objects.filter(pk=revision.pk).update(frozen=older)
    revision.refresh_from_db()
    before = execution.criteria_for(revision)
    fields = ("key", "label", "type", "limit", "unit")
    assert [tuple(c[f] for f in fields) for c in before] == [
        tuple(c[f] for f in fields) for c in frozen_now
    ]


def test_the_execution_page_asks_for_the_temperature_and_a_check_answer(
    client, login, water, hvac, acme_signer
):
    login(acme_signer)
    run = execution.execution_start(revision=water, user=acme_signer)
    page = client.get(f"/pharma/executions/{run.uid}/").content.decode()
    assert 'name="condition"' in page and "Water temperature (°C) for Conductivity at POU-1" in page
    key = _by_label(run)["Conductivity at POU-1"]["key"]
    response = client.post(
        f"/pharma/executions/{run.uid}/results/{key}/",
        {"value": "1.0", "condition": "21"},
    )
    assert response.status_code == 302
    assert run.results.get(criterion=key).passed
    hvac_run = execution.execution_start(revision=hvac, user=acme_signer)
    page = client.get(f"/pharma/executions/{hvac_run.uid}/").content.decode()
    assert "Requirement met? (HEPA filter integrity (leak test))" in page
    leak = _by_label(hvac_run)["HEPA filter integrity (leak test)"]["key"]
    client.post(f"/pharma/executions/{hvac_run.uid}/results/{leak}/", {"met": "yes"})
    assert hvac_run.results.get(criterion=leak).passed


def test_signing_and_the_report_work_for_a_water_execution(water, acme_signer, vera_verifier):
    from pharma.execution_pdf import execution_pdf

    run = execution.execution_start(revision=water, user=acme_signer)
    for c in run.criteria:
        if c.get("by"):
            _record(run, acme_signer, c["key"], "0.9", condition="20")
        else:
            _record(run, acme_signer, c["key"], "0.1")
    execution.execution_sign(execution=run, user=acme_signer, password=PASSWORD,
                             meaning="performed")  # fmt: skip
    execution.execution_sign(execution=run, user=vera_verifier, password=PASSWORD,
                             meaning="approved")  # fmt: skip
    run.refresh_from_db()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(execution_pdf(run))).pages)
    assert "POU-1" in text and "0.9 µS/cm at 20 °C PASS" in text
    assert "WSV-0001-R2-EX01" in text


def test_the_protocol_pdf_lists_the_acceptance_criteria_it_froze(hvac, acme):
    from pharma.pdf import revision_pdf

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(revision_pdf(hvac))).pages)
    text = " ".join(text.split())
    assert "Acceptance criteria" in text
    assert "Air changes per hour, CR-101 At least 20 /h" in text
    assert "Not more than 352000 particles/m³" in text
