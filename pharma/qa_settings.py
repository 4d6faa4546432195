"""An organisation's QA settings: the values guidance leaves to each site, or that Lumen could
not verify in a primary text (PHARMA_FACTS.md marks them UNVERIFIED). Stored as JSON on the
organisation and edited by staff in the admin; documents read them through here."""

from __future__ import annotations

from typing import Any

from pharma.models import Organisation

DEFAULTS: dict[str, Any] = {
    # Minimum pressure differential between adjacent rooms of different grades (Pa). Often
    # quoted as 10-15 Pa, not verified in Annex 1 or TRS 1010 here: no default.
    "min_pressure_differential_pa": None,
    # Water alert levels are site-set, each in the unit of the action limit it goes with (the
    # protocol's pharmacopoeia sets those: calculators.compendial_limits).
    "water_alert_levels": {},
    # Safety factor for the dose-based MACO criterion (1/1000 of the minimum dose).
    "maco_dose_safety_factor": 1000,
    # The legacy concentration criterion, parts per million of the next batch.
    "maco_ppm": 10,
    # Months from a revision's effective date to its periodic review (reminders go to the
    # organisation's QA administrators before then).
    "periodic_review_months": 24,
    # Signatures each document kind needs before it is approved, by meaning; the author's
    # is always one. E.g. {"cleaning_validation": {"reviewed": 2, "approved": 1}}.
    "approval_matrix": {},
}


def qa_setting(organisation: Organisation | None, key: str) -> Any:
    values = (organisation.qa_settings or {}) if organisation else {}
    return values.get(key, DEFAULTS[key])


def snapshot(organisation: Organisation | None) -> dict[str, Any]:
    """Every setting as it applies now, to be kept with an approved revision."""
    return {key: qa_setting(organisation, key) for key in DEFAULTS}
