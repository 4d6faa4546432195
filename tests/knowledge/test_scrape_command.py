"""`manage.py scrape SOURCE --from-file PATH` ingests a saved raw response, offline, for
every source; re-running it changes nothing; bad input ends with a clear message."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from knowledge.models import Chunk, Document, Drug, DrugInteraction, Source

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# source slug -> a saved raw response (recorded from the real API where one exists)
RECORDED = {
    "openfda-label": "api/openfda_label_vyvanse_rx_2015.json",
    "openfda-events": "api/openfda_event_search_2015.json",
    "dailymed": "api/dailymed_spl_lipitor_rx.xml",
    "pubmed": "api/pubmed_efetch_pubmed2.xml",
    "rxnorm": "api/rxnav_rxnorm-related-response.json",
    "clinicaltrials": "api/ctgov_v2_search_keytruda_limit3.json",
    "medlineplus": "api/medlineplus_health_topics_sample_2012-07-21.xml",
}


def _scrape(*args: str) -> str:
    out = StringIO()
    call_command("scrape", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def _raw(slug: str, shared_data: Path, tmp_path: Path) -> Path:
    if slug in RECORDED:
        return shared_data / RECORDED[slug]
    if slug == "drugbank":
        return FIXTURES / "drugbank_sample.xml"
    # fda-guidance: a real PDF made on the spot (there is no recorded FDA response).
    from weasyprint import HTML

    pdf = tmp_path / "guidance.pdf"
    HTML(
        string="<h1>Process Validation: General Principles</h1>"
        "<p>I. INTRODUCTION</p><p>This guidance outlines the general principles of process "
        "validation for the manufacture of human drugs.</p><p>II. BACKGROUND</p>"
        "<p>Process validation is the collection and evaluation of data.</p>"
    ).write_pdf(pdf)
    return pdf


@pytest.mark.parametrize(
    "slug", [*RECORDED, "fda-guidance", "drugbank"], ids=lambda s: s.replace("-", "_")
)
def test_every_source_ingests_a_saved_response_and_a_rerun_adds_nothing(
    slug, db, shared_data, tmp_path, django_capture_on_commit_callbacks
):
    raw = _raw(slug, shared_data, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):  # the embedding task is on commit
        summary = _scrape(slug, "--from-file", str(raw))
    assert summary.startswith(f"{slug}: fetched ")
    stored = Document.objects.count() + Drug.objects.count() + DrugInteraction.objects.count()
    assert stored > 0, summary
    assert " new 0," not in summary
    assert Source.objects.get(slug=slug).last_summary["fetched"] > 0
    # Documents were chunked and (tasks run inline in tests) embedded.
    assert not Chunk.objects.filter(embedding__isnull=True).exists()

    rerun = _scrape(slug, "--from-file", str(raw))
    assert " new 0, updated 0," in rerun
    after = Document.objects.count() + Drug.objects.count() + DrugInteraction.objects.count()
    assert after == stored


def test_a_malformed_file_is_counted_as_skipped_not_a_crash(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [ {"set_id": ')
    summary = _scrape("openfda-label", "--from-file", str(broken))
    assert "fetched 0, new 0, updated 0, unchanged 0, skipped 1, failed 0" in summary
    assert Document.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _scrape("pubmed", "--from-file", str(tmp_path / "nope.xml"))


def test_an_unknown_source_is_refused_with_the_list_of_sources(db):
    with pytest.raises(CommandError, match="invalid choice: 'wikipedia'"):
        _scrape("wikipedia", "--from-file", "x")


def test_a_non_positive_limit_is_refused(db, shared_data):
    with pytest.raises(CommandError, match="--limit must be a positive number"):
        _scrape("pubmed", "--limit", "0", "--from-file", str(shared_data / RECORDED["pubmed"]))


def test_limit_caps_what_a_saved_response_ingests(db, shared_data):
    _scrape("pubmed", "--limit", "1", "--from-file", str(shared_data / RECORDED["pubmed"]))
    assert Document.objects.count() == 1


def test_help_lists_every_source():
    out = StringIO()
    from knowledge.management.commands.scrape import Command

    Command().create_parser("manage.py", "scrape").print_help(out)
    for slug in (*RECORDED, "fda-guidance", "drugbank"):
        assert slug in out.getvalue()


def test_medquad_ingests_a_folder_of_xml_and_a_rerun_updates_instead_of_duplicating(
    db, shared_data, tmp_path, django_capture_on_commit_callbacks
):
    medquad = tmp_path / "medquad"
    for name in ("4_MPlus_Health_Topics_QA/0000812.xml", "7_SeniorHealth_QA/0000062.xml",
                 "2_GARD_QA/0002079.xml", "10_MPlus_ADAM_QA/0003556.xml"):  # fmt: skip
        (medquad / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared_data / "medquad" / name, medquad / name)
    with django_capture_on_commit_callbacks(execute=True):
        summary = _scrape("medquad", "--from-file", str(medquad))
    assert summary == "medquad: fetched 2, new 2, updated 0, unchanged 0, skipped 1, failed 0\n"
    shingles = Document.objects.get(external_id="medquad:seniorhealth:0000062:shingles")
    assert shingles.title == "Shingles"
    assert shingles.metadata["publisher"] == "NIHSeniorHealth"
    assert not Chunk.objects.filter(embedding__isnull=True).exists()

    # The NIH page changed one answer: the same document is updated, never duplicated.
    file = medquad / "7_SeniorHealth_QA/0000062.xml"
    file.write_text(
        file.read_text().replace("Shingles is a painful rash", "Shingles is an itchy rash")
    )
    with django_capture_on_commit_callbacks(execute=True):
        rerun = _scrape("medquad", "--from-file", str(medquad))
    assert "new 0, updated 1, unchanged 1" in rerun
    assert Document.objects.filter(source__slug="medquad").count() == 2
    assert "Shingles is an itchy rash" in Document.objects.get(pk=shingles.pk).text
