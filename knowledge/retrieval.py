"""Hybrid retrieval: pgvector nearest neighbours fused with PostgreSQL full-text ranking.

`search(query, k, filters)` embeds the query, takes the nearest chunks by cosine distance
(HNSW index) and the best full-text matches (GIN index), fuses the two rankings with
reciprocal rank fusion (RRF, k=60: robust without score calibration), and returns cited
passages. When nothing is close enough it says so (`found=False`), so callers can abstain
instead of answering from weak matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from knowledge.models import Chunk
from knowledge.publishers import document_publisher

RRF_K = 60
CANDIDATES = 50  # per ranking, before fusion
MAX_TERM_MATCHES = 2000  # a word in more chunks than this is too common to rank by


@dataclass(frozen=True)
class Filters:
    doc_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # Source slugs
    authorities: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: Filters | dict | None) -> Filters:
        if value is None or isinstance(value, Filters):
            return value or cls()
        return cls(
            **{k: tuple(v) if isinstance(v, list | tuple) else (v,) for k, v in value.items() if v}
        )

    def sql(self) -> tuple[str, list]:
        """A WHERE fragment over `d` (knowledge_document) and `s` (knowledge_source)."""
        clauses, params = [], []
        for column, values in (
            ("d.doc_type", self.doc_types),
            ("d.region", self.regions),
            ("s.slug", self.sources),
            ("d.authority", self.authorities),
        ):
            if values:
                clauses.append(f"{column} = ANY(%s)")
                params.append(list(values))
        return (" AND ".join(clauses) or "TRUE"), params


@dataclass(frozen=True)
class Citation:
    title: str
    source: str
    url: str
    section: str
    external_id: str
    doc_type: str
    authority: str
    region: str
    published: str | None

    @property
    def label(self) -> str:
        return f"{self.title} · {self.section}" if self.section else self.title


@dataclass(frozen=True)
class Passage:
    chunk_id: int
    text: str
    score: float  # fused RRF score, or the entity ranking's score
    similarity: float | None  # cosine similarity to the query, when ranked by vector
    citation: Citation
    # The asked entity this passage's document is about; "" when the document is about
    # something else and only its text names the entity (or no entity was asked about).
    about: str = ""
    mentions: str = ""  # the asked entity its text names, when its document is about another


@dataclass
class SearchResult:
    query: str
    passages: list[Passage] = field(default_factory=list)
    found: bool = False
    reason: str = ""


def _vector_candidates(vector, where: str, params: list) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.id, 1 - (c.embedding <=> %s::vector) AS similarity
            FROM knowledge_chunk c
            JOIN knowledge_document d ON d.id = c.document_id
            JOIN knowledge_source s ON s.id = d.source_id
            WHERE c.embedding IS NOT NULL AND {where}
            ORDER BY c.embedding <=> %s::vector
            LIMIT %s
            """,  # noqa: S608 - `where` is built from fixed column names, values are params
            [_vector_literal(vector), *params, _vector_literal(vector), CANDIDATES],
        )
        return cursor.fetchall()


def _text_query(query: str) -> str:
    """The query's stemmed words OR-ed into a tsquery, minus words too common to rank by.

    OR, because a question rarely contains every word of the passage that answers it, so AND
    (plainto_tsquery) would find almost nothing. Words found in more than MAX_TERM_MATCHES
    chunks (PostgreSQL's own column statistics) are dropped: they carry little signal, and
    OR-ing them makes PostgreSQL rank a large part of the table (p50 295 ms at 100,000
    chunks with them, 24 ms without). Small corpora keep every word. Computed in its own
    statement so the planner sees a constant in the ranking query, whatever the table stats.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH common AS (
                SELECT t.lexeme
                FROM pg_stats s,
                     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                         AS t(lexeme, share)
                WHERE s.schemaname = current_schema() AND s.tablename = 'knowledge_chunk'
                  AND s.attname = 'search_vector' AND t.lexeme IS NOT NULL
                  AND t.share * (SELECT reltuples FROM pg_class
                                 WHERE oid = 'knowledge_chunk'::regclass) > %s
            )
            SELECT array_to_string(ARRAY(
                SELECT quote_literal(w.lexeme)
                FROM unnest(to_tsvector('english', %s)) AS w(lexeme)
                WHERE w.lexeme NOT IN (SELECT lexeme FROM common)
            ), ' | ')
            """,
            [MAX_TERM_MATCHES, query],
        )
        return cursor.fetchone()[0]


def _text_candidates(query: str, where: str, params: list) -> list[tuple[int, float]]:
    tsquery = _text_query(query)
    if not tsquery:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.id, ts_rank(c.search_vector, %s::tsquery) AS rank
            FROM knowledge_chunk c
            JOIN knowledge_document d ON d.id = c.document_id
            JOIN knowledge_source s ON s.id = d.source_id
            WHERE c.search_vector @@ %s::tsquery AND {where}
            ORDER BY rank DESC
            LIMIT %s
            """,  # noqa: S608 - as above
            [tsquery, tsquery, *params, CANDIDATES],
        )
        return cursor.fetchall()


def _vector_literal(vector) -> str:
    return "[" + ",".join(f"{float(x):.7g}" for x in vector) + "]"


def search(query: str, k: int = 5, filters: Filters | dict | None = None) -> SearchResult:
    """The `k` passages that best answer `query`, with citations; `found` is False when none
    is similar enough to trust (see LUMEN_RETRIEVAL_MIN_SIMILARITY)."""
    from knowledge.embeddings import embed_query

    query = " ".join(query.split())
    result = SearchResult(query=query)
    if not query:
        result.reason = "empty question"
        return result
    where, params = Filters.of(filters).sql()
    vector_hits = _vector_candidates(embed_query(query), where, params)
    text_hits = _text_candidates(query, where, params)

    fused: dict[int, float] = {}
    for hits in (vector_hits, text_hits):
        for rank, (chunk_id, _) in enumerate(hits, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    similarity = {chunk_id: float(sim) for chunk_id, sim in vector_hits}
    best = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
    chunks = Chunk.objects.select_related("document__source").in_bulk(best)
    result.passages = [
        _passage(chunks[i], fused[i], similarity.get(i)) for i in best if i in chunks
    ]

    top_similarity = max(similarity.values(), default=0.0)
    result.found = (
        bool(result.passages) and top_similarity >= settings.LUMEN_RETRIEVAL_MIN_SIMILARITY
    )
    if not result.passages:
        result.reason = "no indexed passage matches"
    elif not result.found:
        result.reason = f"closest passage too dissimilar ({top_similarity:.2f})"
    return result


def _passage(
    chunk: Chunk, score: float, similarity: float | None, about: str = "", mentions: str = ""
) -> Passage:
    document = chunk.document
    return Passage(
        chunk_id=chunk.id,
        text=chunk.text,
        score=score,
        similarity=similarity,
        about=about,
        mentions=mentions,
        citation=Citation(
            title=document.title,
            source=document_publisher(
                document, source_slug=document.source.slug, source_name=document.source.name
            ),
            url=document.url,
            section=chunk.section,
            external_id=document.external_id,
            doc_type=document.doc_type,
            authority=document.authority,
            region=document.region,
            published=document.published.isoformat() if document.published else None,
        ),
    )


# --- Entity-grounded retrieval ---------------------------------------------------------------

SECTION_BONUS = 0.15  # a section whose heading fits the question type
SUBJECT_BONUS = 0.08  # a document for the asker's age group ("... in children")
MENTION_PENALTY = 0.2  # a passage from a document about something else that names the entity
PER_ENTITY = 40  # chunks considered per entity


def search_about(
    query: str,
    entities,
    *,
    types: tuple[str, ...] = (),
    subject_who: str = "self",
    k: int = 5,
    filters: Filters | dict | None = None,
) -> SearchResult:
    """Passages about the named `entities` (`knowledge.understanding.Entity`): chunks of
    the documents about each, best section for the question type first; for an entity known
    only as a phrase, chunks that contain it; and, where an entity's own documents say too
    little, passages of other documents whose own text names it (marked `mentions`, never
    `about`). Each entity gets its share of the `k` passages."""
    from knowledge.embeddings import embed_query
    from knowledge.understanding import SECTION_HINTS, mentions

    query = " ".join(query.split())
    result = SearchResult(query=query)
    if not query or not entities:
        result.reason = "nothing to search about"
        return result
    vector = _vector_literal(embed_query(query))
    where, params = Filters.of(filters).sql()
    hints = [h for t in types[:2] for h in SECTION_HINTS.get(t, ())]
    primary = SECTION_HINTS.get(types[0], ()) if types else ()
    per_entity: list[list[tuple[float, int, float, str, str]]] = []
    for entity in entities:
        scored: list[tuple[float, int, float, str, str]] = []
        if entity.documents:
            rows = _rows("c.document_id = ANY(%s)", [list(entity.documents)], vector, where, params)
        elif entity.kind != "topic":
            rows = []  # a medicine with no page of its own: only passages that name it
        else:  # a topic known only as a phrase: the passages that contain it
            rows = _rows(
                "c.search_vector @@ phraseto_tsquery('english', %s)",
                [entity.name], vector, where, params,
            )  # fmt: skip
        for chunk_id, similarity, section, header, title in rows:
            score = similarity + _section_bonus(section, primary, hints)
            score += _subject_bonus(title, subject_who)
            if entity.detail and entity.detail in section:
                score += SECTION_BONUS
            if not entity.documents and entity.name.lower() in header.lower():
                score += SECTION_BONUS  # the passage's document is about the phrase
            scored.append((score, chunk_id, similarity, entity.name, ""))
        if len(scored) < 2 and entity.names:
            scored += _mentioning(entity, vector, where, params, mentions)
        scored.sort(reverse=True)
        per_entity.append(scored)
    chosen = _interleave(per_entity, k)
    chunks = Chunk.objects.select_related("document__source").in_bulk([c[1] for c in chosen])
    result.passages = [
        _passage(chunks[cid], score, sim, about=about, mentions=mention)
        for score, cid, sim, about, mention in chosen
        if cid in chunks
    ]
    result.found = bool(result.passages)
    if not result.found:
        result.reason = "no passage about the named subject"
    return result


def _rows(condition: str, condition_params: list, vector: str, where: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.id, 1 - (c.embedding <=> %s::vector), c.section, c.header, d.title
            FROM knowledge_chunk c
            JOIN knowledge_document d ON d.id = c.document_id
            JOIN knowledge_source s ON s.id = d.source_id
            WHERE c.embedding IS NOT NULL AND {condition} AND {where}
            ORDER BY c.embedding <=> %s::vector
            LIMIT %s
            """,  # noqa: S608 - fixed fragments; every value is a parameter
            [vector, *condition_params, *params, vector, PER_ENTITY],
        )
        return cursor.fetchall()


def _mentioning(entity, vector: str, where: str, params: list, mentions) -> list:
    """Passages of other documents whose own text names the entity: the full-text index
    finds candidates (header or text), `mentions` keeps those whose text itself names it."""
    tsquery = " | ".join(f"({_phrase(n)})" for n in entity.names[:12] if _phrase(n))
    if not tsquery:
        return []
    excluded = list(entity.documents) or [0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.id, 1 - (c.embedding <=> %s::vector), c.text
            FROM knowledge_chunk c
            JOIN knowledge_document d ON d.id = c.document_id
            JOIN knowledge_source s ON s.id = d.source_id
            WHERE c.embedding IS NOT NULL AND NOT (c.document_id = ANY(%s))
              AND c.search_vector @@ to_tsquery('english', %s) AND {where}
            ORDER BY c.embedding <=> %s::vector
            LIMIT 10
            """,  # noqa: S608 - as above
            [vector, excluded, tsquery, *params, vector],
        )
        rows = cursor.fetchall()
    return [
        (similarity - MENTION_PENALTY, chunk_id, similarity, "", entity.name)
        for chunk_id, similarity, text in rows
        if mentions(text, entity)
    ]


def _phrase(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " <-> ".join(words)


def _section_bonus(section: str, primary: tuple[str, ...], hints: list[str]) -> float:
    heading = section.lower()
    if any(h in heading for h in primary):
        return SECTION_BONUS
    if any(h in heading for h in hints):
        return SECTION_BONUS / 2
    return 0.0


def _subject_bonus(title: str, who: str) -> float:
    title = title.lower()
    for_children = bool(re.search(r"\b(?:child|children|infant|baby|babies|kids?)\b", title))
    for_adults = bool(re.search(r"\badults?\b", title))
    if who == "child":
        return SUBJECT_BONUS if for_children else (-SUBJECT_BONUS if for_adults else 0.0)
    return SUBJECT_BONUS if for_adults else (-SUBJECT_BONUS if for_children else 0.0)


def _interleave(per_entity: list[list], k: int) -> list:
    """Up to `k` candidates, taking each entity's best in turn, so two named medicines both
    get passages."""
    chosen, seen = [], set()
    position = 0
    while len(chosen) < k and any(position < len(c) for c in per_entity):
        for candidates in per_entity:
            if position < len(candidates) and len(chosen) < k:
                candidate = candidates[position]
                if candidate[1] not in seen:
                    seen.add(candidate[1])
                    chosen.append(candidate)
        position += 1
    return chosen
