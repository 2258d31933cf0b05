"""The alliance comparative report of one cycle (DESIGN section 6): the nations x requirements
heatmap, the spread per requirement and the collective statistics, for reviewers. Rendered through
`render_pdf`, in a background task (`assessments.tasks.render_alliance_report`): with many nations
it runs to a hundred pages and more."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import charts, comparisons
from ..models import Cycle
from .pdf import render_pdf

TEMPLATE = "reports/alliance.html"


def spread_chart(cycle: Cycle, rows: list[comparisons.CollectiveRow], at_level: float) -> charts.Chart:
    """The collective view as box plots, one per requirement, with the chosen level marked."""
    return charts.spread_chart(
        _("Spread of requirement scores, %(cycle)s") % {"cycle": cycle.name},
        [r.requirement.code for r in rows],
        [vars(r.spread) for r in rows],
        reference=at_level * 20,
        reference_label=_("Level %(level)s") % {"level": at_level},
        columns=[_("Minimum"), _("First quartile"), _("Median"), _("Third quartile"), _("Maximum")],
    )


def alliance_report_context(cycle: Cycle, *, at_level: float = 3, requested_by=None) -> dict:
    """Everything the report shows, in a fixed number of queries (those of `comparisons.matrix`)."""
    m = comparisons.matrix(cycle, sort="overall", descending=True)
    collective = comparisons.collective_view(m, at_level=at_level)
    sections = []
    for index, row in enumerate(collective):
        ranked = [(r.nation, r.cells[index]) for r in m.rows if r.cells[index].score is not None]
        ranked.sort(key=lambda pair: pair[1].score)
        unscored = [r.nation for r in m.rows if r.cells[index].score is None]
        sections.append({"row": row, "ranked": ranked, "unscored": unscored})
    return {
        "cycle": cycle,
        "matrix": m,
        "collective": collective,
        "weakest": next((r for r in collective if r.weakest), None),
        "at_level": at_level,
        "chart": spread_chart(cycle, collective, at_level),
        "sections": sections,
        "generated_at": timezone.now(),
        "requested_by": requested_by,
    }


def alliance_report_pdf(cycle: Cycle, *, at_level: float = 3, requested_by=None) -> bytes:
    """The alliance comparative report of `cycle` as PDF bytes."""
    context = alliance_report_context(cycle, at_level=at_level, requested_by=requested_by)
    return render_pdf(TEMPLATE, context)
