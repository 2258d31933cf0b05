"""Charts as SVG text, drawn server-side with matplotlib's SVG backend (no browser script, no
network: the same markup goes into web pages and into PDFs).

Why matplotlib: one well-kept library already in our dependencies, deterministic SVG output,
text kept as text (searchable in the PDF, readable by WeasyPrint with our local DejaVu fonts).

Every chart function returns a `Chart`: its title, the SVG text and the same numbers as a table.
Templates show it with `{% include "partials/chart.html" with chart=... %}`, which puts the
data table beside the image for screen readers. The SVG is post-processed so that it needs no
inline CSS (matplotlib's `style="..."` attributes become SVG presentation attributes), which keeps
it valid under a strict Content-Security-Policy.

Rendered charts are cached by the hash of their input data, so a chart is drawn once per version
of the numbers it shows (e.g. once per assessment version) and reused by pages and PDFs.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 (parses only the SVG matplotlib just wrote)
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.utils.safestring import SafeString, mark_safe  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# House palette: dark blue for "this", grey for "before"; series also differ by line style and
# marker so that colour is never the only cue.
INK = "#1b2a41"
PRIMARY = "#1f4e8c"
SECONDARY = "#8a6d1d"
GRID = "#c8cdd4"
SERIES_STYLES = [
    {"color": PRIMARY, "linestyle": "-", "marker": "o"},
    {"color": SECONDARY, "linestyle": "--", "marker": "s"},
    {"color": "#5b6b7f", "linestyle": ":", "marker": "^"},
    {"color": "#2e7d5b", "linestyle": "-.", "marker": "D"},
]
RC = {
    "svg.fonttype": "none",  # keep text as <text>, set in our local DejaVu Sans
    "svg.hashsalt": "resilience",  # stable ids: identical input gives identical SVG
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.edgecolor": GRID,
    "grid.color": GRID,
}
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Chart:
    """A chart ready for a template: `{{ chart }}` prints the SVG; `columns` and `rows` are the
    accessible data table (the first cell of each row is its header)."""

    title: str
    svg: SafeString
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    summary: str = ""

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def cached(kind: str, payload: dict, draw) -> str:
    """The SVG for `payload`, drawn by `draw()` only when these exact numbers were never drawn."""
    digest = hashlib.sha256(json.dumps([kind, payload], sort_keys=True, default=str).encode()).hexdigest()
    key = f"chart:{kind}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CACHE_SECONDS)
    return svg


_STYLE_RE = re.compile(r' style="([^"]*)"')
_ID_RE = re.compile(r' id="([^"]+)"')


def _style_to_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            attributes.append(f'{name}="{value.replace(chr(34), chr(39))}"')
    return " " + " ".join(attributes) if attributes else ""


def to_svg(figure: Figure, title: str) -> str:
    """The figure as inline SVG: no XML prolog, no metadata, no inline CSS, a <title> for
    assistive technology and only the ids something refers to."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None, "Format": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = _STYLE_RE.sub(_style_to_attributes, svg)
    referenced = set(re.findall(r"#([\w.-]+)", svg))
    svg = _ID_RE.sub(lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    # The root keeps matplotlib's width and height: a chart prints at its figure size (WeasyPrint
    # ranks the attributes above our print stylesheet); web pages scale it with CSS.
    svg = svg.replace(
        "<svg ",
        '<svg role="img" class="chart-svg" stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    svg = re.sub(r"(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{escape(title)}</title>", svg, count=1)
    return compact(svg)


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_LONG_NUMBER_RE = re.compile(r"-?\d+\.\d{3,}")
_KEEPS_TEXT = {f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}tspan"}


def _short_number(match: re.Match) -> str:
    return f"{float(match.group()):.2f}".rstrip("0").rstrip(".")


def compact(svg: str) -> str:
    """The same drawing in fewer nodes and bytes: groups without attributes are unwrapped,
    whitespace between elements dropped and coordinates rounded to 1/100 pt. WeasyPrint draws
    SVG node by node in Python, so this makes every chart in a PDF cheaper (about a sixth)."""
    root = ET.fromstring(svg)  # noqa: S314 (the SVG matplotlib just wrote, user text escaped)

    def unwrap(node):
        children = []
        for child in list(node):
            unwrap(child)
            if child.tag == f"{{{SVG_NS}}}g" and not child.attrib:
                children.extend(list(child))
            else:
                children.append(child)
        node[:] = children

    unwrap(root)
    for element in root.iter():
        if element.tag not in _KEEPS_TEXT and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        for name, value in element.attrib.items():
            if name in ("d", "x", "y", "transform", "points", "x1", "x2", "y1", "y2", "width", "height"):
                element.attrib[name] = _LONG_NUMBER_RE.sub(_short_number, value)
    # Again here: the prefix map is global and another library may have taken "" since import;
    # without it the output is <ns0:svg>, which browsers do not draw.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def radar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float = 100,
    axis_labels: Sequence[str] | None = None,
) -> Chart:
    """A radar (spider) chart: one axis per label, one closed line per series (e.g. this cycle
    and the previous one). Missing values (None) are drawn at 0 and shown as "–" in the table.
    `axis_labels` are the short texts around the circle (default: `labels`)."""
    labels = [str(label) for label in labels]
    axis_labels = [str(a) for a in (axis_labels or labels)]
    series = [(str(name), [None if v is None else float(v) for v in values]) for name, values in series]
    payload = {"title": title, "labels": axis_labels, "series": series, "maximum": maximum}

    def draw():
        figure = Figure(figsize=(3.9, 3.2))  # printed at this size: 99 × 81 mm
        with matplotlib.rc_context(RC):
            ax = figure.add_subplot(projection="polar")
            angles = [2 * math.pi * i / len(axis_labels) for i in range(len(axis_labels))]
            ax.set_theta_offset(math.pi / 2)
            ax.set_theta_direction(-1)
            ax.set_xticks(angles, axis_labels)
            ax.set_ylim(0, maximum)
            ticks = [maximum * f for f in (0.2, 0.4, 0.6, 0.8, 1.0)]
            ax.set_yticks(ticks, [f"{t:g}" for t in ticks], fontsize=7)
            ax.set_rlabel_position(180 / len(axis_labels))
            for index, (name, values) in enumerate(series):
                style = SERIES_STYLES[index % len(SERIES_STYLES)]
                points = [v or 0.0 for v in values]
                ax.plot(
                    angles + angles[:1], points + points[:1], label=name, linewidth=1.6, markersize=4, **style
                )
                if index == 0:
                    ax.fill(angles + angles[:1], points + points[:1], color=style["color"], alpha=0.12)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(series), frameon=False)
            figure.subplots_adjust(left=0.1, right=0.9, top=0.92, bottom=0.14)
            return to_svg(figure, title)

    svg = cached("radar", payload, draw)
    rows = [[label, *[fmt(values[i]) for _, values in series]] for i, label in enumerate(labels)]
    return Chart(title=title, svg=mark_safe(svg), columns=["", *[name for name, _ in series]], rows=rows)  # noqa: S308


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    maximum: float = 100,
    value_label: str = "",
) -> Chart:
    """Horizontal bars, one per label, on a 0–`maximum` scale, with the value written at the end
    of each bar. Missing values are left empty and shown as "–"."""
    labels = [str(label) for label in labels]
    values = [None if v is None else float(v) for v in values]
    payload = {"title": title, "labels": labels, "values": values, "maximum": maximum}

    def draw():
        figure = Figure(figsize=(6.4, 0.45 * len(labels) + 0.8))
        with matplotlib.rc_context(RC):
            ax = figure.add_subplot()
            positions = list(range(len(labels)))[::-1]
            ax.barh(positions, [v or 0 for v in values], color=PRIMARY, height=0.6)
            for y, v in zip(positions, values, strict=True):
                ax.text((v or 0) + maximum * 0.01, y, fmt(v), va="center", fontsize=8)
            ax.set_yticks(positions, labels)
            ax.set_xlim(0, maximum * 1.08)
            ax.grid(axis="x", linewidth=0.5)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            figure.tight_layout()
            return to_svg(figure, title)

    svg = cached("bar", payload, draw)
    rows = [[label, fmt(v)] for label, v in zip(labels, values, strict=True)]
    return Chart(title=title, svg=mark_safe(svg), columns=["", value_label], rows=rows)  # noqa: S308


def spread_chart(
    title: str,
    labels: Sequence[str],
    spreads: Sequence[dict],
    *,
    maximum: float = 100,
    reference: float | None = None,
    reference_label: str = "",
    columns: Sequence[str] = (),
) -> Chart:
    """Box plots, one row per label: whiskers at minimum and maximum, the box from the first to
    the third quartile, a thick median line. Each spread is a dict with "minimum", "q1",
    "median", "q3", "maximum" (None when nobody has a score: the row stays empty). `reference`
    draws a dotted vertical line (e.g. the chosen level). `columns` name the table's columns
    (default: minimum, first quartile, median, third quartile, maximum)."""
    labels = [str(label) for label in labels]
    keys = ["minimum", "q1", "median", "q3", "maximum"]
    spreads = [{k: (None if s.get(k) is None else float(s[k])) for k in keys} for s in spreads]
    payload = {"title": title, "labels": labels, "spreads": spreads, "max": maximum, "ref": reference}

    def draw():
        figure = Figure(figsize=(6.4, 0.5 * len(labels) + 0.9))
        with matplotlib.rc_context(RC):
            ax = figure.add_subplot()
            positions = list(range(len(labels)))[::-1]
            stats, where = [], []
            for position, label, s in zip(positions, labels, spreads, strict=True):
                if s["median"] is None:
                    continue
                stats.append(
                    {
                        "label": label,
                        "whislo": s["minimum"],
                        "q1": s["q1"],
                        "med": s["median"],
                        "q3": s["q3"],
                        "whishi": s["maximum"],
                        "fliers": [],
                    }
                )
                where.append(position)
            if stats:
                ax.bxp(
                    stats,
                    positions=where,
                    orientation="horizontal",
                    widths=0.55,
                    patch_artist=True,
                    boxprops={"facecolor": "#dce6f2", "edgecolor": PRIMARY},
                    medianprops={"color": INK, "linewidth": 2.2},
                    whiskerprops={"color": PRIMARY},
                    capprops={"color": PRIMARY},
                )
            if reference is not None:
                ax.axvline(reference, color=SECONDARY, linestyle=":", linewidth=1.4, label=reference_label)
                if reference_label:
                    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
            ax.set_yticks(positions, labels)
            ax.set_ylim(-0.7, len(labels) - 0.3)
            ax.set_xlim(0, maximum)
            ax.grid(axis="x", linewidth=0.5)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            figure.tight_layout()
            return to_svg(figure, title)

    svg = cached("spread", payload, draw)
    rows = [[label, *[fmt(s[k]) for k in keys]] for label, s in zip(labels, spreads, strict=True)]
    names = list(columns) or ["minimum", "Q1", "median", "Q3", "maximum"]
    return Chart(title=title, svg=mark_safe(svg), columns=["", *names], rows=rows)  # noqa: S308


def trend_chart(
    title: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float = 100,
    columns: int = 4,
) -> Chart:
    """Small multiples: one panel per series (e.g. one per requirement and one for the overall
    score), each a line over `periods` on the same 0–`maximum` scale, the value written at each
    point. Gaps (None) break the line."""
    periods = [str(p) for p in periods]
    series = [(str(name), [None if v is None else float(v) for v in values]) for name, values in series]
    payload = {"title": title, "periods": periods, "series": series, "max": maximum, "cols": columns}

    def draw():
        rows = max(1, math.ceil(len(series) / columns))
        figure = Figure(figsize=(7.0, 1.9 * rows + 0.3))
        with matplotlib.rc_context(RC):
            axes = figure.subplots(rows, columns, sharey=True, squeeze=False)
            x = list(range(len(periods)))
            for index, ax in enumerate(axes.flat):
                if index >= len(series):
                    ax.set_visible(False)
                    continue
                name, values = series[index]
                ax.plot(
                    x,
                    [math.nan if v is None else v for v in values],
                    color=PRIMARY,
                    marker="o",
                    markersize=3.5,
                    linewidth=1.5,
                )
                for xi, v in zip(x, values, strict=True):
                    if v is not None:
                        ax.annotate(
                            f"{v:.0f}",
                            (xi, v),
                            textcoords="offset points",
                            xytext=(0, 5),
                            ha="center",
                            fontsize=7,
                        )
                ax.set_title(name, fontsize=8.5)
                ax.set_ylim(0, maximum * 1.12)
                ax.set_xlim(-0.4, max(len(periods) - 0.6, 0.4))
                ax.set_xticks(x, periods, fontsize=7, rotation=45 if len(periods) > 4 else 0)
                ax.grid(axis="y", linewidth=0.5)
                for side in ("top", "right"):
                    ax.spines[side].set_visible(False)
            figure.tight_layout()
            return to_svg(figure, title)

    svg = cached("trend", payload, draw)
    rows = [[name, *[fmt(v) for v in values]] for name, values in series]
    return Chart(title=title, svg=mark_safe(svg), columns=["", *periods], rows=rows)  # noqa: S308


def _text_colour(rgba) -> str:
    """Ink on light fills, white on dark ones (WCAG relative luminance)."""

    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgba[:3])
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "#ffffff"


def dependency_graph_svg(effective, dependencies, titles, *, title: str = "", score_label: str = "") -> Chart:
    """The requirements in a circle, an arrow from each requirement to those that depend on it
    (a failure travels along the arrows), its width and label giving the strength; each node
    filled by its effective score on the colour-blind-safe "cividis" scale (dark: low, light:
    high) with the number written in it ("–" and a dashed outline when it has no score).

    `effective` maps codes to `cascade.Effective`; `dependencies` are (dependent code, depends-on
    code, strength); `titles` maps codes to requirement titles (for the table, and shortened under
    each node). The table gives, per requirement: own and effective score, what limits it and
    what it depends on."""
    from django.utils.translation import gettext as _

    title = title or _("Dependencies between the requirements")
    codes = list(titles) or sorted(effective)
    edges = [(a, b, float(s)) for a, b, s in dependencies if a in codes and b in codes and a != b]
    nodes = {
        code: None if effective.get(code) is None or effective[code].effective is None else effective[code]
        for code in codes
    }
    payload = {
        "title": title,
        "codes": codes,
        "titles": [titles.get(c, c) for c in codes],
        "scores": [None if nodes[c] is None else round(nodes[c].effective, 1) for c in codes],
        "edges": sorted(edges),
        "label": score_label,
    }

    def draw():
        import textwrap

        from matplotlib import colormaps
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.patches import Circle, FancyArrowPatch

        cmap, norm = colormaps["cividis"], Normalize(0, 100)
        radius, node = 1.0, 0.17
        where = {
            code: (
                radius * math.cos(math.pi / 2 - 2 * math.pi * i / len(codes)),
                radius * math.sin(math.pi / 2 - 2 * math.pi * i / len(codes)),
            )
            for i, code in enumerate(codes)
        }
        figure = Figure(figsize=(6.4, 5.9))
        with matplotlib.rc_context(RC):
            ax = figure.add_axes((0.0, 0.13, 1.0, 0.87))
            ax.set_aspect("equal")
            ax.set_xlim(-1.95, 1.95)
            ax.set_ylim(-1.5, 1.5)
            ax.axis("off")
            for dependent, depends_on, strength in sorted(edges):
                (x1, y1), (x2, y2) = where[depends_on], where[dependent]
                length = math.hypot(x2 - x1, y2 - y1) or 1.0
                ux, uy = (x2 - x1) / length, (y2 - y1) / length
                start, end = (x1 + ux * node, y1 + uy * node), (x2 - ux * node, y2 - uy * node)
                bend = 0.14
                ax.add_patch(
                    FancyArrowPatch(
                        start,
                        end,
                        connectionstyle=f"arc3,rad={bend}",
                        arrowstyle="-|>",
                        mutation_scale=8 + 6 * strength,
                        linewidth=0.5 + 3.0 * strength,
                        color="#5b6b7f",
                        alpha=0.85,
                        zorder=1,
                    )
                )
                # A point of matplotlib's arc3 curve (a quadratic Bezier), nearer the dependent
                # than the middle so that labels of crossing edges keep apart.
                dx, dy = end[0] - start[0], end[1] - start[1]
                cx = (start[0] + end[0]) / 2 + bend * dy
                cy = (start[1] + end[1]) / 2 - bend * dx
                t = 0.62
                mx = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * cx + t**2 * end[0]
                my = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * cy + t**2 * end[1]
                ax.text(
                    mx,
                    my,
                    f"{strength:.2f}",
                    fontsize=6.5,
                    ha="center",
                    va="center",
                    zorder=2,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "#ffffff", "edgecolor": "none"},
                )
            for code in codes:
                x, y = where[code]
                result = nodes[code]
                if result is None:
                    fill, text, number = "#eef0f3", INK, "–"
                    ax.add_patch(
                        Circle((x, y), node, facecolor=fill, edgecolor=INK, linestyle="--", zorder=3)
                    )
                else:
                    fill = cmap(norm(result.effective))
                    text, number = _text_colour(fill), f"{result.effective:.0f}"
                    ax.add_patch(Circle((x, y), node, facecolor=fill, edgecolor=INK, linewidth=1, zorder=3))
                ax.text(
                    x, y, number, ha="center", va="center", fontsize=12, weight="bold", color=text, zorder=4
                )
                # The label outside the circle, aligned away from the node.
                lx, ly = x * (radius + node + 0.08), y * (radius + node + 0.08)
                align = "left" if x > 0.3 else "right" if x < -0.3 else "center"
                vertical = "bottom" if y > 0.8 else "top" if y < -0.8 else "center"
                name = textwrap.shorten(titles.get(code, ""), width=34, placeholder="…")
                label = "\n".join([code, *textwrap.wrap(name, width=18)[:2]])
                ax.text(lx, ly, label, ha=align, va=vertical, fontsize=7.5, linespacing=1.15, zorder=4)
            bar_axes = figure.add_axes((0.2, 0.08, 0.6, 0.025))
            # 20 bands: few enough that matplotlib draws them as vectors, not an embedded PNG.
            bar = figure.colorbar(
                ScalarMappable(norm=norm, cmap=cmap),
                cax=bar_axes,
                orientation="horizontal",
                boundaries=list(range(0, 101, 5)),
            )
            bar.set_label(score_label or _("Effective score (0–100)"), fontsize=8)
            bar.ax.tick_params(labelsize=7)
            bar.outline.set_edgecolor(GRID)
            return to_svg(figure, title)

    svg = cached("dependency-graph", payload, draw)
    depends = {code: [] for code in codes}
    for dependent, depends_on, strength in sorted(edges):
        depends[dependent].append(f"{depends_on} ({strength:.2f})")
    rows = []
    for code in codes:
        result = effective.get(code)
        rows.append(
            [
                f"{code} {titles.get(code, '')}".strip(),
                fmt(None if result is None else result.own),
                fmt(None if result is None else result.effective),
                (result.limited_by if result is not None and result.limited_by else "–"),
                ", ".join(depends[code]) or "–",
            ]
        )
    columns = ["", _("Own score"), _("Effective score"), _("Limited by"), _("Depends on (strength)")]
    summary = _(
        "Arrows point from a requirement to those that depend on it; their width and label give the "
        "strength of the dependency (0 to 1). Each circle shows the effective score."
    )
    return Chart(title=title, svg=mark_safe(svg), columns=columns, rows=rows, summary=summary)  # noqa: S308
