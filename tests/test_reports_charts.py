"""Charts: SVG drawn on the server, the same markup for pages and PDFs, with a data table."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from assessments import charts

LABELS = [f"BLR-{n} Requirement {n}" for n in range(1, 8)]


@pytest.fixture(autouse=True)
def english():
    """These tests read English text; another test's French request must not leak into them."""
    with translation.override("en"):
        yield


def radar():
    return charts.radar_chart(
        "Scores <this> & that",
        LABELS,
        [("2026", [10, 20, 30, 40, None, 60, 70]), ("2025", [20, 20, 20, 50, 50, 50, 50])],
        axis_labels=[f"BLR-{n}" for n in range(1, 8)],
    )


def test_a_chart_is_inline_svg_that_needs_no_inline_css_and_no_network():
    svg = radar().svg
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert 'role="img"' in svg
    # A strict Content-Security-Policy forbids inline styles: matplotlib's become SVG attributes.
    assert "style=" not in svg and "<style" not in svg
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    # Nothing to fetch: no external references, the W3C namespaces are names, not downloads.
    assert re.findall(r'(?:href|src)="(?!#)', svg) == []
    # Text stays text (searchable, read by assistive technology), in our local font.
    assert "<text" in svg and "DejaVu Sans" in svg


def test_the_title_is_escaped_and_given_to_assistive_technology():
    svg = radar().svg
    assert "<title>Scores &lt;this&gt; &amp; that</title>" in svg
    assert "<this>" not in svg


def test_the_same_numbers_draw_the_same_svg_once():
    assert radar().svg == radar().svg
    other = charts.radar_chart("Scores <this> & that", LABELS, [("2026", [0, 0, 0, 0, 0, 0, 1])])
    assert other.svg != radar().svg


def test_the_partial_shows_the_chart_and_its_data_table():
    html = render_to_string("partials/chart.html", {"chart": radar()})
    assert "<svg " in html
    assert "<caption>Data of the chart: Scores &lt;this&gt; &amp; that</caption>" in html
    assert '<th scope="col">2026</th><th scope="col">2025</th>' in html
    # Missing values are a dash, not zero.
    assert '<th scope="row">BLR-5 Requirement 5</th><td>–</td><td>50.0</td>' in html


@pytest.mark.parametrize("values", [[None] * 7, [0, 100, 50, 100, 0, 25, 75]])
def test_bar_chart_rows_follow_the_labels(values):
    chart = charts.bar_chart("Bars", LABELS, values, value_label="Score")
    assert chart.columns == ["", "Score"]
    assert [row[0] for row in chart.rows] == LABELS
    assert "style=" not in chart.svg
