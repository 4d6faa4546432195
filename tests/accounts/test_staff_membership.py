"""Only a security admin changes who is staff and which staff roles they hold; the form offers
staff roles only and keeps the product roles it does not show."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lumen.accounts.roles import Role, StaffRole
from tests.conftest import staff_person

pytestmark = pytest.mark.django_db


def _change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _form(user, *groups: Group, is_staff: bool = True) -> dict:
    data = {"email": user.email, "name": user.name, "is_active": "on"}
    if is_staff:
        data["is_staff"] = "on"
    data["groups"] = [g.pk for g in groups]
    return data


def test_a_security_admin_gives_a_staff_member_another_role(client):
    editor = staff_person("eve@lumen.example", "Eve Editor", StaffRole.CONTENT_EDITOR)
    client.force_login(staff_person("sid@lumen.example", "Sid", StaffRole.SECURITY_ADMIN))
    roles = {r: Group.objects.get(name=r) for r in (StaffRole.CONTENT_EDITOR, StaffRole.AUDITOR)}
    response = client.post(_change_url(editor), _form(editor, *roles.values()))
    assert response.status_code == 302
    names = set(editor.groups.values_list("name", flat=True))
    assert names == {Role.STAFF, StaffRole.CONTENT_EDITOR, StaffRole.AUDITOR}


def test_the_security_admin_form_offers_staff_roles_only(client):
    editor = staff_person("eve@lumen.example", "Eve Editor", StaffRole.CONTENT_EDITOR)
    client.force_login(staff_person("sid@lumen.example", "Sid", StaffRole.SECURITY_ADMIN))
    form = client.get(_change_url(editor)).context["adminform"].form
    assert {g.name for g in form.fields["groups"].queryset} == set(StaffRole)
    patient_group = Group.objects.get(name=Role.PATIENT)
    response = client.post(_change_url(editor), _form(editor, patient_group))
    assert response.status_code == 200  # an invalid choice, shown in place
    assert not editor.groups.filter(name=Role.PATIENT).exists()


def test_support_can_read_but_not_change_a_staff_account(client):
    editor = staff_person("eve@lumen.example", "Eve Editor", StaffRole.CONTENT_EDITOR)
    client.force_login(staff_person("sue@lumen.example", "Sue", StaffRole.SUPPORT))
    page = client.get(_change_url(editor))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(_change_url(editor), _form(editor, is_staff=False))
    assert response.status_code == 403
    editor.refresh_from_db()
    assert editor.is_staff and editor.is_active


def test_support_edits_a_pharma_account_without_seeing_staff_fields(client, acme_qa):
    client.force_login(staff_person("sue@lumen.example", "Sue", StaffRole.SUPPORT))
    fields = client.get(_change_url(acme_qa)).context["adminform"].form.fields
    assert (
        set(fields) & {"is_staff", "is_superuser", "groups", "user_permissions", "email"} == set()
    )
    response = client.post(
        _change_url(acme_qa),
        {"name": "Quinn Q", "is_active": "on", "is_staff": "on", "email": "evil@example.com"},
    )
    assert response.status_code == 302
    acme_qa.refresh_from_db()
    assert (acme_qa.name, acme_qa.email, acme_qa.is_staff) == (
        "Quinn Q",
        "quinn@acme.example",
        False,
    )
