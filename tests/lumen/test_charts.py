"""The SVG chart helpers: well-formed, accessible, escaped, and sane at the edges."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from lumen.lib.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
UTC = dt.UTC


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, tzinfo=UTC)


def test_a_line_chart_is_an_accessible_image_with_a_title_and_description():
    svg = _parse(line_chart([Point(_at(1), 3), Point(_at(5), 7)], title="Headache", desc="0-10"))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Headache"
    assert desc.text == "0-10"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert svg.get("viewBox") == "0 0 600 220"


def test_a_line_chart_draws_one_dot_per_point_in_time_order_with_the_date_range_labelled():
    points = [Point(_at(5), 7), Point(_at(1), 3), Point(_at(3), 10)]
    svg = _parse(line_chart(points, title="t"))
    dots = svg.findall(f"{SVG}circle")
    assert [d.find(f"{SVG}title").text for d in dots] == ["1 Mar: 3", "3 Mar: 10", "5 Mar: 7"]
    xs = [float(d.get("cx")) for d in dots]
    assert xs == sorted(xs)
    assert xs[1] - xs[0] == xs[2] - xs[1]  # spaced by time, not by index
    ys = [float(d.get("cy")) for d in dots]
    assert ys[1] < ys[2] < ys[0]  # 10 is highest on screen (smallest y)
    assert len(svg.findall(f"{SVG}polyline")) == 1
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert "1 Mar" in labels and "5 Mar" in labels


def test_values_outside_the_range_are_drawn_at_the_edge():
    svg = _parse(line_chart([Point(_at(1), -4), Point(_at(2), 99)], title="t"))
    low, high = (float(d.get("cy")) for d in svg.findall(f"{SVG}circle"))
    assert low == 12 + 180  # bottom of the plot
    assert high == 12  # top of the plot


def test_a_single_point_sits_in_the_middle_without_a_line():
    svg = _parse(line_chart([Point(_at(1), 5)], title="t"))
    (dot,) = svg.findall(f"{SVG}circle")
    assert float(dot.get("cx")) == 32 + (600 - 32 - 16) / 2
    assert svg.findall(f"{SVG}polyline") == []


def test_no_points_says_so_and_is_still_a_titled_image():
    svg = _parse(line_chart([], title="Nausea"))
    assert svg.find(f"{SVG}title").text == "Nausea"
    assert [t.text for t in svg.findall(f"{SVG}text")] == ["No data yet"]
    assert svg.findall(f"{SVG}circle") == []


def test_every_label_is_escaped():
    evil = '<script>alert("x")</script>&'
    markup = line_chart(
        [Point(_at(1), 1), Point(_at(2), 2)], title=evil, desc=evil, x_label=lambda _: evil
    ) + bar_chart([Bar(evil, 50, evil), (evil, None)], title=evil, desc=evil)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    for svg in markup.split("</svg>")[:-1]:
        root = _parse(svg + "</svg>")  # still well-formed XML
        assert root.find(f"{SVG}title").text == evil


def test_the_same_chart_renders_the_same_markup_and_different_charts_get_different_ids():
    a = line_chart([Point(_at(1), 1)], title="a")
    assert a == line_chart([Point(_at(1), 1)], title="a")
    assert _parse(a).get("id") != _parse(line_chart([Point(_at(1), 1)], title="b")).get("id")


def test_bars_are_as_long_as_their_share_of_the_maximum():
    svg = _parse(
        bar_chart([("Metformin · 7 days", 50), Bar("Metformin · 30 days", 100)], title="t")
    )
    rects = svg.findall(f"{SVG}rect")
    # Each row: a full-width track, then the bar itself.
    tracks, bars = rects[0::2], rects[1::2]
    assert {float(t.get("width")) for t in tracks} == {600}
    assert [float(b.get("width")) for b in bars] == [300, 600]
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert texts == ["Metformin · 7 days", "50%", "Metformin · 30 days", "100%"]


def test_a_bar_without_a_value_says_no_data_and_custom_text_wins():
    svg = _parse(bar_chart([("A", None), Bar("B", 3, "3 of 4")], title="t", max_value=4))
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert texts == ["A", "no data", "B", "3 of 4"]
    assert len(svg.findall(f"{SVG}rect")) == 3  # two tracks, one bar


def test_no_bars_says_so():
    svg = _parse(bar_chart([], title="Adherence"))
    assert [t.text for t in svg.findall(f"{SVG}text")] == ["No data yet"]


def test_the_time_axis_is_labelled_along_its_length_not_only_at_the_ends():
    points = [Point(_at(day), day % 10) for day in range(1, 29)]
    svg = _parse(line_chart(points, title="t"))
    labels = [t.text for t in svg.findall(f"{SVG}text")][3:]  # after the three y labels
    # Five evenly spaced dates: every 6.75 days from 1 Mar 09:00.
    assert labels == ["1 Mar", "8 Mar", "14 Mar", "21 Mar", "28 Mar"]
    xs = [float(t.get("x")) for t in svg.findall(f"{SVG}text")][3:]
    assert xs == sorted(xs)


def test_axis_labels_that_repeat_a_day_are_left_out():
    points = [Point(_at(1).replace(hour=h), 1) for h in (1, 6, 12, 18, 23)]
    svg = _parse(line_chart(points, title="t"))
    assert [t.text for t in svg.findall(f"{SVG}text")][3:] == ["1 Mar"]


def test_a_bars_value_stays_inside_the_chart_however_long_it_is():
    svg = _parse(
        bar_chart([Bar("Metformin · last 30 days", 97, "97% (29 of 30) + 2 extra")], title="t")
    )
    value = svg.findall(f"{SVG}text")[1]
    assert value.text == "97% (29 of 30) + 2 extra"
    assert (value.get("text-anchor"), float(value.get("x"))) == ("end", 600)
