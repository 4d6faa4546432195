"""Organisation QA settings in the admin: fields with units and help instead of a JSON box,
numbers read as strictly as in the calculators, blanks meaning Lumen's default, and the
stored JSON the documents read (pharma.qa_settings)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lumen.accounts.roles import StaffRole
from pharma import qa_settings
from tests.conftest import staff_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    client.force_login(staff_person("sue@lumen.example", "Sue Support", StaffRole.SUPPORT))
    return client


def _url(organisation) -> str:
    return reverse("admin:pharma_organisation_change", args=[organisation.pk])


def _post(client, organisation, **fields):
    data = {"name": organisation.name, "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0", **fields}  # fmt: skip
    return client.post(_url(organisation), data)


def test_the_settings_are_labelled_fields_with_units_and_defaults(support, acme):
    page = support.get(_url(acme)).content.decode()
    assert 'name="qa_settings"' not in page  # no raw JSON box
    assert "Minimum pressure differential (Pa)" in page
    assert "Concentration criterion of the MACO (ppm of the next batch)" in page
    assert "Periodic review after (months)" in page
    assert "Blank: Lumen's default (10)." in page
    assert "Cleaning validation protocol: reviewer signatures" in page


def test_saving_writes_the_json_the_documents_read(support, acme):
    acme.qa_settings = {"maco_ppm": 5, "unknown_key": "kept"}
    acme.save()
    response = _post(support, acme, min_pressure_differential_pa="12,5", maco_ppm="",
                     water_alert_toc="250", signatures_cleaning_validation_reviewed="2",
                     periodic_review_months="36")  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    acme.refresh_from_db()
    assert acme.qa_settings == {
        "unknown_key": "kept",
        "min_pressure_differential_pa": 12.5,
        "periodic_review_months": 36,
        "water_alert_levels": {"toc": 250},
        "approval_matrix": {"cleaning_validation": {"reviewed": 2}},
    }
    assert qa_setting_now(acme, "maco_ppm") == 10  # blank: the default again
    assert support.get(_url(acme)).content.decode().count('value="12.5"') == 1


def qa_setting_now(organisation, key):
    return qa_settings.qa_setting(organisation, key)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("maco_ppm", "0,012", "is ambiguous"),
        ("maco_ppm", "ten", "Enter a number."),
        ("min_pressure_differential_pa", "-5", "Enter a value from 0.1 to 100."),
        ("periodic_review_months", "1.5", "Enter a whole number."),
        ("signatures_sop_approved", "9", "Enter a value from 1 to 5."),
    ],
)
def test_bad_numbers_are_refused_with_a_message_and_nothing_changes(
    support, acme, field, value, message
):
    acme.qa_settings = {"maco_ppm": 5}
    acme.save()
    response = _post(support, acme, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    acme.refresh_from_db()
    assert acme.qa_settings == {"maco_ppm": 5}
