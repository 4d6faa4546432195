"""The e-mail confirmation page speaks plainly (allauth's own read "... is an email address
for user ...")."""

from __future__ import annotations

import re

from django.core import mail

from tests.conftest import PASSWORD


def test_the_confirmation_page_asks_in_plain_words(client, db):
    client.post(
        "/accounts/signup/",
        {"email": "dana@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    page = client.get(link.group(1)).content.decode()
    assert "is an email address for user" not in page
    assert "Confirm that <strong>dana@example.com</strong> is your email address" in page
    assert "Confirm my email address" in page


def test_an_expired_or_wrong_link_says_so_and_offers_a_new_one(client, db):
    page = client.get("/accounts/confirm-email/not-a-real-key/").content.decode()
    assert "This confirmation link has expired or is not valid." in page
    assert "Send a new confirmation email" in page
