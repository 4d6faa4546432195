"""Support staff help a patient through two audited admin actions (resend the verification
email, disable the account); the list shows account facts only, never health data."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from lumen.accounts.models import User
from lumen.accounts.roles import StaffRole
from patients.models import Profile
from tests.conftest import PASSWORD, staff_person, totp_enable

CHANGELIST = reverse("admin:accounts_patientaccount_changelist")


def _support(client):
    user = staff_person("sue@lumen.example", "Sue Support", StaffRole.SUPPORT)
    client.force_login(user)
    return user


def _act(client, action: str, *patients):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [p.pk for p in patients]}, follow=True
    )


def test_the_patient_list_shows_account_facts_and_no_health_data(client, alice_patient):
    Profile.objects.create(user=alice_patient, date_of_birth=dt.date(1990, 5, 17))
    _support(client)
    page = client.get(CHANGELIST).content.decode()
    assert alice_patient.email in page
    assert "1990" not in page
    assert reverse("admin:accounts_patientaccount_change", args=[alice_patient.pk]) not in page


def test_disabling_a_patient_is_audited_with_the_acting_staff_member(client, alice_patient):
    sue = _support(client)
    response = _act(client, "disable_account", alice_patient)
    assert "1 account(s) disabled." in response.content.decode()
    alice_patient.refresh_from_db()
    assert not alice_patient.is_active
    entry = LogEntry.objects.get_for_object(alice_patient).latest("timestamp")
    assert entry.actor == sue
    assert entry.additional_data == {"support_action": "disable account"}
    assert entry.changes_dict == {"is_active": ["True", "False"]}
    assert not client.login(email=alice_patient.email, password=PASSWORD)


def test_disabling_twice_records_once(client, alice_patient):
    _support(client)
    _act(client, "disable_account", alice_patient)
    response = _act(client, "disable_account", alice_patient)
    assert "0 account(s) disabled." in response.content.decode()
    entries = LogEntry.objects.get_for_object(alice_patient).filter(
        additional_data__support_action="disable account"
    )
    assert entries.count() == 1


def test_resending_verification_emails_the_patient_and_is_audited(client, alice_patient):
    EmailAddress.objects.filter(user=alice_patient).update(verified=False)
    sue = _support(client)
    mail.outbox.clear()
    response = _act(client, "resend_verification", alice_patient)
    assert "Verification email sent to 1 account(s)." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[alice_patient.email]]
    entry = LogEntry.objects.get_for_object(alice_patient).latest("timestamp")
    assert (entry.actor, entry.action) == (sue, LogEntry.Action.ACCESS)
    assert entry.additional_data == {"support_action": "resend verification email"}


def test_a_verified_patient_gets_no_email_and_no_entry(client, alice_patient):
    _support(client)
    mail.outbox.clear()
    before = LogEntry.objects.count()
    response = _act(client, "resend_verification", alice_patient)
    assert "Verification email sent to 0 account(s)." in response.content.decode()
    assert mail.outbox == []
    assert LogEntry.objects.count() == before


def test_other_staff_roles_cannot_run_support_actions(client, alice_patient):
    client.force_login(staff_person("al@lumen.example", "Al Auditor", StaffRole.AUDITOR))
    _act(client, "disable_account", alice_patient)
    alice_patient.refresh_from_db()
    assert alice_patient.is_active


def test_a_patient_has_no_change_or_password_form_even_for_a_superuser(client, alice_patient):
    root = User.objects.create_superuser("root@lumen.example", PASSWORD)
    totp_enable(root)
    client.force_login(root)
    assert (
        client.get(reverse("admin:accounts_user_change", args=[alice_patient.pk])).status_code
        == 302
    )
    assert (
        client.get(reverse("admin:auth_user_password_change", args=[alice_patient.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("admin:accounts_patientaccount_change", args=[alice_patient.pk])
        ).status_code
        == 403
    )
    assert (
        alice_patient.email
        not in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    )
