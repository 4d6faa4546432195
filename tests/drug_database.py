"""Lumen's starter drugs and interaction rules in the test database (no documents, ~2 s)."""

from __future__ import annotations

import pytest
from django.db import transaction

from knowledge.starter import load_drug_database


@pytest.fixture(scope="module")
def drug_database(django_db_setup, django_db_blocker):
    """Loaded once per module inside a transaction rolled back afterwards, so other modules
    still start from an empty drug table."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_drug_database()
        yield
        transaction.set_rollback(True)
