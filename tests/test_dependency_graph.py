"""The dependency graph: SVG drawn server-side, the same in page and PDF, with its data table."""

import re

import pytest
from django.template.loader import render_to_string

from assessments import cascade, charts

TITLES = {
    "BLR-1": "Assured continuity of government and critical government services",
    "BLR-2": "Resilient energy supplies",
    "BLR-3": "Ability to deal effectively with the uncontrolled movement of people",
    "BLR-4": "Resilient food and water resources",
    "BLR-5": "Ability to deal with mass casualties and disruptive health crises",
    "BLR-6": "Resilient civil communications systems",
    "BLR-7": "Resilient transport systems",
}
DEPENDENCIES = [
    ("BLR-6", "BLR-2", 0.9),
    ("BLR-5", "BLR-2", 0.8),
    ("BLR-2", "BLR-6", 0.3),
    ("BLR-7", "BLR-6", 0.6),
]
OWN = {
    "BLR-1": 61.0,
    "BLR-2": 20.0,
    "BLR-3": None,
    "BLR-4": 87.5,
    "BLR-5": 94.0,
    "BLR-6": 100.0,
    "BLR-7": 72.5,
}


@pytest.fixture
def graph():
    return charts.dependency_graph_svg(cascade.effective_scores(OWN, DEPENDENCIES), DEPENDENCIES, TITLES)


def texts(svg):
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_seven_nodes_with_their_effective_score_written_in_them(graph):
    svg = str(graph.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Dependencies between the requirements</title>" in svg
    words = texts(svg)
    for code in TITLES:
        assert any(w.startswith(code) for w in words), code
    # Communications: 100 − 0.9 × (100 − 20) = 28; health 100 − 0.8 × 80 = 36; BLR-3 has no score.
    assert {"28", "36", "20", "61", "–"} <= set(words)


def test_edges_are_labelled_with_their_strength(graph):
    words = texts(str(graph.svg))
    assert {"0.90", "0.80", "0.30", "0.60"} <= set(words)


def test_edge_width_follows_strength(graph):
    widths = sorted({float(w) for w in re.findall(r'stroke-width="([\d.]+)"', str(graph.svg))})
    # 0.5 + 3 × strength (in points), drawn by matplotlib in pixels: four distinct widths at least.
    assert len(widths) >= 4


def test_nodes_are_coloured_on_a_colour_blind_safe_scale(graph):
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', str(graph.svg)))
    cividis = colormaps["cividis"]
    assert to_hex(cividis(0.28)) in fills  # communications at 28
    assert to_hex(cividis(1.0)) not in fills  # nobody is at 100 effective
    assert "#eef0f3" in fills  # the unscored requirement


def test_no_inline_css_no_script_and_deterministic(graph):
    svg = str(graph.svg)
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg
    assert "<image" not in svg  # vectors only: nothing embedded for a PDF fetcher to load
    again = charts.dependency_graph_svg(cascade.effective_scores(OWN, DEPENDENCIES), DEPENDENCIES, TITLES)
    assert str(again.svg) == svg


def test_data_table_gives_the_same_numbers_for_screen_readers(graph):
    rows = {row[0].split()[0]: row for row in graph.rows}
    assert graph.columns[1:] == ["Own score", "Effective score", "Limited by", "Depends on (strength)"]
    assert rows["BLR-6"][1:] == ["100.0", "28.0", "BLR-2", "BLR-2 (0.90)"]
    assert rows["BLR-3"][1:] == ["–", "–", "–", "–"]
    assert rows["BLR-2"][4] == "BLR-6 (0.30)"
    html = render_to_string("partials/dependency_graph.html", {"chart": graph})
    assert "<table" in html and "Data of the chart: Dependencies between the requirements" in html
    assert '<th scope="row">BLR-6 Resilient civil communications systems</th>' in html
    assert "Arrows point from a requirement to those that depend on it" in html
