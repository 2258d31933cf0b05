"""The national progress report of one assessment (DESIGN section 6)."""

from __future__ import annotations

from django.utils import timezone

from .. import selectors
from ..models import Assessment
from .pdf import render_pdf

TEMPLATE = "reports/national.html"


def national_report_context(assessment: Assessment) -> dict:
    """Everything the national report template shows, loaded in a fixed number of queries."""
    card = selectors.scorecard(assessment)
    rows = [{"requirement": c.requirement, "score": c.result.score} for c in card.requirements]
    return {
        "assessment": assessment,
        "draft": assessment.status not in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED),
        "generated_at": timezone.now(),
        "rows": rows,
    }


def national_report_pdf(assessment: Assessment) -> bytes:
    """The national progress report of `assessment` as PDF bytes, as it stands now."""
    return render_pdf(TEMPLATE, national_report_context(assessment))
