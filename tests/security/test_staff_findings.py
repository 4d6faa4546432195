"""The staff-side findings of the outside security test, reproduced: each test failed on the
code the testers saw and guards its defence now (docs/security.md, "Staff threat model").

`staff_user` holds every staff role and two-factor, so a finding closed for them is closed
for each role alone."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse
from django_q.models import Schedule

from tests.conftest import PASSWORD


def _schedule_form(func: str) -> dict[str, str]:
    return {
        "name": "pwn",
        "func": func,
        "hook": "",
        "args": "['id']",
        "kwargs": "",
        "schedule_type": Schedule.ONCE,
        "minutes": "",
        "repeats": "-1",
        "next_run_0": "2026-01-01",
        "next_run_1": "00:00:00",
        "cron": "",
        "cluster": "",
        "intended_date_kwarg": "",
    }


def test_finding_1_staff_cannot_schedule_a_shell_command(client, staff_user, login):
    login(staff_user)
    response = client.post(
        reverse("admin:django_q_schedule_add"), _schedule_form("subprocess.check_output")
    )
    assert response.status_code == 403
    assert not Schedule.objects.filter(func="subprocess.check_output").exists()


def test_finding_1_staff_cannot_change_an_existing_schedule(client, staff_user, login):
    schedule = Schedule.objects.create(name="nightly", func="math.floor", args="1")
    login(staff_user)
    response = client.post(
        reverse("admin:django_q_schedule_change", args=[schedule.pk]),
        _schedule_form("subprocess.check_output"),
    )
    assert response.status_code == 403
    schedule.refresh_from_db()
    assert schedule.func == "math.floor"


def test_finding_2_staff_cannot_make_themselves_superuser(client, staff_user, login):
    from django.contrib.auth.models import Group, Permission

    login(staff_user)
    everything = Group.objects.create(name="everything")
    everything.permissions.set(Permission.objects.all())
    groups_before = set(staff_user.groups.values_list("pk", flat=True))
    client.post(
        reverse("admin:accounts_user_change", args=[staff_user.pk]),
        {
            "email": staff_user.email,
            "name": staff_user.name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [*groups_before, everything.pk],
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    staff_user.refresh_from_db()
    assert not staff_user.is_superuser
    assert not staff_user.user_permissions.exists()
    assert set(staff_user.groups.values_list("pk", flat=True)) == groups_before


def test_finding_2_the_staff_form_shows_no_superuser_groups_or_permissions(
    client, staff_user, login
):
    login(staff_user)
    page = client.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))
    content = page.content.decode()
    for field in ("is_superuser", "user_permissions"):
        assert f'name="{field}"' not in content, field


def test_finding_3_staff_cannot_set_a_patients_password(client, staff_user, alice_patient, login):
    login(staff_user)
    url = reverse("admin:auth_user_password_change", args=[alice_patient.pk])
    response = client.post(
        url,
        {"password1": "taken-over-123", "password2": "taken-over-123", "usable_password": "true"},
    )
    assert response.status_code in (403, 404)
    alice_patient.refresh_from_db()
    assert alice_patient.check_password(PASSWORD)
    change = client.get(reverse("admin:accounts_user_change", args=[alice_patient.pk]))
    assert change.status_code != 200


def test_finding_4_the_admin_login_does_not_take_a_password(client, staff_user):
    response = client.post(
        reverse("admin:login"), {"username": staff_user.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session  # two-factor was not skipped
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_finding_4_the_admin_login_hands_over_to_allauth_with_next(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/pharma/"})
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/pharma/"


def test_finding_4_guessing_passwords_at_the_admin_login_gets_nowhere(client, staff_user):
    from django.core.cache import cache

    cache.clear()  # allauth's counters live in the cache; start from none
    for _ in range(12):
        client.post(reverse("admin:login"), {"username": staff_user.email, "password": "wrong"})
    client.post(reverse("admin:login"), {"username": staff_user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    # allauth counts the failures now: the account is throttled even with the right password.
    for _ in range(6):
        client.post(reverse("account_login"), {"login": staff_user.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": staff_user.email, "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_searching_the_audit_log_works(client, staff_user, alice_patient, login):
    login(staff_user)
    url = reverse("admin:auditlog_logentry_changelist")
    by_actor = client.get(url, {"q": staff_user.email})
    assert by_actor.status_code == 200
    by_object = client.get(url, {"q": alice_patient.email})
    assert by_object.status_code == 200
    assert LogEntry.objects.filter(object_repr=alice_patient.email).exists()
    assert alice_patient.email in by_object.content.decode()


def test_signed_in_staff_at_the_admin_login_go_to_the_admin(client, staff_user, login):
    login(staff_user)
    response = client.get(reverse("admin:login"), {"next": reverse("admin:login")})
    assert response.url == reverse("admin:index")
