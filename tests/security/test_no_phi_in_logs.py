"""No health data in logs: a whole patient journey, with every logger at DEBUG and the
process's stdout and stderr captured, never writes what the patient entered."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from lumen.accounts.models import User
from patients.models import Medication
from tests.conftest import PASSWORD

# Distinctive markers in every health field; none may appear in any log line or output.
DOB = "1971-03-17"
MEDICINE = "Zyxoprofen"
CONDITION = "Qwertitis"
ALLERGY = "Plumbicillin"
REACTION = "Blorpish hives"
QUESTION = "Does Zyxoprofen help my Qwertitis flare?"
EMERGENCY = "Crushing chest pain and Vexaldrine overdose right now"
SYMPTOMS = "Sore throat with Glimmerfever for 2 days"
DIARY = "Wobblecramp"
NOTE = "after the Snorkelberry lunch"
DOSE = "two Zorblets"
ENTRY = {"severity": "6", "recorded_at": "2024-01-01T08:00"}
MARKERS = [DOB, MEDICINE, CONDITION, ALLERGY, REACTION, "Vexaldrine", "Glimmerfever", DIARY,
           "Snorkelberry", "Zorblets", "Qwertitis flare"]  # fmt: skip


def _all_loggers_at_debug(caplog) -> None:
    """Every logger at DEBUG, except those settings.LOGGING pins to a level of their own
    (django.template's DEBUG records carry whole template contexts: health data)."""
    pinned = {name for name, config in settings.LOGGING["loggers"].items() if "level" in config}
    caplog.set_level(logging.DEBUG)
    for name in list(logging.Logger.manager.loggerDict):
        if not any(name == p or name.startswith(f"{p}.") for p in pinned):
            caplog.set_level(logging.DEBUG, logger=name)


def test_a_whole_patient_journey_logs_no_health_data(
    client, alice_patient, login, caplog, capfd, small_corpus, drug_database
):
    _all_loggers_at_debug(caplog)
    login(alice_patient)
    steps = [
        ("post", "patients:profile", {"date_of_birth": DOB, "sex": "female", "pregnancy": "no"}),
        ("post", "patients:medications_add", {"name": MEDICINE}),
        ("post", "patients:medications_add", {"name": "warfarin"}),
        ("post", "patients:conditions_add", {"name": CONDITION}),
        ("post", "patients:allergies_add", {"substance": ALLERGY, "reaction": REACTION}),
        ("post", "patients:ask", {"question": QUESTION}),
        ("post", "patients:ask", {"question": EMERGENCY}),
        ("post", "patients:triage_describe", {"text": SYMPTOMS}),
        ("post", "patients:interactions", {"drug": [MEDICINE, "ibuprofen"], "include_mine": "on"}),
        ("get", "patients:drug_suggest", {"drug": MEDICINE}),
        ("post", "patients:diary", {**ENTRY, "symptom": DIARY, "notes": NOTE}),
    ]
    for method, name, data in steps:
        response = getattr(client, method)(reverse(name), data)
        assert response.status_code in (200, 302), (name, response.status_code)
    mine = Medication.objects.filter(profile__user=alice_patient)
    medication = next(m for m in mine if m.name == "warfarin")  # names are encrypted
    for name, data in (
        ("patients:schedule_add", {"time_of_day": "08:00", "dose": DOSE, "remind": "on"}),
    ):
        assert client.post(reverse(name, args=[medication.uid]), data).status_code == 302
    extra = client.post(reverse("patients:dose_record_extra"), {"medication": medication.uid})
    assert extra.status_code == 302
    for name in ("home", "diary", "doses", "schedules", "triage_history", "ask"):
        assert client.get(reverse(f"patients:{name}")).status_code == 200
    for name in ("export_json", "export_pdf"):
        assert client.get(reverse(f"patients:{name}")).status_code == 200
    # A failed erasure (wrong password) and then the real one.
    client.post(reverse("patients:my_data"), {"password": f"{MEDICINE}!", "confirm": "delete"})
    response = client.post(reverse("patients:my_data"), {"password": PASSWORD, "confirm": "delete"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice_patient.pk).exists()

    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records
    )
    out, err = capfd.readouterr()
    logging.getLogger("patients.views.ask").debug("canary")
    assert "canary" in caplog.text, "logging is not captured at DEBUG"
    for marker in MARKERS:
        assert marker.lower() not in logged.lower(), f"{marker!r} reached the logs"
        assert marker.lower() not in (out + err).lower(), f"{marker!r} reached stdout/stderr"
