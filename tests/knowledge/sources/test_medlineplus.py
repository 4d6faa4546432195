"""MedlinePlus: the health-topics XML to English topic documents, and finding the newest file."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from knowledge import sources
from knowledge.sources import medlineplus
from knowledge.sources.medlineplus import SOURCE, newest_file_date, summary_text


class FakeClient:
    """Stands in for PoliteClient: records each call and answers from `respond`."""

    def __init__(self, respond):
        self.respond = respond
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        return self.respond(url, params)


@pytest.fixture
def topics(shared_data) -> bytes:
    return (shared_data / "api" / "medlineplus_health_topics_sample_2012-07-21.xml").read_bytes()


def edited(raw: bytes, edit) -> bytes:
    """The recorded file, changed by `edit(root)`: how broken variants are made."""
    root = ET.fromstring(raw)  # noqa: S314 - our own recorded test file
    edit(root)
    return ET.tostring(root)


def english_topic(root: ET.Element) -> ET.Element:
    return next(t for t in root.iterfind("health-topic") if t.get("language") == "English")


def test_the_registry_finds_the_medlineplus_source():
    assert sources.get("medlineplus") is SOURCE


def test_the_english_topic_of_the_real_file_becomes_one_document(topics):
    result = SOURCE.parse(topics)

    (doc,) = result.documents
    assert doc.external_id == "medlineplus:3061"
    assert doc.title == "Abdominal Pain"
    assert doc.url == "https://www.nlm.nih.gov/medlineplus/abdominalpain.html"
    assert doc.doc_type == "health_topic"
    assert doc.region == "US"
    assert doc.authority == "NLM"
    assert doc.published == date(2003, 1, 7)  # date-created 01/07/2003


def test_the_spanish_topic_is_left_out_without_counting_as_a_failure(topics):
    result = SOURCE.parse(topics)

    assert result.skipped == 0
    assert result.problems == ["left out 1 non-English topic(s) by design"]
    assert all("Dolor" not in d.title for d in result.documents)


def test_the_escaped_summary_html_becomes_paragraphs_and_list_items(topics):
    (doc,) = SOURCE.parse(topics).documents

    assert [s.heading for s in doc.sections] == ["Summary"]
    paragraphs = doc.sections[0].text.split("\n\n")
    assert paragraphs[0].startswith("Your abdomen extends from below your chest to your groin.")
    assert paragraphs[1].endswith("Get medical help immediately if")
    assert paragraphs[2].splitlines() == [
        "- You have abdominal pain that is sudden and sharp",
        "- You also have pain in your chest, neck or shoulder",
        "- You're vomiting blood or have blood in your stool",
        "- Your abdomen is stiff, hard and tender to touch",
        "- You can't move your bowels, especially if you're also vomiting",
    ]
    assert "<" not in doc.text and "&lt;" not in doc.text


def test_also_called_groups_and_related_topics_are_kept_in_metadata(topics):
    (doc,) = SOURCE.parse(topics).documents

    assert doc.metadata["also_called"] == ["Bellyache"]
    assert doc.metadata["groups"] == ["Digestive System", "Symptoms"]
    assert doc.metadata["related_topics"] == ["Pain", "Pelvic Pain"]
    assert doc.metadata["mesh_headings"] == ["Abdominal Pain"]
    assert doc.metadata["date_generated"] == "2012-07-21"


def test_the_file_date_stands_in_for_a_missing_creation_date(topics):
    def undate(root):
        del english_topic(root).attrib["date-created"]

    (doc,) = SOURCE.parse(edited(topics, undate)).documents

    assert doc.published == date(2012, 7, 21)


def test_a_topic_without_id_is_skipped_and_the_good_one_kept(topics):
    def add_broken_copy(root):
        broken = copy.deepcopy(english_topic(root))
        del broken.attrib["id"]
        root.append(broken)

    result = SOURCE.parse(edited(topics, add_broken_copy))

    assert [d.external_id for d in result.documents] == ["medlineplus:3061"]
    assert result.skipped == 1
    assert "without id or title" in result.problems[0]


def test_a_topic_without_summary_is_skipped_with_its_id_and_title(topics):
    def add_copy_without_summary(root):
        broken = copy.deepcopy(english_topic(root))
        broken.set("id", "9999")
        broken.remove(broken.find("full-summary"))
        root.append(broken)

    result = SOURCE.parse(edited(topics, add_copy_without_summary))

    assert len(result.documents) == 1
    assert result.skipped == 1
    assert "9999" in result.problems[0] and "Abdominal Pain" in result.problems[0]


@pytest.mark.parametrize(
    "raw",
    [b"", b'<health-topics total="1"><health-topic title="A"', b"{}"],
    ids=["empty", "truncated", "json"],
)
def test_unparseable_xml_gives_no_documents_and_one_problem(raw):
    result = SOURCE.parse(raw)

    assert result.documents == [] and result.skipped == 1
    assert result.problems[0].startswith("malformed XML")


def test_a_truncated_real_file_gives_no_documents(topics):
    result = SOURCE.parse(topics[: len(topics) // 2])

    assert result.documents == [] and result.skipped == 1


def test_xml_of_another_kind_is_one_problem(shared_data):
    result = SOURCE.parse((shared_data / "api" / "pubmed_esearch1.xml").read_bytes())

    assert result.documents == [] and result.skipped == 1
    assert "eSearchResult" in result.problems[0]


def test_an_empty_topics_file_gives_nothing_and_no_problem():
    result = SOURCE.parse(b'<health-topics total="0" date-generated="01/02/2025 01:00:00"/>')

    assert result.documents == [] and result.skipped == 0 and result.problems == []


def test_a_file_over_the_size_limit_is_not_parsed(topics, monkeypatch):
    monkeypatch.setattr(medlineplus, "MAX_BYTES", 1000)

    result = SOURCE.parse(topics)

    assert result.documents == [] and result.skipped == 1


def test_summary_text_handles_ordered_lists_and_entities():
    assert summary_text("<p>Take &amp; rest</p><ol><li>One</li><li>Two</li></ol><p>End</p>") == (
        "Take & rest\n\n- One\n- Two\n\nEnd"
    )


LISTING = b"""<html><body>
<a href="https://medlineplus.gov/xml/mplus_topics_2025-06-10.xml">Health Topic XML</a>
<a href="xml/mplus_topics_2025-06-14.xml">Health Topic XML</a>
<a href="https://medlineplus.gov/xml/mplus_topics_compressed_2025-06-21.zip">Zip</a>
<a href="https://medlineplus.gov/xml/mplus_topic_groups_2025-06-21.xml">Groups</a>
</body></html>"""


def test_the_newest_topics_file_is_found_on_the_listing_page():
    assert newest_file_date(LISTING) == "2025-06-14"
    assert newest_file_date(b"<html>nothing here</html>") is None


def test_fetch_reads_the_listing_then_yields_the_newest_file(topics):
    client = FakeClient(lambda url, params: LISTING if url.endswith(".html") else topics)

    pages = list(SOURCE.fetch(client, query=None, limit=None, cursor=None))

    assert [url for url, _, _ in client.calls] == [
        "https://medlineplus.gov/xml.html",
        "https://medlineplus.gov/xml/mplus_topics_2025-06-14.xml",
    ]
    assert all(source == "medlineplus" for _, _, source in client.calls)
    (page,) = pages
    assert page.body == topics
    assert page.url == "https://medlineplus.gov/xml/mplus_topics_2025-06-14.xml"
    assert page.cursor_after == "2025-06-14"


def test_fetch_yields_nothing_when_the_newest_file_is_already_ingested():
    client = FakeClient(lambda url, params: LISTING)

    assert list(SOURCE.fetch(client, query=None, limit=None, cursor="2025-06-14")) == []
    assert len(client.calls) == 1


def test_fetch_says_so_when_the_listing_has_no_topics_file():
    client = FakeClient(lambda url, params: b"<html>maintenance</html>")

    with pytest.raises(ValueError, match="mplus_topics"):
        list(SOURCE.fetch(client, query=None, limit=None, cursor=None))
