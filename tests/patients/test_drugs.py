"""Patient drug pages: search, a plain-language page with sources and reported reactions,
warnings for the reader's own profile, and access for patients only."""

from __future__ import annotations

from knowledge.models import Drug
from lumen import safety
from patients.models import Allergy, Medication
from patients.selectors import profile_for


def test_anonymous_visitors_are_sent_to_log_in(client, drug_database, db):
    for url in ("/patients/drugs/", "/patients/drugs/ibuprofen/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_pharma_users_are_refused(client, acme_qa, login, drug_database):
    login(acme_qa)
    assert client.get("/patients/drugs/ibuprofen/").status_code == 403


def test_search_finds_by_brand_and_lists_all_without_a_query(
    client, alice_patient, login, drug_database, django_assert_max_num_queries
):
    login(alice_patient)
    with django_assert_max_num_queries(8):
        everything = client.get("/patients/drugs/").content.decode()
    assert everything.count('href="/patients/drugs/') >= 130
    html = client.get("/patients/drugs/", {"q": "Tylenol"}).content.decode()
    assert "Acetaminophen" in html
    partial = client.get("/patients/drugs/", {"q": "ibu"}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<section id="drug-results"')


def test_a_drug_page_by_uuid_or_slug_shows_label_sections_sources_and_disclaimer(
    client, alice_patient, login, drug_database
):
    drug = Drug.objects.get(name="ibuprofen")
    drug.reported_reactions = [["NAUSEA", 120], ["HEADACHE", 80]]
    drug.save(update_fields=["reported_reactions"])
    login(alice_patient)
    by_slug = client.get("/patients/drugs/ibuprofen/").content.decode()
    by_uuid = client.get(f"/patients/drugs/{drug.uid}/").content.decode()
    assert "<h1>Ibuprofen</h1>" in by_uuid
    for text in ("Common side effects", "Indigestion", "Important warnings", "20 weeks",
                 "Most reported reactions", "Nausea", "(120 reports)", "US: over the counter",
                 "https://medlineplus.gov/", safety.DISCLAIMER):  # fmt: skip
        assert text in by_slug
    assert client.get("/patients/drugs/st-johns-wort/").status_code == 200
    assert client.get("/patients/drugs/no-such-drug/").status_code == 404


def test_warnings_for_you_come_from_the_readers_own_profile(
    client, alice_patient, bob_patient, login, drug_database
):
    profile = profile_for(alice_patient)
    Medication.objects.create(
        profile=profile, name="warfarin", drug=Drug.objects.get(name="warfarin")
    )
    Allergy.objects.create(profile=profile, substance="NSAIDs")
    login(alice_patient)
    html = client.get("/patients/drugs/naproxen/").content.decode()
    assert "With your warfarin" in html
    assert "NSAID" in html and "severity-major" in html
    client.logout()
    login(bob_patient)
    html = client.get("/patients/drugs/naproxen/").content.decode()
    assert "With your warfarin" not in html
    assert "Nothing in your profile" in html


def test_a_drug_page_for_a_full_profile_has_a_bounded_query_count(
    client, alice_patient, login, drug_database, django_assert_max_num_queries
):
    """Pinned (issue 20): the session, the user with their roles, no session write; the drug
    by its indexed slug; the profile and its three lists once each; the medicines' stored
    matches, not matched again; the vocabulary's version once per request, the allergy
    matched once; the interaction rules."""
    from patients.services import profile_item_save

    profile = profile_for(alice_patient)
    for name in ("Coumadin", "lisinopril", "metformin", "atorvastatin"):
        profile_item_save(Medication(profile=profile, name=name))
    profile_item_save(Allergy(profile=profile, substance="penicillin", reaction="rash"))
    login(alice_patient)
    client.get("/patients/drugs/warfarin/")
    with django_assert_max_num_queries(11):
        html = client.get("/patients/drugs/warfarin/").content.decode()
    assert "<h1>Warfarin</h1>" in html


def test_a_medicine_saved_unmatched_is_matched_again_for_its_warnings(
    client, alice_patient, login, drug_database
):
    """The drug page uses each medicine's stored match; one saved before the vocabulary knew
    its name is matched afresh, so a newer vocabulary still warns about it."""
    profile = profile_for(alice_patient)
    Medication.objects.create(profile=profile, name="Coumadin", drug=None)
    login(alice_patient)
    html = client.get("/patients/drugs/naproxen/").content.decode()
    assert "With your warfarin" in html
