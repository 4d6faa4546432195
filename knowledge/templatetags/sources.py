"""Links to sources: scraped and imported URLs are data, so only web addresses become links."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

from knowledge.publishers import shown_publisher

register = template.Library()


@register.filter
def http_url(value: object) -> str:
    """`value` when it is an http(s) URL, else "" (a `javascript:` or `data:` URL in a
    source must never be rendered as an href)."""
    url = str(value or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


@register.filter
def publisher(source: object) -> str:
    """A stored citation's publisher as the reader sees it (see knowledge.publishers)."""
    return shown_publisher(str(source or ""))
