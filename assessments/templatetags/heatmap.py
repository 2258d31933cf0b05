"""The heatmap's cells, for the compare page and the alliance PDF alike. A tag rather than template
markup because a heatmap of 200 nations has thousands of cells: building them here is several
times faster than a template loop, and the markup stays in one place."""

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

from assessments.comparisons import level_band
from assessments.scoring import score_to_level

register = template.Library()


def _cell(score, sep, strong=False):
    if score is None:
        return '<td class="heat heat-none">–</td>'
    number = f"<strong>{round(score)}</strong>" if strong else str(round(score))
    level = f"{score_to_level(score):.1f}".replace(".", sep)
    return f'<td class="heat heat-{level_band(score)}">{number}<span class="heat-level">{level}</span></td>'


@register.simple_tag
def heat_cells(row):
    """One `<td>` per requirement of a `comparisons.MatrixRow` (score, then its level), then the
    overall score in bold. Only numbers and fixed class names go in, so nothing needs escaping."""
    sep = get_format("DECIMAL_SEPARATOR")
    cells = [_cell(c.score, sep) for c in row.cells]
    cells.append(_cell(row.overall, sep, strong=True))
    return mark_safe("".join(cells))  # noqa: S308 - numbers and constant markup only
