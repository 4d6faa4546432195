"""Hostile input for the security suites: strategies for form values, a snapshot of stored
rows, and how to tell a refused submission from an accepted one."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django import forms
from django.contrib.messages import constants as message_levels
from django.db import models
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Each form-handling URL gets this many generated submissions; the whole suite stays well
# under two minutes on two cores. `LUMEN_FUZZ_PROFILE=security-deep` runs ten times as many.
EXAMPLES = 30
for _name, _examples in (("security", EXAMPLES), ("security-deep", 10 * EXAMPLES)):
    settings.register_profile(_name, max_examples=_examples, deadline=None, print_blob=True)
FUZZ = settings(
    settings.get_profile(os.environ.get("LUMEN_FUZZ_PROFILE", "security")),
    # The client, the signed-in session and the rows are per test, shared by its examples:
    # each example snapshots before and after itself, so nothing leaks between them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "\x00",
    "a\x00b",
    "warfarin\x00",
    "\u202enirafraw",  # right-to-left override
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",  # Hebrew and Arabic
    "zero\u200bwidth\u200d\ufeff",
    "😷🤒💊" * 40,
    "👩‍👩‍👧‍👦",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1",
    "'; DROP TABLE patients_medication; --",
    "%s%s%s%n",
    "{{ request }}{% debug %}",
    "x" * 5_000,
    "y" * 100_001,
    "",
    " ",
    "\t\r\n",
    "-1",
    "0",
    "1e999999",
    "9" * 5_000,
    "NaN",
    "-Infinity",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2024-02-30",
    "25:99",
    "None",
    "true",
    "[]",
    "{}",
    "00000000-0000-0000-0000-000000000000",
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=300))


def form_data(fields: Iterable[str], good: dict[str, list[str]] | None = None):
    """A POST/GET body over `fields`: each field missing, hostile, a list of values (a
    multi-valued field where one is expected), or sometimes a valid value so that later
    validation steps get reached too."""
    good = good or {}

    def value(name: str):
        single = hostile_text()
        if good.get(name):
            single = st.one_of(st.sampled_from(good[name]), single)
        return st.one_of(single, st.lists(single, min_size=2, max_size=3))

    return st.fixed_dictionaries({}, optional={name: value(name) for name in fields})


def snapshot(querysets: Iterable[models.QuerySet]) -> list:
    """Every field of every row, to prove that a refused submission stored nothing."""
    rows = []
    for queryset in querysets:
        for obj in queryset.order_by("pk"):
            fields = obj._meta.concrete_fields
            rows.append((obj._meta.label, [getattr(obj, f.attname) for f in fields]))
    return rows


def refused(response) -> bool:
    """True when the submission was turned down: a 4xx, a form shown again with errors, or
    an error message queued for the page it redirects to."""
    if 400 <= response.status_code < 500:
        return True
    contexts = response.context or []
    for context in [contexts] if hasattr(contexts, "flatten") else contexts:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
                return True
    queued = getattr(response.wsgi_request, "_messages", None)
    return any(m.level >= message_levels.ERROR for m in getattr(queued, "_queued_messages", []))


def assert_handled(response, before: list, after: list, what: str) -> None:
    assert response.status_code < 500, what
    assert response.status_code in (200, 204, 302, 400, 403, 404, 405, 413, 422), (
        what,
        response.status_code,
    )
    if refused(response):
        assert after == before, f"{what}: a refused submission changed stored rows"
