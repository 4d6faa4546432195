"""gunicorn reads this file from its working directory; tunables stay in GUNICORN_CMD_ARGS."""

from __future__ import annotations

# Access log without health data: no query string (%(r)s would log
# "/patients/drugs/?q=fluoxetine"), no referrer (it holds the previous page's query), and
# AccessLogger writes the URL pattern, not the path, for private pages (docs/security.md).
logger_class = "lumen.request_logging.AccessLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker) -> None:
    """Load the embedding model before the worker takes requests: otherwise the first question
    each worker answers waits for it (~10 s here; a 44 s p99 under load, docs/benchmarks.md)."""
    from knowledge.embeddings import model
    from lumen.safety import semantic
    from lumen.safety.knowledge import knowledge_base

    model()
    semantic.warm_up(knowledge_base())  # the screen's findings matcher, same model file
