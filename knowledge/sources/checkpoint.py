"""Where a scrape of one (source, query) got to, so an interrupted run resumes after its last page.

`manage.py scrape` calls `advance()` after it has ingested each page; the file is rewritten
atomically every time, so a crash leaves the previous checkpoint intact, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from knowledge.sources.http import write_atomic

logger = logging.getLogger(__name__)

_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$", re.IGNORECASE)


class Checkpoint:
    """The resume point of one (source, query): a JSON file in LUMEN_CHECKPOINT_DIR.

    `cursor` is the cursor to pass to `fetch()` (None: start from the beginning), `counts` the
    running totals of what was ingested, `complete` whether the scrape ran to its end. The saved
    state is loaded on construction; a missing or unreadable file means a fresh start.
    """

    def __init__(self, source: str, query: str | None, directory: Path | None = None) -> None:
        if not _SOURCE_NAME.match(source):
            raise ValueError(f"source must be a plain slug, not {source!r}")
        self.source = source
        self.query = query
        directory = Path(directory if directory is not None else settings.LUMEN_CHECKPOINT_DIR)
        # Hash the JSON form so None (everything) and "" are different scrapes.
        digest = hashlib.sha256(json.dumps(query).encode()).hexdigest()[:16]
        self.path = directory / f"{source}-{digest}.json"
        self.cursor: str | None = None
        self.counts: dict[str, int] = {}
        self.complete = False
        self.load()

    def load(self) -> bool:
        """Read the saved state; True when there was one to resume from."""
        self.cursor, self.counts, self.complete = None, {}, False
        try:
            state = json.loads(self.path.read_text())
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            # Starting over is safe (ingest is idempotent); refusing to run is not helpful.
            logger.warning("Ignoring unreadable checkpoint %s: %s", self.path, exc)
            return False
        self.cursor = state.get("cursor")
        self.counts = dict(state.get("counts") or {})
        self.complete = bool(state.get("complete"))
        return True

    def advance(self, cursor: str | None, counts_delta: dict[str, int] | None = None) -> None:
        """Record that everything before `cursor` is ingested, adding `counts_delta` to counts."""
        self.cursor = cursor
        for name, amount in (counts_delta or {}).items():
            self.counts[name] = self.counts.get(name, 0) + amount
        self._save()

    def done(self) -> None:
        """Mark the scrape as run to its end."""
        self.complete = True
        self._save()

    def reset(self) -> None:
        """Forget the saved state, so the next run starts from the beginning."""
        self.path.unlink(missing_ok=True)
        self.cursor, self.counts, self.complete = None, {}, False

    def _save(self) -> None:
        state = {
            "source": self.source,
            "query": self.query,
            "cursor": self.cursor,
            "counts": self.counts,
            "complete": self.complete,
            "updated_at": datetime.now(UTC).isoformat(),
        }
        write_atomic(self.path, json.dumps(state, indent=2, sort_keys=True).encode())
