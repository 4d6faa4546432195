"""Every admin page, as each staff role alone, as a patient and as a pharma user: each reaches
exactly the pages in REACH, and a POST it may not make changes nothing.

Letters per model: l list, a add, c change (an editable form), v view (a read-only form),
h history, d delete. A model a role does not name is closed to it entirely. A new admin model
fails here until it has an object in `one_of_each` and a line per role."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task

from knowledge.models import (
    DocType,
    Document,
    Drug,
    DrugInteraction,
    FlaggedQuestion,
    RegulatoryStatus,
    Severity,
    Source,
    UnknownDrugName,
)
from lumen.accounts.models import PatientAccount, User
from lumen.accounts.roles import StaffRole
from pharma.models import Invitation
from tests.conftest import staff_person, totp_enable
from training.models import TrainingRun

_KNOWLEDGE = ("source", "document", "drug", "druginteraction", "regulatorystatus")

REACH: dict[str, dict[str, str]] = {
    StaffRole.CONTENT_EDITOR: {
        **{f"knowledge.{m}": "lachd" for m in _KNOWLEDGE},
        "knowledge.flaggedquestion": "lvh",  # the question only on the Review page
        "knowledge.unknowndrugname": "lvh",  # counted by the app, never edited
        "training.trainingrun": "lvh",
    },
    StaffRole.SUPPORT: {
        "accounts.user": "lch",  # a pharma user: is_active and name only
        "accounts.patientaccount": "l",  # the list and its audited actions, nothing else
        "pharma.organisation": "lach",
        "pharma.invitation": "lavhd",  # an invitation is never edited, only revoked
    },
    StaffRole.AUDITOR: {
        "accounts.user": "lvh",
        "auditlog.logentry": "lvh",
        **{f"django_q.{m}": "lvh" for m in ("success", "failure", "schedule", "ormq")},
        **{f"knowledge.{m}": "lvh" for m in _KNOWLEDGE},
        "knowledge.flaggedquestion": "lvh",
        "knowledge.unknowndrugname": "lvh",
        "pharma.organisation": "lvh",
        "pharma.invitation": "lvh",
        "training.trainingrun": "lvh",
    },
    StaffRole.SECURITY_ADMIN: {
        "accounts.user": "lch",
        "auth.group": "lvh",
        "auditlog.logentry": "lvh",
    },
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _authenticator_of(user) -> Authenticator:
    totp_enable(user)
    return Authenticator.objects.get(user=user)


@pytest.fixture
def one_of_each(alice_patient, acme_qa, acme):
    """One object per registered admin model, so change, history and delete pages are real."""
    now = timezone.now()
    source = Source.objects.create(slug="walk", name="Walk source")
    aspirin, warfarin = (Drug.objects.create(name=n) for n in ("walkaspirin", "walkwarfarin"))
    tasks = {
        ok: Task.objects.create(
            id=("a" if ok else "b") * 32,
            name=f"task-{ok}",
            func="math.floor",
            started=now,
            stopped=now,
            success=ok,
        )
        for ok in (True, False)
    }
    objects = {
        "accounts.user": User.objects.get(pk=acme_qa.pk),
        "accounts.patientaccount": PatientAccount.objects.get(pk=alice_patient.pk),
        "auth.group": Group.objects.get(name="patient"),
        "account.emailaddress": EmailAddress.objects.get(user=acme_qa),
        "mfa.authenticator": _authenticator_of(acme_qa),
        "auditlog.logentry": LogEntry.objects.get_for_object(acme_qa).first(),
        "django_q.success": tasks[True],
        "django_q.failure": tasks[False],
        "django_q.schedule": Schedule.objects.create(name="walk", func="math.floor", args="1"),
        "django_q.ormq": OrmQ.objects.create(key="lumen", payload="x"),
        "knowledge.source": source,
        "knowledge.document": Document.objects.create(
            source=source,
            external_id="w1",
            title="Walk",
            doc_type=DocType.DRUG_LABEL,
            text="Walk text.",
            content_hash="0" * 64,
        ),
        "knowledge.drug": aspirin,
        "knowledge.druginteraction": DrugInteraction.objects.create(
            drug_a=aspirin,
            drug_b=warfarin,
            severity=Severity.MAJOR,
            mechanism="m",
            management="m",
            source="walk",
        ),
        "knowledge.regulatorystatus": RegulatoryStatus.objects.create(
            drug=aspirin, region="US", authority="FDA", status="Approved"
        ),
        "knowledge.flaggedquestion": FlaggedQuestion.objects.create(
            audience="patient", question="walk", flags=["emergency"]
        ),
        "knowledge.unknowndrugname": UnknownDrugName.objects.create(
            name="walk tonic", count=1, last_seen=now
        ),
        "pharma.organisation": acme,
        "pharma.invitation": Invitation.objects.create(
            organisation=acme, email="new@acme.example", expires_at=now + dt.timedelta(days=1)
        ),
        "training.trainingrun": TrainingRun.objects.create(kind=TrainingRun.Kind.DATASET),
    }
    assert set(objects) == {_label(m) for m in admin.site._registry}, "a new admin model"
    return objects


def _urls(label: str, pk) -> dict[str, str]:
    prefix = "admin:" + label.replace(".", "_")
    return {
        "l": reverse(f"{prefix}_changelist"),
        "a": reverse(f"{prefix}_add"),
        "c": reverse(f"{prefix}_change", args=[pk]),
        "h": reverse(f"{prefix}_history", args=[pk]),
        "d": reverse(f"{prefix}_delete", args=[pk]),
    }


def _reach(client, objects) -> dict[str, str]:
    reached = {}
    for label, obj in objects.items():
        letters = ""
        for letter, url in _urls(label, obj.pk).items():
            response = client.get(url)
            assert response.status_code in (200, 403), (label, letter, response.status_code)
            if response.status_code == 200:
                editable = letter == "c" and 'name="_save"' in response.content.decode()
                letters += "v" if letter == "c" and not editable else letter
        if letters:
            reached[label] = "".join(sorted(letters, key="lavchd".index))
    return reached


def _snapshot(objects) -> dict[str, object]:
    return {
        label: (
            type(obj)._default_manager.count(),
            type(obj)._default_manager.filter(pk=obj.pk).values().first(),
        )
        for label, obj in objects.items()
    }


def _canonical(reach: dict[str, str]) -> dict[str, str]:
    return {k: "".join(sorted(v, key="lavchd".index)) for k, v in reach.items()}


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_staff_role_reaches_exactly_its_pages(client, role, one_of_each):
    client.force_login(staff_person("walker@lumen.example", "Walker", role))
    assert client.get(reverse("admin:index")).status_code == 200
    assert _reach(client, one_of_each) == _canonical(REACH[role])


@pytest.mark.parametrize("role", list(StaffRole))
def test_posts_a_staff_role_may_not_make_change_nothing(client, role, one_of_each):
    client.force_login(staff_person("walker@lumen.example", "Walker", role))
    before = _snapshot(one_of_each)
    hostile = {
        "name": "changed",
        "email": "evil@example.com",
        "is_superuser": "on",
        "func": "subprocess.check_output",
        "post": "yes",
    }
    for label, obj in one_of_each.items():
        allowed = REACH[role].get(label, "")
        for letter, url in _urls(label, obj.pk).items():
            if letter in ("l", "h") or letter in allowed:
                continue
            response = client.post(url, hostile)
            assert response.status_code == 403, (role, label, letter, response.status_code)
    assert _snapshot(one_of_each) == before


@pytest.mark.parametrize("role", list(StaffRole))
def test_no_staff_role_opens_a_password_form(client, role, one_of_each, alice_patient):
    walker = staff_person("walker@lumen.example", "Walker", role)
    client.force_login(walker)
    for target in (one_of_each["accounts.user"], alice_patient, walker):
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, {"password1": "taken-over-123", "password2": "taken-over-123"})
        assert response.status_code == 403
    alice_patient.refresh_from_db()
    assert alice_patient.check_password("correct-horse-battery-9")


@pytest.mark.parametrize("who", ["patient", "pharma"])
def test_patients_and_pharma_users_reach_no_admin_page(client, who, one_of_each):
    client.force_login(
        one_of_each["accounts.patientaccount" if who == "patient" else "accounts.user"]
    )
    before = _snapshot(one_of_each)
    for label, obj in one_of_each.items():
        for url in _urls(label, obj.pk).values():
            for method in (client.get, client.post):
                response = method(url, {"name": "changed", "post": "yes"})
                assert response.status_code == 302, (who, label, url)
                assert response.url.startswith(reverse("admin:login")), (who, url)
    assert client.get(reverse("admin:login")).status_code == 403  # no bounce to sign-in
    assert _snapshot(one_of_each) == before


def test_staff_without_two_factor_are_sent_to_set_it_up(client, one_of_each):
    newcomer = staff_person("new@lumen.example", "New", StaffRole.AUDITOR, two_factor=False)
    client.force_login(newcomer)
    for label, obj in one_of_each.items():
        for url in _urls(label, obj.pk).values():
            response = client.get(url)
            assert response.status_code == 302, (label, url)
            assert response.url == reverse("mfa_activate_totp"), (label, url)
    response = client.get(reverse("admin:index"), follow=True)
    assert "two-factor authentication before they can use the admin" in response.content.decode()
