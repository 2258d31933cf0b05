"""Reads that span models: scorecards, dashboards. They return plain data; templates present it.
Each runs a fixed number of queries whatever the number of nations, cycles and answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from baselines.models import Indicator, Requirement

from . import permissions, scoring
from .models import Answer, Assessment, Cycle, Evidence, ImplementationPlan, Submission


@dataclass
class RequirementCard:
    requirement: Requirement
    result: scoring.RequirementScore

    @property
    def missing(self) -> int:
        return self.result.total - self.result.answered


@dataclass
class Scorecard:
    requirements: list[RequirementCard]
    overall: float | None

    @property
    def overall_level(self) -> float | None:
        return None if self.overall is None else scoring.score_to_level(self.overall)

    @property
    def answered(self) -> int:
        return sum(card.result.answered for card in self.requirements)

    @property
    def total(self) -> int:
        return sum(card.result.total for card in self.requirements)

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def by_number(self) -> dict[int, RequirementCard]:
        return {card.requirement.number: card for card in self.requirements}


def indicator_input(indicator: Indicator, level=None, value=None) -> scoring.IndicatorInput:
    return scoring.IndicatorInput(
        code=indicator.code,
        weight=float(indicator.weight),
        kind=indicator.kind,
        level=level,
        value=value,
        threshold=indicator.threshold,
        target=indicator.target,
    )


def scorecards(assessments) -> dict[int, Scorecard]:
    """Scorecards for many assessments in three queries: requirements, indicators, answers."""
    assessments = list(assessments)
    framework_ids = {a.cycle.framework_id for a in assessments}
    requirements = defaultdict(list)
    for requirement in Requirement.objects.filter(framework_id__in=framework_ids):
        requirements[requirement.framework_id].append(requirement)
    indicators = defaultdict(list)
    for indicator in Indicator.objects.filter(framework_id__in=framework_ids).select_related(None):
        indicators[indicator.requirement_id].append((indicator.pk, indicator))
    answers = defaultdict(dict)
    # No ORDER BY: Answer's default ordering would join and sort every row for nothing.
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments])
        .order_by()
        .values_list("assessment_id", "indicator_id", "level", "value")
    )
    for assessment_id, indicator_id, level, value in rows:
        answers[assessment_id][indicator_id] = (level, value)

    # Many answers share an indicator and a level: each scoring input is built once (the matrix of
    # 200 nations scores 8,000 answers per request).
    inputs = {}
    unanswered = (None, None)

    def items_of(requirement, given):
        out = []
        for indicator_id, indicator in indicators[requirement.pk]:
            level_value = given.get(indicator_id, unanswered)
            found = inputs.get((indicator_id, level_value))
            if found is None:
                found = inputs[(indicator_id, level_value)] = indicator_input(indicator, *level_value)
            out.append(found)
        return out

    cards = {}
    for assessment in assessments:
        given = answers[assessment.pk]
        reqs = []
        for requirement in requirements[assessment.cycle.framework_id]:
            items = items_of(requirement, given)
            reqs.append(RequirementCard(requirement, scoring.requirement_score(items)))
        cards[assessment.pk] = Scorecard(reqs, scoring.overall_score(c.result.score for c in reqs))
    return cards


def scorecard(assessment: Assessment) -> Scorecard:
    return scorecards([assessment])[assessment.pk]


def dashboard(user) -> dict:
    """For each of the user's nations: the open cycle's assessments as (assessment, scorecard,
    early warnings), and the cycles a coordinator may start. A fixed number of queries."""
    today = timezone.localdate()
    open_cycles = list(Cycle.objects.open_on(today).select_related("framework"))
    national = permissions.national_memberships(user)
    assessments = list(
        Assessment.objects.filter(
            nation_id__in=[m.nation_id for m in national], cycle__in=open_cycles
        ).select_related("nation", "cycle")
    )
    cards = scorecards(assessments)
    # Imported here: warnings reads scorecards from this module.
    from .warnings import early_warnings

    warnings = early_warnings(assessments, cards=cards)
    by_nation = defaultdict(list)
    for assessment in assessments:
        by_nation[assessment.nation_id].append((assessment, cards[assessment.pk], warnings[assessment.pk]))
    started = {(a.nation_id, a.cycle_id) for a in assessments}
    return {
        "open_cycles": open_cycles,
        "nations": [
            {
                "membership": m,
                "nation": m.nation,
                "assessments": by_nation[m.nation_id],
                # A coordinator opens their nation's assessment for a cycle that has none yet.
                "startable": [
                    c
                    for c in open_cycles
                    if m.role == m.Role.COORDINATOR and (m.nation_id, c.pk) not in started
                ],
            }
            for m in national
        ],
    }


def snapshot_of(assessment: Assessment) -> dict:
    """Everything the nation said, as plain JSON: what a Submission freezes."""
    card = scorecard(assessment)
    answers = assessment.answers.select_related("indicator__requirement", "updated_by").prefetch_related(
        "evidence"
    )
    goals = assessment.goals.select_related("objective")
    plan = ImplementationPlan.objects.filter(assessment=assessment).first()
    return {
        "nation": assessment.nation.code,
        "cycle": assessment.cycle.name,
        "framework": {
            "id": assessment.cycle.framework_id,
            "name": assessment.cycle.framework.name,
            "version": assessment.cycle.framework.version,
        },
        "overall": card.overall,
        "requirements": [
            {
                "code": c.requirement.code,
                "score": c.result.score,
                "answered": c.result.answered,
                "total": c.result.total,
            }
            for c in card.requirements
        ],
        "answers": [
            {
                "indicator": a.indicator.code,
                "level": a.level,
                "value": a.value,
                "justification": a.justification,
                "confidence": a.confidence,
                "version": a.version,
                "updated_by": a.updated_by.get_username() if a.updated_by else None,
                "updated_at": a.updated_at.isoformat() if a.updated_at else None,
                "evidence": [
                    {"file": e.original_name, "size": e.size, "citation": e.citation}
                    for e in a.evidence.all()
                ],
            }
            for a in answers
        ],
        "goals": [
            {
                "objective": g.objective.code,
                "title": g.title,
                "baseline": g.baseline,
                "target": g.target,
                "unit": g.unit,
                "status": g.status,
                "target_date": g.target_date.isoformat() if g.target_date else None,
            }
            for g in goals
        ],
        "plan": None
        if plan is None
        else {
            "title": plan.title,
            "actions": [
                {
                    "title": x.title,
                    "lead": x.lead_organisation,
                    "sector": x.sector,
                    "start": x.start_date.isoformat(),
                    "due": x.due_date.isoformat(),
                    "status": x.status,
                    "progress": x.progress,
                }
                for x in plan.actions.all()
            ],
        },
    }


@dataclass(frozen=True)
class Blocker:
    """One thing that stops an assessment from being submitted, on one answer."""

    UNANSWERED = "unanswered"
    VALUE_MISSING = "value_missing"
    EVIDENCE_MISSING = "evidence_missing"

    kind: str
    answer: Answer  # with its indicator and requirement loaded

    @property
    def requirement_number(self) -> int:
        return self.answer.indicator.requirement.number

    @property
    def message(self) -> str:
        indicator = self.answer.indicator
        if self.kind == self.UNANSWERED:
            return _("%(code)s has no level yet.") % {"code": indicator.code}
        if self.kind == self.VALUE_MISSING:
            return _("%(code)s has no value yet (%(unit)s).") % {
                "code": indicator.code,
                "unit": indicator.t_unit,
            }
        return _("%(code)s is at level %(level)s: evidence is required from level %(from)s.") % {
            "code": indicator.code,
            "level": self.answer.level,
            "from": indicator.evidence_from_level,
        }


def blockers(assessment: Assessment) -> list[Blocker]:
    """What stops submission, in framework order: maturity indicators without a level,
    quantitative indicators without a value, and answers at or above their indicator's
    evidence level with no evidence. One query."""
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("indicator__requirement")
        .annotate(has_evidence=Exists(Evidence.objects.filter(answer=OuterRef("pk"))))
    )
    found = []
    for answer in answers:
        indicator = answer.indicator
        if indicator.is_maturity and answer.level is None:
            found.append(Blocker(Blocker.UNANSWERED, answer))
        elif not indicator.is_maturity and answer.value is None:
            found.append(Blocker(Blocker.VALUE_MISSING, answer))
        elif (
            indicator.is_maturity
            and indicator.evidence_from_level is not None
            and answer.level >= indicator.evidence_from_level
            and not answer.has_evidence
        ):
            found.append(Blocker(Blocker.EVIDENCE_MISSING, answer))
    return found


@dataclass(frozen=True)
class ArchivedSubmission:
    submission: Submission
    has_report: bool


def submissions_of(assessment: Assessment) -> list[ArchivedSubmission]:
    """The assessment's submissions, newest first, and whether each has a report to download
    (one query)."""
    submissions = list(assessment.submissions.select_related("submitted_by").order_by("-number"))
    for submission in submissions:
        submission.assessment = assessment
    return [ArchivedSubmission(s, s.has_report(latest=n == 0)) for n, s in enumerate(submissions)]
