"""The pharma drug database: search by brand, synonym, class and ingredient with pages and an
htmx partial; a drug page with ingredients, class and pair interaction rules, regulatory rows
per region, handling notes, sources and the date of the data; pharma users only."""

from __future__ import annotations

import pytest

from knowledge.models import Drug, RegulatoryStatus

pytestmark = pytest.mark.usefixtures("drug_database")


@pytest.fixture
def quinn(client, acme_qa, login):
    return login(acme_qa)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in ("/pharma/drugs/", "/pharma/drugs/ibuprofen/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_patients_are_refused(client, alice_patient, login):
    login(alice_patient)
    assert client.get("/pharma/drugs/").status_code == 403
    assert client.get("/pharma/drugs/ibuprofen/").status_code == 403


def test_searching_by_brand_synonym_class_or_ingredient_finds_the_drug(quinn):
    for query, expected in (
        ("Tylenol", "Acetaminophen"),
        ("paracetamol", "Acetaminophen"),
        ("NSAID", "Naproxen"),
        ("ssri", "Sertraline"),
        ("Analgesic", "Acetaminophen"),
        ("levonorgestrel", "Ethinyl estradiol-levonorgestrel"),  # an active ingredient
        ("valproic acid", "Valproate"),
    ):
        page = quinn.get("/pharma/drugs/", {"q": query}).content.decode()
        assert expected in page, query


def test_a_generic_name_match_comes_before_brand_and_class_matches(
    quinn, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        page = quinn.get("/pharma/drugs/", {"q": "ibuprofen"}).content.decode()
    first_link = page.split('href="/pharma/drugs/', 2)[1]
    assert first_link.startswith(str(Drug.objects.get(name="ibuprofen").uid))


def test_no_query_lists_every_drug_a_page_at_a_time(quinn, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        first = quinn.get("/pharma/drugs/").content.decode()
    assert first.count('href="/pharma/drugs/') == 25
    pages = -(-Drug.objects.count() // 25)
    assert f"Page 1 of {pages}" in first and 'rel="next"' in first
    last = quinn.get("/pharma/drugs/", {"page": str(pages)}).content.decode()
    assert f"Page {pages} of {pages}" in last and 'rel="next"' not in last
    assert quinn.get("/pharma/drugs/", {"page": "junk"}).status_code == 200


def test_htmx_gets_only_the_results_and_responses_vary_on_it(quinn):
    response = quinn.get("/pharma/drugs/", {"q": "ibu"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<section id="drug-results"')
    assert "HX-Request" in response["Vary"]


def test_junk_queries_are_escaped_and_cut_never_an_error(quinn):
    response = quinn.get("/pharma/drugs/", {"q": "<script>alert(1)</script>"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    for junk in ("x" * 1000, "%_%", "'; drop table drug; --", "\x00"[:0] + "ü" * 50):
        response = quinn.get("/pharma/drugs/", {"q": junk}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "No drug in Lumen" in response.content.decode()
    assert "x" * 101 not in quinn.get("/pharma/drugs/", {"q": "x" * 1000}).content.decode()


def test_a_drug_page_shows_composition_regulatory_rows_handling_sources_and_date(
    quinn, django_assert_max_num_queries
):
    drug = Drug.objects.get(name="acetaminophen")
    with django_assert_max_num_queries(12):
        page = quinn.get(f"/pharma/drugs/{drug.uid}/").content.decode()
    assert "<h1>Acetaminophen</h1>" in page
    assert "Analgesic and antipyretic" in page
    for row in RegulatoryStatus.objects.filter(drug=drug):
        assert row.status in page
    assert (
        'class="region-US"' in page and 'class="region-UK"' in page and 'class="region-EU"' in page
    )
    assert "OTC monograph" in page and "MHRA" in page
    assert "in the original container" in page and "Container and packaging" in page
    assert "https://medlineplus.gov/druginfo/meds/a681004.html" in page
    assert f"Last updated {drug.updated_at:%-d %B %Y}" in page


def test_a_region_without_a_status_row_says_so(quinn):
    drug = Drug.objects.get(name="acetaminophen")
    RegulatoryStatus.objects.filter(drug=drug, region="EU").delete()
    page = quinn.get("/pharma/drugs/acetaminophen/").content.decode()
    assert "No status recorded" in page


def test_interactions_include_pair_rules_and_class_rules_with_their_sources(
    quinn, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = quinn.get("/pharma/drugs/sertraline/").content.decode()
    # A class rule (ssri with maoi) seen from sertraline's side, with members of the class.
    assert "class rule: sertraline is ssri" in page
    assert "(class)" in page and "severity-major" in page
    assert "serotonin syndrome" in page
    assert "Contraindications: MAOIs" in page  # the rule's source
    ibuprofen = quinn.get("/pharma/drugs/ibuprofen/").content.decode()
    assert ">warfarin</a>" in ibuprofen  # a drug-drug rule links to the other drug
    assert "Management:" in ibuprofen


def test_unknown_drugs_are_404(quinn):
    assert quinn.get("/pharma/drugs/no-such-drug/").status_code == 404
    assert quinn.get("/pharma/drugs/00000000-0000-0000-0000-000000000000/").status_code == 404
