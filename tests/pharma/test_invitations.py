import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from lumen.accounts.models import User
from lumen.accounts.roles import Role, roles_of
from pharma.models import Invitation, Membership
from tests.conftest import PASSWORD


def _invite_through_admin(client, staff_user, organisation, email, login, on_commit):
    login(staff_user)
    with on_commit(execute=True):  # the email leaves only once the invitation is committed
        response = client.post(
            "/admin/pharma/invitation/add/", {"organisation": organisation.pk, "email": email}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/pharma/invitations/\S+/)", body).group(1)


def test_staff_invite_a_pharma_user_who_joins_the_organisation(
    client, staff_user, acme, login, django_capture_on_commit_callbacks
):
    link = _invite_through_admin(
        client, staff_user, acme, "New.QA@Acme.example", login, django_capture_on_commit_callbacks
    )
    assert mail.outbox[-1].to == ["new.qa@acme.example"]
    assert "Acme Pharma" in mail.outbox[-1].subject

    page = client.get(link)
    assert page.status_code == 200
    assert "new.qa@acme.example" in page.content.decode()

    response = client.post(
        link, {"name": "Nia QA", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/pharma/"
    assert "Acme Pharma" in response.content.decode()
    user = User.objects.get(email="new.qa@acme.example")
    assert roles_of(user) == {Role.PHARMA}
    assert Membership.objects.get(user=user).organisation == acme
    assert user.emailaddress_set.get().verified


def test_an_invitation_works_once(
    client, staff_user, acme, login, django_capture_on_commit_callbacks
):
    link = _invite_through_admin(
        client, staff_user, acme, "once@acme.example", login, django_capture_on_commit_callbacks
    )
    form = {"name": "Once", "password1": PASSWORD, "password2": PASSWORD}
    client.post(link, form)
    client.logout()
    response = client.post(link, form)
    assert response.status_code == 404
    assert "cannot be used" in response.content.decode()
    assert User.objects.filter(email="once@acme.example").count() == 1


def test_an_expired_invitation_is_refused(client, acme):
    invitation = Invitation.objects.create(
        organisation=acme,
        email="late@acme.example",
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = client.get(f"/pharma/invitations/{invitation.token}/")
    assert response.status_code == 404


def test_mismatched_passwords_are_a_form_error_and_create_nothing(client, acme):
    invitation = Invitation.objects.create(
        organisation=acme, email="typo@acme.example", expires_at=timezone.now() + timedelta(days=1)
    )
    response = client.post(
        f"/pharma/invitations/{invitation.token}/",
        {"name": "T", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "The two passwords differ" in response.content.decode()
    assert not User.objects.filter(email="typo@acme.example").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_existing_account_is_not_taken_over_by_an_invitation(client, alice_patient, acme):
    invitation = Invitation.objects.create(
        organisation=acme, email=alice_patient.email, expires_at=timezone.now() + timedelta(days=1)
    )
    response = client.post(
        f"/pharma/invitations/{invitation.token}/",
        {"name": "Mallory", "password1": PASSWORD + "z", "password2": PASSWORD + "z"},
    )
    assert "already exists" in response.content.decode()
    alice_patient.refresh_from_db()
    assert alice_patient.check_password(PASSWORD)
    assert not Membership.objects.filter(user=alice_patient).exists()


def test_pharma_members_see_only_their_own_organisation(client, acme_qa, globex_qa, login):
    login(acme_qa)
    page = client.get("/pharma/").content.decode()
    assert "Acme Pharma" in page
    assert "Globex" not in page and globex_qa.email not in page


def test_the_pharma_area_refuses_patients_and_anonymous_visitors(client, alice_patient, login):
    response = client.get("/pharma/")
    assert response.url.startswith("/accounts/login/")
    login(alice_patient)
    assert client.get("/pharma/").status_code == 403
