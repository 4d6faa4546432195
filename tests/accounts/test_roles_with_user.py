"""The signed-in user's roles come with the user, in one query (lumen.accounts.backends):
a role granted or taken away still counts from the next request, and nothing is granted
that the groups do not hold."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumen.accounts.roles import Role, grant_role


def test_the_user_and_their_roles_are_one_query_and_the_roles_stay_current(
    client, alice_patient, login
):
    login(alice_patient)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/patients/").status_code == 200
    user_reads = [q["sql"] for q in queries if '"accounts_user"' in q["sql"]]
    assert len(user_reads) == 1 and "auth_group" in user_reads[0]
    assert not [q for q in queries if q["sql"].startswith('SELECT "auth_group"')]

    # Taken away: refused at the next request, not after the session is renewed.
    alice_patient.groups.remove(Group.objects.get(name=Role.PATIENT.value))
    assert client.get("/patients/").status_code == 403
    assert client.get("/pharma/").status_code == 403

    # Granted: the area opens at the next request.
    grant_role(alice_patient, Role.PATIENT)
    assert client.get("/patients/").status_code == 200


def test_a_user_in_no_group_holds_no_role(client, alice_patient, login):
    login(alice_patient)
    alice_patient.groups.clear()
    response = client.get("/accounts/password/change/")
    assert response.status_code == 200
    assert b"My health" not in response.content  # the patient navigation is gone
    assert client.get("/patients/").status_code == 403


def test_a_disabled_account_is_signed_out_at_its_next_request(client, alice_patient, login):
    login(alice_patient)
    type(alice_patient).objects.filter(pk=alice_patient.pk).update(is_active=False)
    response = client.get("/patients/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
