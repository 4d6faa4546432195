"""manage.py create_staff: the only way to make a staff account. It holds exactly the roles
named, is never superuser, gets a one-time set-password link, meets the two-factor gate at the
admin, and patients, pharma users, bad addresses and unknown roles are refused."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lumen.accounts.models import User
from lumen.accounts.roles import Role, StaffRole, roles_of
from tests.conftest import PASSWORD, staff_person

NEW_PASSWORD = "staff-first-password-42"


def _create_staff(*argv: str) -> str:
    out = io.StringIO()
    call_command("create_staff", *argv, stdout=out)
    return out.getvalue()


def _staff_roles(user) -> set[str]:
    return set(user.groups.filter(name__in=list(StaffRole)).values_list("name", flat=True))


def _link(output: str) -> str:
    return urlsplit(re.search(r"https?://\S+", output).group()).path


def test_a_new_staff_account_holds_its_roles_and_no_password_and_is_never_superuser(db):
    output = _create_staff(
        "Rita@Lumen.example", "--role", "content-editor", "--role", "auditor", "--name", "Rita"
    )
    rita = User.objects.get(email="rita@lumen.example")
    assert rita.is_staff and not rita.is_superuser and rita.name == "Rita"
    assert _staff_roles(rita) == {"content editor", "auditor"}
    assert roles_of(rita) == {Role.STAFF}
    assert not rita.has_usable_password()
    assert "Created staff account rita@lumen.example: auditor, content editor." in output
    assert "/accounts/password/reset/key/" in output
    assert "Two-factor" in output


def test_the_link_sets_the_password_once_then_the_admin_asks_for_two_factor(client, db, login):
    link = _link(_create_staff("rita@lumen.example", "--role", "auditor"))
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    rita = User.objects.get(email="rita@lumen.example")
    assert rita.check_password(NEW_PASSWORD)

    client.logout()
    again = client.get(link, follow=True)
    assert 'name="password1"' not in again.content.decode()  # one-time: used up

    login(rita, NEW_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_running_it_again_sets_exactly_the_roles_named_and_keeps_the_password(db):
    sam = staff_person("sam@lumen.example", "Sam Staff", StaffRole.CONTENT_EDITOR)
    output = _create_staff("sam@lumen.example", "--role", "security admin", "--name", "Samuel")
    sam.refresh_from_db()
    assert _staff_roles(sam) == {"security admin"}
    assert sam.name == "Samuel" and sam.check_password(PASSWORD)
    assert "Updated staff account" in output and "password is unchanged" in output
    assert "/accounts/password/reset/key/" not in output


@pytest.mark.parametrize("who", ["alice_patient", "acme_qa"])
def test_a_patient_or_pharma_account_is_never_made_staff(request, who):
    person = request.getfixturevalue(who)
    groups = set(person.groups.values_list("name", flat=True))
    with pytest.raises(CommandError, match="is never made staff"):
        _create_staff(person.email, "--role", "support")
    person.refresh_from_db()
    assert not person.is_staff
    assert set(person.groups.values_list("name", flat=True)) == groups


def test_a_superuser_is_left_to_createsuperuser(db):
    User.objects.create_superuser("root@lumen.example", PASSWORD)
    with pytest.raises(CommandError, match="createsuperuser"):
        _create_staff("root@lumen.example", "--role", "auditor")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["not-an-email", "--role", "auditor"], "not a valid email address"),
        (["x@lumen.example", "--role", "janitor"], "unknown staff role 'janitor'"),
        (["x@lumen.example"], "--role"),
    ],
)
def test_bad_input_is_a_clear_error_and_creates_nothing(db, argv, message):
    with pytest.raises(CommandError, match=message):
        _create_staff(*argv)
    assert not User.objects.filter(is_staff=True).exists()
    assert not Group.objects.get(name=Role.STAFF).user_set.exists()


def test_help_names_the_roles(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("create_staff", "--help")
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "never a superuser" in help_text
    assert "content-editor, support, auditor, security-admin" in help_text
