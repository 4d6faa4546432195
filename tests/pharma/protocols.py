# ruff: noqa: RUF002 - the worked example uses multiplication signs

"""An approved cleaning validation protocol with limits worked out by hand, for the execution
tests and the browser journey.

Products A (previous) and B (next), 100 kg batches of B at up to 200 mg/day:
- health-based MACO = 0.5 mg/day × 100,000,000 mg / 200 mg/day = 250,000 mg;
- dose-based MACO = 10 mg / 1000 × 100,000,000 mg / 200 mg/day = 5,000 mg;
- 10 ppm of 100 kg = 1,000 mg, the lowest, so it governs;
- limit per swab = 1,000 mg × 1,000 µg/mg × 25 cm² / 100,000 cm² × 80 % = 200 µg/swab.
"""

from __future__ import annotations

from pharma import documents, kinds
from tests.pharma.conftest import approve
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")
SWAB_LIMIT = "200"


def protocol_content() -> dict:
    content = complete_content(CV, rows=2)
    # Both changeovers govern at the 10 ppm MACO of 1,000 mg (batch sizes equal), so the
    # named pair A -> B is the matrix's worst case and the limit is 1,000 mg x 25 / 100,000
    # cm2 = 250 ug/swab, x 80 % recovery = 200 ug/swab.
    content["products"]["products"] = [
        {"name": "Product A", "api": "Alphamab", "pde_mg_day": 0.5, "min_dose_mg_day": 10,
         "max_dose_mg_day": 100, "batch_size_kg": 100},
        {"name": "Product B", "api": "Betamab", "pde_mg_day": 1, "min_dose_mg_day": 5,
         "max_dose_mg_day": 200, "batch_size_kg": 100},
    ]  # fmt: skip
    content["acceptance"].update(
        previous_product="Product A",
        next_product="Product B",
        shared_area_cm2=100000,
        swab_area_cm2=25,
        rinse_volume_l="",
        safety_factor=1000,
        visual="No visible residue on any product-contact surface.",
    )
    content["analytics"]["recovery_pct"] = 80
    content["sampling"]["locations"] = [
        {"location": "Impeller blade", "equipment_id": "GR-01", "method": "Swab",
         "area_cm2": 25, "rationale": "Hardest to clean"},
        {"location": "Discharge chute", "equipment_id": "GR-01", "method": "Swab",
         "area_cm2": 25, "rationale": "Product hold-up"},
    ]  # fmt: skip
    return content


def _member(organisation, user, role: str):
    """`user`, holding `role` in `organisation` (added to what they hold already)."""
    from pharma.models import Membership

    membership = Membership.objects.get(user=user, organisation=organisation)
    if role not in membership.qa_roles:
        membership.qa_roles = [*membership.qa_roles, role]
        membership.save(update_fields=["qa_roles"])
    return user


def _colleague(organisation, name: str, role: str):
    """A member of `organisation` with two-factor on, holding `role` (made once per test)."""
    from lumen.accounts.roles import Role
    from lumen.accounts.services import user_ensure
    from pharma.models import Membership
    from tests.conftest import PASSWORD, totp_enable

    email = f"{name.lower()}.{organisation.pk}@protocols.example"
    user, created = user_ensure(email=email, password=PASSWORD, role=Role.PHARMA, name=name)
    if created:
        Membership.objects.create(user=user, organisation=organisation, qa_roles=[role])
        totp_enable(user)
    return user


def approved_protocol(
    organisation, author, approver, title="Granulator train A", content=None, kind=None
):
    """Create, fill (with `content`, else `protocol_content()`), submit and approve a
    protocol through the document services, with the approval matrix's distinct people
    (author, a reviewer colleague, `approver` — a colleague too when `approver` is the
    author); returns the approved revision. `author` and `approver` need two-factor on."""

    document = documents.document_create(
        organisation=organisation, user=author, kind=(kind or CV).key, title=title
    )
    revision = documents.revision_save(
        document=document, user=author, content=content or protocol_content(), reason="Complete"
    )
    if approver == author:
        approver = _colleague(organisation, "Avery", "approver")
    reviewer = _colleague(organisation, "Rex", "reviewer")
    _member(organisation, author, "author")
    _member(organisation, approver, "approver")
    return approve(revision, author, reviewer, approver)


HVAC = kinds.get("hvac_qualification")
WATER = kinds.get("water_validation")


def hvac_protocol_content() -> dict:
    """Two rooms, worked by hand from ISO 14644-1:2015 and the URS:
    - CR-101, ISO 7, 20 m²: ≥0.5 µm not more than 352,000 /m³, ≥5 µm not more than 2,930 /m³
      (Table 1), at least 6 locations (Table A.1, 10 < A ≤ 24 m²), URS 20 air changes /h;
    - CR-102, ISO 8, 30 m²: 3,520,000 and 29,300 /m³, at least 8 locations (28 < A ≤ 32),
      URS 10 /h;
    - air flows CR-101 → CR-102 with at least 10 Pa between them (the organisation's setting).
    No counts yet: a protocol sets the limits the execution records counts against."""
    content = complete_content(HVAC, rows=2)
    content["system"]["min_dp_pa"] = ""  # from the organisation's QA settings
    content["rooms"]["rooms"] = [
        {"room": "CR-101", "name": "Filling", "iso_class": 7, "area_m2": 20, "volume_m3": 60,
         "supply_m3h": 1800, "pressure_pa": 30, "ach_urs": 20, "flows_to": "CR-102"},
        {"room": "CR-102", "name": "Corridor", "iso_class": 8, "area_m2": 30, "volume_m3": 90,
         "supply_m3h": 1350, "pressure_pa": 15, "ach_urs": 10, "flows_to": ""},
    ]  # fmt: skip
    content["particles"]["counts"] = []
    content["tests"]["filter_integrity"] = "No leak above 0.01 % of the upstream challenge."
    content["tests"]["airflow_pattern"] = ""
    content["tests"]["recovery"] = ""
    content["tests"]["temp_rh"] = ""
    return content


def water_protocol_content(grade: str = "WFI", pharmacopoeia: str = "Ph. Eur.") -> dict:
    """A WFI loop under Ph. Eur. with a point of use and the storage tank; the protocol's own
    TOC action level (400 ppb) is tighter than the monograph's 0.5 mg/L."""
    content = complete_content(WATER, rows=2)
    content["system"].update(grade=grade, pharmacopoeia=pharmacopoeia)
    content["points"]["points"] = [
        {"point": "POU-1", "location": "Filling room", "type": "Point of use"},
        {"point": "TANK", "location": "Storage tank", "type": "Storage"},
    ]
    content["limits"]["limits"] = [
        {"parameter": "TOC", "alert": 300, "action": 400, "unit": "ppb", "method": "2.2.44"}
    ]
    content["results"]["results"] = []
    return content
