"""What a drug page reads: a drug found by its slug through an index (the slug kept by the
database from the name), and the drug vocabulary's version read once per request, not once
per name matched (issue 20)."""

from __future__ import annotations

from django.core.signals import request_finished
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from knowledge import drug_names
from knowledge.drug_lookup import drug_for_key
from knowledge.drug_names import mentioned_drugs
from knowledge.models import Drug
from patients.models import Allergy
from patients.selectors import profile_for


def _version_reads(queries) -> int:
    return sum('MAX("knowledge_drug"."updated_at")' in q["sql"] for q in queries)


def test_every_drug_is_found_by_the_slug_of_its_name_in_one_query(
    drug_database, db, django_assert_num_queries
):
    names = list(Drug.objects.values_list("name", flat=True))
    assert len(names) > 1000
    for name in names:
        with django_assert_num_queries(1):
            drug = drug_for_key(slugify(name))
        assert slugify(drug.name) == slugify(name)
    assert drug_for_key("st-johns-wort").name == "st john's wort"
    assert drug_for_key("no-such-drug") is None
    assert drug_for_key("ibu\x00profen") is None  # never reaches the database


def test_a_drug_page_for_a_key_no_drug_has_is_a_404(client, alice_patient, login, drug_database):
    login(alice_patient)
    for key in ("no-such-drug", "ibu%00profen", "Ibuprofen", "ibuprofen%20"):
        assert client.get(f"/patients/drugs/{key}/").status_code == 404, key


def test_the_slug_follows_a_renamed_drug(drug_database, db):
    drug = Drug.objects.get(name="ibuprofen")
    drug.name = "ibuprofen (test rename)"
    drug.save()
    assert drug_for_key("ibuprofen-test-rename") == drug
    assert drug_for_key("ibuprofen") is None


def test_a_drug_page_reads_the_vocabulary_version_once(client, alice_patient, login, drug_database):
    profile = profile_for(alice_patient)
    for substance in ("penicillin", "aspirin", "codeine"):
        Allergy.objects.create(profile=profile, substance=substance)
    login(alice_patient)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/patients/drugs/amoxicillin/").status_code == 200
    assert _version_reads(queries) == 1


def test_a_drug_saved_during_a_request_is_recognised_by_its_next_lookup(drug_database, db):
    with CaptureQueriesContext(connection) as outside:
        mentioned_drugs("warfarin")
        mentioned_drugs("aspirin")
    assert _version_reads(outside) == 2  # no request: every lookup asks

    # What request_started and request_finished do (sending them would close the test's
    # database connection).
    drug_names._open_request_memo()
    try:
        with CaptureQueriesContext(connection) as within:
            assert [d.name for d in mentioned_drugs("warfarin")] == ["warfarin"]
            mentioned_drugs("aspirin")
        assert _version_reads(within) == 1
        Drug.objects.create(name="zzlumentestine")
        assert [d.name for d in mentioned_drugs("zzlumentestine")] == ["zzlumentestine"]
    finally:
        drug_names._drop_request_memo(signal=request_finished)

    with CaptureQueriesContext(connection) as next_outside:
        mentioned_drugs("warfarin")
    assert _version_reads(next_outside) == 1
