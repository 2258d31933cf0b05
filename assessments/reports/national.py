"""The national progress report of one assessment (DESIGN section 6): what it shows, gathered in a
fixed number of queries whatever the number of answers, evidence and comments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from baselines.models import Indicator, LevelDescriptor

from .. import charts, interdependence, scoring, selectors
from ..models import (
    Answer,
    Assessment,
    Comment,
    Cycle,
    Evidence,
    ImplementationPlan,
    NationalGoal,
    PlanAction,
)
from .pdf import render_pdf

TEMPLATE = "reports/national.html"
FINAL_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)


@dataclass
class Trend:
    """Change of a score in points against the previous cycle, with its arrow."""

    points: float | None

    @property
    def arrow(self) -> str:
        if self.points is None:
            return ""
        if self.points >= 0.05:
            return "▲"
        if self.points <= -0.05:
            return "▼"
        return "▶"


@dataclass
class IndicatorRow:
    indicator: Indicator
    answer: Answer
    score: float | None
    descriptor: LevelDescriptor | None = None
    previous: float | None = None  # the previous cycle's score for the same indicator code
    evidence: list[Evidence] = field(default_factory=list)
    queries: list[Comment] = field(default_factory=list)

    @property
    def trend(self) -> Trend:
        return Trend(scoring.trend(self.score, self.previous))


@dataclass
class RequirementSection:
    card: selectors.RequirementCard
    trend: Trend
    indicators: list[IndicatorRow] = field(default_factory=list)
    cascade: interdependence.RequirementCascade | None = None  # own and effective score, limited by

    @property
    def requirement(self):
        return self.card.requirement

    @property
    def open_queries(self) -> int:
        return sum(len(row.queries) for row in self.indicators)


def _inputs_by_code(rows) -> dict[str, scoring.IndicatorInput]:
    """IndicatorInputs keyed by indicator code, from value rows of answers."""
    return {
        r["indicator__code"]: scoring.IndicatorInput(
            code=r["indicator__code"],
            weight=float(r["indicator__weight"]),
            kind=r["indicator__kind"],
            level=r["level"],
            value=r["value"],
            threshold=r["indicator__threshold"],
            target=r["indicator__target"],
        )
        for r in rows
    }


def _previous_answers(assessment: Assessment):
    """The same nation's answers in the previous cycle (2 queries), keyed by indicator code, with
    the previous requirement number of each code."""
    previous_cycle = assessment.cycle.previous()
    if previous_cycle is None:
        return None, {}, {}
    rows = list(
        Answer.objects.filter(assessment__nation_id=assessment.nation_id, assessment__cycle=previous_cycle)
        .order_by()
        .values(
            "indicator__code",
            "indicator__weight",
            "indicator__kind",
            "indicator__threshold",
            "indicator__target",
            "indicator__requirement__number",
            "level",
            "value",
        )
    )
    numbers = {r["indicator__code"]: r["indicator__requirement__number"] for r in rows}
    return previous_cycle, _inputs_by_code(rows), numbers


def matched_trend(current: list[scoring.IndicatorInput], previous: dict[str, scoring.IndicatorInput]):
    """A requirement's change against the previous cycle, comparing only the indicators whose
    codes exist in both frameworks (so a revised framework compares what carried over)."""
    current_by_code = {i.code: i for i in current}
    pairs = scoring.match_by_code(
        {code: scoring.answer_score(i) for code, i in current_by_code.items()},
        {code: scoring.answer_score(i) for code, i in previous.items()},
    )
    carried = [code for code, _, _ in pairs if code in current_by_code and code in previous]
    if not carried:
        return Trend(None)
    now = scoring.requirement_score([current_by_code[c] for c in carried]).score
    before = scoring.requirement_score([previous[c] for c in carried]).score
    return Trend(scoring.trend(now, before))


def national_report_context(assessment: Assessment) -> dict:
    """Everything the national report shows, in a fixed number of queries (listed in
    tests/test_reports_queries_and_command.py) whatever the number of answers, evidence,
    comments, goals and actions."""
    assessment = (
        Assessment.objects.select_related("nation", "cycle__framework", "submitted_by", "decided_by")
        .filter(pk=assessment.pk)
        .get()
    )
    card = selectors.scorecard(assessment)  # 3 queries
    answers = list(
        assessment.answers.select_related("indicator__requirement", "updated_by").order_by(
            "indicator__requirement__number", "indicator__order", "indicator__code"
        )
    )
    descriptors = {
        (d.indicator_id, d.level): d
        for d in LevelDescriptor.objects.filter(indicator__framework_id=assessment.cycle.framework_id)
    }
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(answer__assessment=assessment).order_by("uploaded_at", "pk"):
        evidence[item.answer_id].append(item)
    queries = defaultdict(list)
    open_queries = Comment.objects.filter(
        assessment=assessment,
        answer__isnull=False,
        parent__isnull=True,
        kind=Comment.Kind.QUERY,
        resolved=False,
    ).select_related("author")
    for comment in open_queries.order_by("created_at", "pk"):
        queries[comment.answer_id].append(comment)
    previous_cycle, previous, numbers = _previous_answers(assessment)  # 2 queries

    rows_by_requirement = defaultdict(list)
    for answer in answers:
        indicator = answer.indicator
        item = selectors.indicator_input(indicator, answer.level, answer.value)
        before = previous.get(indicator.code)
        rows_by_requirement[indicator.requirement_id].append(
            IndicatorRow(
                indicator=indicator,
                answer=answer,
                score=scoring.answer_score(item),
                descriptor=descriptors.get((indicator.pk, answer.level))
                if answer.level is not None
                else None,
                previous=scoring.answer_score(before) if before else None,
                evidence=evidence[answer.pk],
                queries=queries[answer.pk],
            )
        )

    previous_by_number = defaultdict(list)
    for code, item in previous.items():
        previous_by_number[numbers[code]].append(item)
    cascade = interdependence.cascade_for(assessment, card)  # 1 query: the dependencies
    effective = cascade.by_number()
    sections = []
    for requirement_card in card.requirements:
        rows = rows_by_requirement[requirement_card.requirement.pk]
        current_items = [selectors.indicator_input(r.indicator, r.answer.level, r.answer.value) for r in rows]
        sections.append(
            RequirementSection(
                card=requirement_card,
                trend=matched_trend(current_items, previous),
                indicators=rows,
                cascade=effective.get(requirement_card.requirement.number),
            )
        )
    previous_scores = {
        number: scoring.requirement_score(items).score for number, items in previous_by_number.items()
    }
    previous_overall = scoring.overall_score(previous_scores.values()) if previous_scores else None

    goals = list(NationalGoal.objects.filter(assessment=assessment).select_related("objective__requirement"))
    actions = list(
        PlanAction.objects.filter(plan__assessment=assessment)
        .prefetch_related("goals")
        .order_by("due_date", "title", "pk")
    )
    today = timezone.localdate()
    for action in actions:
        action.overdue = action.is_overdue(today)
    plan = ImplementationPlan.objects.filter(assessment=assessment).first()

    return {
        "assessment": assessment,
        "nation": assessment.nation,
        "cycle": assessment.cycle,
        "framework": assessment.cycle.framework,
        "draft": assessment.status not in FINAL_STATUSES,
        # The day only: a report is the same document all day until its content changes (and so
        # is laid out once, see reports/pdf.py); the time of the last change says how fresh it is.
        "generated_at": timezone.now(),
        "last_change": max((a.updated_at for a in answers if a.updated_at), default=None),
        "scorecard": card,
        "sections": sections,
        "previous_cycle": previous_cycle,
        "previous_overall": previous_overall,
        "overall_trend": Trend(scoring.trend(card.overall, previous_overall)),
        "radar": radar_for(assessment.cycle, card, previous_cycle, previous_scores),
        "cascade": cascade,
        "dependency_graph": cascade.graph(),
        "scenarios": interdependence.report_scenarios(assessment, cascade),  # 1 query
        "goals": goals,
        "plan": plan,
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "open_query_count": sum(s.open_queries for s in sections),
    }


def radar_for(cycle: Cycle, card: selectors.Scorecard, previous_cycle, previous_scores) -> charts.Chart:
    """This cycle's requirement scores against the previous cycle's, as a radar chart."""
    requirements = [c.requirement for c in card.requirements]
    series = [(cycle.name, [c.result.score for c in card.requirements])]
    if previous_cycle is not None and previous_scores:
        series.append((previous_cycle.name, [previous_scores.get(r.number) for r in requirements]))
    return charts.radar_chart(
        _("Requirement scores (0–100), this cycle against the previous one"),
        [f"{r.code} {r.t_title}" for r in requirements],
        series,
        axis_labels=[r.code for r in requirements],
    )


def national_report_pdf(assessment: Assessment, **options) -> bytes:
    """The national progress report of `assessment` as PDF bytes, as it stands now (a DRAFT
    watermark unless submitted or accepted). `options` go to `render_pdf` (e.g. url_fetcher)."""
    return render_pdf(TEMPLATE, national_report_context(assessment), **options)
