"""Request logs without health data: no query strings (`/patients/drugs/?q=fluoxetine`),
no referrers (they carry the previous page's query), and for the private areas the URL
pattern a path matched instead of the path (`/patients/drugs/<str:key>/`, never the medicine
in it).

Used by gunicorn's access log (AccessLogger, named in gunicorn.conf.py) and by the logging
filter on every handler in settings.LOGGING (runserver's request lines, django.request's
"Not Found: <path>")."""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger

from lumen.private_pages import PRIVATE_PREFIXES, is_private


def loggable_path(path: str) -> str:
    """`path` without its query string; in the private areas, the route it matched."""
    path = path.split("?", 1)[0]
    if not is_private(path):
        return path
    from django.urls import Resolver404, resolve  # the gunicorn master never loads Django

    try:
        return "/" + resolve(path).route
    except Resolver404:
        area = next(p for p in PRIVATE_PREFIXES if path.startswith(p))
        return f"{area}<unmatched>"


def loggable_request_line(line: str) -> str:
    """'GET /patients/drugs/?q=x HTTP/1.1' -> 'GET /patients/drugs/ HTTP/1.1'."""
    parts = line.split(" ")
    if len(parts) == 3:
        return " ".join((parts[0], loggable_path(parts[1]), parts[2]))
    return loggable_path(line)  # a malformed line: still never its query string


class RedactPaths(logging.Filter):
    """Rewrites the request paths a record carries as arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.args, tuple) or not record.args:
            return True
        if record.name == "django.server":  # runserver: '"%s" %s %s' % (request line, ...)
            first, *rest = record.args
            if isinstance(first, str):
                record.args = (loggable_request_line(first), *rest)
            return True
        request = getattr(record, "request", None)  # django.request, django.security.*
        paths = {getattr(request, "path", None), getattr(request, "path_info", None)}
        paths.discard(None)
        if paths:
            record.args = tuple(
                loggable_path(arg) if isinstance(arg, str) and arg in paths else arg
                for arg in record.args
            )
        return True


class AccessLogger(Logger):
    """gunicorn's logger, with every atom that could carry a query string or a private path
    rewritten, whatever access log format GUNICORN_CMD_ARGS may set."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ.get("PATH_INFO") or "/")
        atoms.update(
            {
                "U": path,
                "r": f"{atoms['m']} {path} {atoms['H']}",
                "q": "",
                "f": "-",
                "{referer}i": "-",
                "{raw_uri}e": path,
                "{request_uri}e": path,
                "{path_info}e": path,
                "{query_string}e": "",
            }
        )
        return atoms

    def exception(self, msg, *args, **kwargs) -> None:
        """A worker that fails mid-request logs "Error handling request [method] <uri>": the
        URI, query string included, is its last argument."""
        if args and isinstance(msg, str) and msg.startswith("Error handling request"):
            args = (*args[:-1], loggable_path(str(args[-1])))
        super().exception(msg, *args, **kwargs)
