"""Lumen's own password-change page (templates/account/password_change.html, written out
instead of allauth's element templates for speed): every box labelled, the password manager
told which is which, errors tied to their box, and the change still works."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.conftest import PASSWORD

PAGE = "/accounts/password/change/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


class _Form(HTMLParser):
    """The inputs (by id), the label targets and the ids present on a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.labelled: set[str] = set()
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "input" and attrs.get("type") == "password":
            self.inputs[attrs["id"]] = attrs
        if tag == "label":
            self.labelled.add(attrs.get("for"))


def test_each_password_box_is_labelled_required_and_named_for_the_password_manager(
    client, alice_patient, login
):
    login(alice_patient)
    form = _Form(client.get(PAGE).content.decode())
    assert {a["name"]: a["autocomplete"] for a in form.inputs.values()} == {
        "oldpassword": "current-password",
        "password1": "new-password",
        "password2": "new-password",
    }
    assert set(form.inputs) <= form.labelled
    assert all("required" in a and "aria-invalid" not in a for a in form.inputs.values())
    # The password rules are shown, and tied to the new password's box.
    rules = form.inputs["id_password1"]["aria-describedby"]
    assert rules in form.ids


def test_errors_are_shown_and_tied_to_their_box(client, alice_patient, login):
    login(alice_patient)
    response = client.post(
        PAGE, {"oldpassword": "not-my-password", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    form = _Form(response.content.decode())
    for box in ("id_oldpassword", "id_password1"):
        attrs = form.inputs[box]
        assert attrs["aria-invalid"] == "true"
        assert f"{box}_error" in attrs["aria-describedby"].split()
        assert f"{box}_error" in form.ids
    alice_patient.refresh_from_db()
    assert alice_patient.check_password(PASSWORD)


def test_the_page_changes_the_password(client, alice_patient, login):
    login(alice_patient)
    response = client.post(
        PAGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    alice_patient.refresh_from_db()
    assert alice_patient.check_password(NEW_PASSWORD)
