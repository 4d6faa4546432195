"""The MedQuAD extract shipped in knowledge/starter/: parsed documents as xz-compressed JSON lines.

A fresh machine gets the corpus with no network and without reading the MedQuAD checkout:
`manage.py medquad_extract DIR` (operators) parses the XML once and writes only what a
`DocumentRecord` needs; the task worker reads it back (`knowledge.ingestion`). The first line is
a header (format, counts, licence, origin); then one document per line, in ingestion order
(`knowledge.sources.medquad.ingest_rank`: common consumer subjects first, then by id). Output is
deterministic, so an unchanged corpus regenerates byte for byte and keeps its content hash.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Iterator
from pathlib import Path

from knowledge.sources.base import DocumentRecord, Section
from knowledge.sources.medquad import DOC_TYPE, LICENCE, ingest_rank

FORMAT = "lumen-medquad-extract/1"
# xz's default dictionary (8 MiB) keeps the reader's memory small; a bigger preset saves little.
_PRESET = 6 | lzma.PRESET_EXTREME


def extract_write(records: list[DocumentRecord], path: Path, *, origin: str) -> dict:
    """Write `records` to `path` in ingestion order; returns the header written."""
    records = sorted(records, key=lambda r: ingest_rank(r.external_id))
    header = {
        "format": FORMAT,
        "documents": len(records),
        "sections": sum(len(r.sections) for r in records),
        "licence": LICENCE,
        "origin": origin,
    }
    lines = [header, *(_line(r) for r in records)]
    body = "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(lzma.compress(body.encode(), preset=_PRESET))
    tmp.replace(path)
    return header


def extract_header(path: Path) -> dict:
    """The header line; ValueError if the file is not an extract in this format."""
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        header = json.loads(next(lines, "{}"))
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    return header


def extract_records(path: Path, *, skip: int = 0) -> Iterator[DocumentRecord]:
    """The documents in file order, after the first `skip` of them (to resume a run)."""
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        next(lines, None)  # the header
        for index, line in enumerate(lines):
            if index >= skip:
                yield _record(json.loads(line))


def extract_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _line(record: DocumentRecord) -> dict:
    return {
        "id": record.external_id,
        "title": record.title,
        "url": record.url,
        "authority": record.authority,
        "metadata": record.metadata,
        "sections": [[s.heading, s.text] for s in record.sections],
    }


def _record(entry: dict) -> DocumentRecord:
    return DocumentRecord(
        external_id=entry["id"],
        title=entry["title"],
        sections=[Section(heading, text) for heading, text in entry["sections"]],
        doc_type=DOC_TYPE,
        region="US",
        url=entry["url"],
        authority=entry["authority"],
        metadata=entry["metadata"],
    )
