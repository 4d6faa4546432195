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
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")
SWAB_LIMIT = "200"


def protocol_content() -> dict:
    content = complete_content(CV, rows=2)
    content["products"]["products"] = [
        {"name": "Product A", "api": "Alphamab", "pde_mg_day": 0.5, "min_dose_mg_day": 10,
         "max_dose_mg_day": 100, "batch_size_kg": 50},
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


def approved_protocol(organisation, author, approver, title="Granulator train A", content=None):
    """Create, fill (with `content`, else `protocol_content()`), submit and approve a
    protocol through the document services; returns the approved revision. `approver` needs
    two-factor on."""
    from tests.conftest import PASSWORD

    document = documents.document_create(
        organisation=organisation, user=author, kind=CV.key, title=title
    )
    revision = documents.revision_save(
        document=document, user=author, content=content or protocol_content(), reason="Complete"
    )
    documents.revision_submit(revision=revision, user=author)
    documents.revision_sign(revision=revision, user=approver, password=PASSWORD, meaning="approved")
    revision.refresh_from_db()
    return revision
