"""Small server-rendered SVG charts: a line chart over time and a horizontal bar chart.

Each function returns the markup of one `<svg role="img">` with a `<title>` and `<desc>`,
sized by its viewBox so it shrinks to a phone's width, and drawn in `currentColor` so it
follows the page's light or dark scheme. No JavaScript, no stylesheet needed.

Every piece of caller text (titles, labels) is escaped here and every number is formatted
from a float, so nothing a patient typed reaches the markup raw. A chart is never the only
way to read the data: pages pair it with a table (in a `<details>`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class Point(NamedTuple):
    x: datetime
    y: float


class Bar(NamedTuple):
    label: str
    value: float | None  # None: nothing to show yet (drawn as "no data")
    text: str = ""  # the value as the reader should see it; "{value}{unit}" when empty


def _day_month(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


def _num(value: float) -> str:
    return f"{float(value):.1f}"


def _chart_id(*parts: object) -> str:
    """A stable id for aria-labelledby: the same chart renders the same markup."""
    return "chart-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:10]


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="currentColor">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
    )


def _empty(chart_id: str, width: int, height: int, title: str, desc: str, note: str) -> str:
    return _open(chart_id, width, height, title, desc) + format_html(
        '<text x="{x}" y="{y}" text-anchor="middle" opacity="0.7">{note}</text></svg>',
        x=width // 2,
        y=height // 2,
        note=note,
    )


def line_chart(
    points: Sequence[Point | tuple[datetime, float]],
    *,
    title: str,
    desc: str = "",
    y_min: float = 0,
    y_max: float = 10,
    x_label: Callable[[datetime], str] = _day_month,
    x_ticks: int = 5,
    width: int = 600,
    height: int = 220,
) -> SafeString:
    """A line through `points` (aware datetimes, any order) with dots at each value.

    The x axis spans the first to the last moment, labelled with `x_label` at up to
    `x_ticks` evenly spaced moments, both ends included (give local datetimes: labels show
    them as they are); y runs from `y_min` to `y_max`,
    values outside are drawn at the edge. No points draws a "No data yet" note; a single
    point sits in the middle.
    """
    chart_id = _chart_id("line", title, desc, tuple(points), y_min, y_max, width, height)
    if not points:
        return mark_safe(_empty(chart_id, width, height, title, desc, "No data yet"))  # noqa: S308 - built by format_html
    left, right, top, bottom = 32, 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    ordered = sorted((Point(*p) for p in points), key=lambda p: p.x)
    first, last = ordered[0].x, ordered[-1].x
    span = (last - first).total_seconds()
    y_span = (y_max - y_min) or 1

    def x_of(moment: datetime) -> float:
        if span == 0:
            return left + plot_w / 2
        return left + plot_w * (moment - first).total_seconds() / span

    def y_of(value: float) -> float:
        clamped = min(max(float(value), y_min), y_max)
        return top + plot_h * (1 - (clamped - y_min) / y_span)

    parts = [_open(chart_id, width, height, title, desc)]
    for tick in (y_min, (y_min + y_max) / 2, y_max):
        y = _num(y_of(tick))
        parts.append(
            format_html(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="currentColor" '
                'stroke-opacity="0.2"/>'
                '<text x="{tx}" y="{y}" text-anchor="end" dominant-baseline="middle">{v}</text>',
                l=left,
                r=width - right,
                y=y,
                tx=left - 6,
                v=f"{tick:g}",
            )
        )
    coords = [(_num(x_of(p.x)), _num(y_of(p.y))) for p in ordered]
    if len(coords) > 1:
        parts.append(
            format_html(
                '<polyline fill="none" stroke="currentColor" stroke-width="2" '
                'stroke-linejoin="round" points="{}"/>',
                " ".join(f"{x},{y}" for x, y in coords),
            )
        )
    parts.append(
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
            (
                (x, y, x_label(p.x), f"{float(p.y):g}")
                for (x, y), p in zip(coords, ordered, strict=True)
            ),
        )
    )
    base = height - 8
    if span == 0:
        ticks = [first]
    else:
        # Evenly spaced dates along the axis, not just its ends; a label that repeats the
        # previous one (several ticks on one day) is left out.
        count = max(2, min(x_ticks, len(ordered)))
        ticks = [first + (last - first) * i / (count - 1) for i in range(count)]
    shown: set[str] = set()
    for i, tick in enumerate(ticks):
        text = x_label(tick)
        if text in shown:
            continue
        shown.add(text)
        anchor = (
            "middle" if span == 0 else ("start", "middle", "end")[(i > 0) + (i == len(ticks) - 1)]
        )
        x = _num(x_of(tick))
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="{t}" y2="{b}" stroke="currentColor" '
                'stroke-opacity="0.4"/>'
                '<text x="{x}" y="{y}" text-anchor="{a}">{label}</text>',
                x=x,
                t=top + plot_h,
                b=top + plot_h + 4,
                y=base,
                a=anchor,
                label=text,
            )
        )
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part built by format_html


def bar_chart(
    bars: Sequence[Bar | tuple[str, float | None] | tuple[str, float | None, str]],
    *,
    title: str,
    desc: str = "",
    max_value: float = 100,
    unit: str = "%",
    width: int = 600,
) -> SafeString:
    """Horizontal bars, one per row with its label above it at the left and its value above
    it at the right, so neither is cut off on a phone however long the value text is. A
    value of None shows "no data"."""
    rows = [Bar(*b) for b in bars]
    row_h, top = 44, 4
    height = top + row_h * max(len(rows), 1) + 4
    chart_id = _chart_id("bar", title, desc, tuple(rows), max_value, unit, width)
    if not rows:
        return mark_safe(_empty(chart_id, width, height + 40, title, desc, "No data yet"))  # noqa: S308 - built by format_html
    plot_w = width
    parts = [_open(chart_id, width, height, title, desc)]
    for i, row in enumerate(rows):
        y = top + i * row_h
        parts.append(format_html('<text x="0" y="{}">{}</text>', y + 13, row.label))
        parts.append(
            format_html(
                '<rect x="0" y="{y}" width="{w}" height="16" fill="currentColor" '
                'fill-opacity="0.12"/>',
                y=y + 20,
                w=plot_w,
            )
        )
        if row.value is None:
            text = row.text or "no data"
        else:
            share = min(max(float(row.value), 0.0), max_value) / (max_value or 1)
            end = plot_w * share
            text = row.text or f"{float(row.value):g}{unit}"
            parts.append(
                format_html(
                    '<rect x="0" y="{y}" width="{w}" height="16" fill="currentColor"/>',
                    y=y + 20,
                    w=_num(end),
                )
            )
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end" font-weight="bold">{t}</text>',
                x=width,
                y=y + 13,
                t=text,
            )
        )
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part built by format_html
