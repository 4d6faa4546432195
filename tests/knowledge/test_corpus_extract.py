"""The shipped MedQuAD extract: holds what parsing the XML gives, stays small, carries its
attribution, and `manage.py medquad_extract` regenerates it byte for byte."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from knowledge.corpus_extract import (
    extract_hash,
    extract_header,
    extract_records,
    extract_write,
)
from knowledge.sources.medquad import INGEST_ORDER, LICENCE, SOURCE

SHIPPED = Path(settings.LUMEN_MEDQUAD_EXTRACT)
ANSWER_FOLDERS = (
    "1_CancerGov_QA", "2_GARD_QA", "3_GHR_QA", "4_MPlus_Health_Topics_QA", "5_NIDDK_QA",
    "6_NINDS_QA", "7_SeniorHealth_QA", "8_NHLBI_QA_XML", "9_CDC_QA",
)  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> dict:
    return {record.external_id: record for record in extract_records(SHIPPED)}


def test_the_extract_ships_in_the_repository_small_and_attributed():
    assert SHIPPED.parent.name == "starter"
    assert SHIPPED.stat().st_size < 15_000_000
    header = extract_header(SHIPPED)
    assert header["licence"] == LICENCE
    assert header["origin"].startswith("https://github.com/abachaa/MedQuAD@")
    assert header["documents"] > 5000 and header["sections"] > 15000
    notice = (SHIPPED.parent / "medquad-NOTICE.md").read_text()
    assert "CC BY 4.0" in notice and "Ben Abacha" in notice


def test_its_header_counts_what_it_holds(shipped):
    header = extract_header(SHIPPED)
    assert len(shipped) == header["documents"]
    assert sum(len(r.sections) for r in shipped.values()) == header["sections"]
    assert all(r.metadata["licence"] == LICENCE and r.url for r in shipped.values())


def test_a_sample_of_the_xml_parses_to_exactly_the_shipped_documents(shipped, shared_data):
    medquad = shared_data / "medquad"
    files = sorted(f for folder in ANSWER_FOLDERS for f in (medquad / folder).glob("*.xml"))
    sample = files[::250]  # every source folder, about twenty files
    compared = 0
    for file in sample:
        for record in SOURCE.parse(file.read_bytes()).documents:
            assert shipped[record.external_id] == record, file
            assert shipped[record.external_id].content_hash == record.content_hash
            compared += 1
    assert compared >= 15


def test_common_consumer_subjects_come_first_and_rare_conditions_last(shipped):
    # A fresh machine embeds the extract in file order: MedlinePlus's health topics answer
    # within minutes, while GARD's rare diseases (the largest part) wait until the end.
    codes = [external_id.split(":")[1] for external_id in shipped]  # file order
    ranks = [INGEST_ORDER.index(code) for code in codes]
    assert ranks == sorted(ranks)
    assert codes[0] == "mplus" and codes[-1] == "gard"
    assert set(codes) == set(INGEST_ORDER)


def test_writing_and_reading_back_round_trips_and_resumes_after_a_skip(shipped, tmp_path):
    records = sorted(shipped.values(), key=lambda r: r.external_id)[:5]
    path = tmp_path / "sample.jsonl.xz"
    header = extract_write(list(reversed(records)), path, origin="test")
    assert header["documents"] == 5
    assert list(extract_records(path)) == records  # sorted, whatever the input order
    assert list(extract_records(path, skip=3)) == records[3:]
    first = extract_hash(path)
    extract_write(records, path, origin="test")
    assert extract_hash(path) == first  # deterministic: same content, same hash


def test_a_file_that_is_not_an_extract_is_refused(tmp_path):
    import lzma

    path = tmp_path / "other.jsonl.xz"
    path.write_bytes(lzma.compress(b'{"format": "something else"}\n'))
    with pytest.raises(ValueError, match="not a lumen-medquad-extract"):
        extract_header(path)


def test_the_command_regenerates_the_extract_from_the_xml(shared_data, tmp_path):
    medquad = tmp_path / "medquad"
    for name in ("4_MPlus_Health_Topics_QA/0000812.xml", "2_GARD_QA/0000004.xml",
                 "10_MPlus_ADAM_QA/0003556.xml"):  # fmt: skip
        (medquad / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared_data / "medquad" / name, medquad / name)
    output = tmp_path / "out.jsonl.xz"
    out = StringIO()
    call_command("medquad_extract", str(medquad), "--output", str(output), stdout=out,
                 stderr=StringIO())  # fmt: skip
    assert "2 documents, 2 answers" in out.getvalue()
    # MedlinePlus's topic before GARD's rare disease: the ingestion order.
    assert [r.title for r in extract_records(output)] == ["Shingles", "ABCD syndrome"]


def test_the_command_refuses_a_folder_without_medquad_files(tmp_path):
    with pytest.raises(CommandError, match="No MedQuAD documents"):
        call_command("medquad_extract", str(tmp_path), "--output", str(tmp_path / "x.xz"))
    with pytest.raises(CommandError, match="not a directory"):
        call_command("medquad_extract", str(tmp_path / "missing"))
