"""Hybrid retrieval: pgvector nearest neighbours fused with PostgreSQL full-text ranking.

`search(query, k, filters)` embeds the query, takes the nearest chunks by cosine distance
(HNSW index) and the best full-text matches (GIN index), fuses the two rankings with
reciprocal rank fusion (RRF, k=60: robust without score calibration), and returns cited
passages. When nothing is close enough it says so (`found=False`), so callers can abstain
instead of answering from weak matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from knowledge.models import Chunk

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
    score: float  # fused RRF score
    similarity: float | None  # cosine similarity to the query, when ranked by vector
    citation: Citation


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


def _passage(chunk: Chunk, score: float, similarity: float | None) -> Passage:
    document = chunk.document
    return Passage(
        chunk_id=chunk.id,
        text=chunk.text,
        score=score,
        similarity=similarity,
        citation=Citation(
            title=document.title,
            source=document.source.name,
            url=document.url,
            section=chunk.section,
            external_id=document.external_id,
            doc_type=document.doc_type,
            authority=document.authority,
            region=document.region,
            published=document.published.isoformat() if document.published else None,
        ),
    )
