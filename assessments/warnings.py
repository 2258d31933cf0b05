"""Early warnings: what needs attention in an assessment before it shows in a crisis.

- a requirement's score fell since the nation's previous cycle by more than
  `settings.EARLY_WARNING_DROP_POINTS`;
- hidden fragility: a requirement's effective score (capped by what it depends on, see `cascade`)
  lies more than `settings.EARLY_WARNING_FRAGILITY_POINTS` below its own score;
- national goals off track;
- plan actions overdue (due before today, neither done nor cancelled);
- answers at a level that requires evidence, with none (grouped per requirement).

Each warning says what and links to where to act: the planner's pages for the nation, the review
page for reviewers. `early_warnings` runs a fixed number of queries for any number of assessments.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import interdependence, selectors
from .models import Answer, Assessment, Cycle, Evidence, NationalGoal, PlanAction

SCORE_DROP = "score_drop"
FRAGILITY = "fragility"
GOAL_OFF_TRACK = "goal_off_track"
ACTION_OVERDUE = "action_overdue"
EVIDENCE_MISSING = "evidence_missing"

KIND_LABELS = {
    SCORE_DROP: gettext_lazy("Score fell"),
    FRAGILITY: gettext_lazy("Hidden fragility"),
    GOAL_OFF_TRACK: gettext_lazy("Goal off track"),
    ACTION_OVERDUE: gettext_lazy("Action overdue"),
    EVIDENCE_MISSING: gettext_lazy("Evidence missing"),
}
ORDER = [SCORE_DROP, FRAGILITY, GOAL_OFF_TRACK, ACTION_OVERDUE, EVIDENCE_MISSING]


@dataclass(frozen=True)
class EarlyWarning:
    kind: str
    assessment: Assessment
    message: str
    url: str
    requirement_number: int | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def sort_key(self):
        return (ORDER.index(self.kind), self.requirement_number or 0)


def _previous_cycles() -> dict[int, int]:
    """Each cycle's previous cycle (the latest that opened before it). One query."""
    cycles = list(Cycle.objects.order_by("opens_on", "pk").values_list("pk", "opens_on"))
    previous: dict[int, int] = {}
    for index, (pk, opens_on) in enumerate(cycles):
        earlier = [c for c, o in cycles[:index] if o < opens_on]
        if earlier:
            previous[pk] = earlier[-1]
    return previous


class _Links:
    """Where to act: the planner's pages for the nation, the review page for reviewers."""

    def __init__(self, for_reviewer: bool):
        self.for_reviewer = for_reviewer
        self._reviews: dict[int, str] = {}

    def _review(self, assessment):
        # Every warning of an assessment links there for reviewers: reversed once per assessment.
        url = self._reviews.get(assessment.pk)
        if url is None:
            url = self._reviews[assessment.pk] = reverse("review_assessment", args=[assessment.pk])
        return url

    def requirement(self, assessment, number, anchor=""):
        if self.for_reviewer:
            return self._review(assessment)
        url = reverse("requirement_page", args=[assessment.pk, number])
        return f"{url}#{anchor}" if anchor else url

    def goals(self, assessment):
        return self._review(assessment) if self.for_reviewer else reverse("goal_list", args=[assessment.pk])

    def plan(self, assessment):
        return self._review(assessment) if self.for_reviewer else reverse("plan_detail", args=[assessment.pk])


def early_warnings(
    assessments,
    *,
    cards: dict[int, selectors.Scorecard] | None = None,
    for_reviewer: bool = False,
    today: datetime.date | None = None,
    scored: dict | None = None,
) -> dict[int, list[EarlyWarning]]:
    """Warnings per assessment id (every id present, possibly with an empty list). Assessments
    need `nation` and `cycle` loaded; pass `cards` (from `selectors.scorecards`) when you have them.
    For reviewers (`for_reviewer`) links go to the review page and a previous-cycle draft is not
    compared against. `scored`, a dict, receives the scorecards used, by assessment id (the inbox
    shows them). Queries: cycles, previous assessments, three for scorecards, dependencies, goals,
    actions, answers lacking evidence: 9 (6 with `cards` given and no previous assessment to score)."""
    assessments = list(assessments)
    result: dict[int, list[EarlyWarning]] = {a.pk: [] for a in assessments}
    if not assessments:
        return result
    today = today or timezone.localdate()
    links = _Links(for_reviewer)
    ids = [a.pk for a in assessments]

    # Previous cycle of each assessment's nation.
    previous_cycle = _previous_cycles()
    wanted = {(a.nation_id, previous_cycle.get(a.cycle_id)) for a in assessments}
    # `or [0]`: the query runs even when no cycle has a previous one, so the count stays the same.
    previous_qs = Assessment.objects.filter(
        nation_id__in={n for n, _c in wanted}, cycle_id__in={c for _n, c in wanted if c} or [0]
    ).select_related("cycle")
    if for_reviewer:
        previous_qs = previous_qs.visible_to_reviewers()
    previous = {(p.nation_id, p.cycle_id): p for p in previous_qs}
    previous_of = {a.pk: previous.get((a.nation_id, previous_cycle.get(a.cycle_id))) for a in assessments}
    others = [p for p in previous.values() if p.pk not in result]
    if cards is None:
        cards = selectors.scorecards(assessments + others)
    else:
        cards = {**cards, **selectors.scorecards(others)}
    if scored is not None:
        scored.update(cards)
    cascades = interdependence.cascades(assessments, cards)

    drop_margin = settings.EARLY_WARNING_DROP_POINTS
    fragility_margin = settings.EARLY_WARNING_FRAGILITY_POINTS
    for assessment in assessments:
        found = result[assessment.pk]
        before = previous_of[assessment.pk]
        old = {}
        if before is not None:
            old = {c.requirement.number: c.result.score for c in cards[before.pk].requirements}
        for line in cascades[assessment.pk].requirements:
            requirement, own = line.requirement, line.result.own
            was = old.get(requirement.number)
            if own is not None and was is not None and was - own > drop_margin:
                found.append(
                    EarlyWarning(
                        SCORE_DROP,
                        assessment,
                        _(
                            "%(code)s %(title)s fell %(points).1f points since %(cycle)s "
                            "(%(before).1f → %(now).1f)."
                        )
                        % {
                            "code": requirement.code,
                            "title": requirement.t_title,
                            "points": was - own,
                            "cycle": before.cycle.name,
                            "before": was,
                            "now": own,
                        },
                        links.requirement(assessment, requirement.number),
                        requirement.number,
                    )
                )
            if line.limited_by is not None and line.result.loss > fragility_margin:
                found.append(
                    EarlyWarning(
                        FRAGILITY,
                        assessment,
                        _(
                            "%(code)s %(title)s scores %(own).1f on its own but only %(effective).1f "
                            "given its dependence on %(by_code)s %(by_title)s: strengthen %(by_code)s."
                        )
                        % {
                            "code": requirement.code,
                            "title": requirement.t_title,
                            "own": own,
                            "effective": line.result.effective,
                            "by_code": line.limited_by.code,
                            "by_title": line.limited_by.t_title,
                        },
                        links.requirement(assessment, line.limited_by.number),
                        requirement.number,
                    )
                )

    by_id = {a.pk: a for a in assessments}
    goals = NationalGoal.objects.filter(
        assessment_id__in=ids, status=NationalGoal.Status.OFF_TRACK
    ).values_list("assessment_id", "title", "objective__code", "objective__requirement__number")
    for assessment_id, title, objective, number in goals.order_by("objective__code", "title"):
        assessment = by_id[assessment_id]
        result[assessment_id].append(
            EarlyWarning(
                GOAL_OFF_TRACK,
                assessment,
                _("Goal “%(title)s” (%(objective)s) is off track.")
                % {"title": title, "objective": objective},
                links.goals(assessment),
                number,
            )
        )

    actions = (
        PlanAction.objects.filter(plan__assessment_id__in=ids, due_date__lt=today)
        .exclude(status__in=[PlanAction.Status.DONE, PlanAction.Status.CANCELLED])
        .order_by("due_date", "title")
        .values_list("plan__assessment_id", "title", "due_date", "progress")
    )
    for assessment_id, title, due, progress in actions:
        assessment = by_id[assessment_id]
        result[assessment_id].append(
            EarlyWarning(
                ACTION_OVERDUE,
                assessment,
                _("Plan action “%(title)s” was due on %(due)s and is %(progress)s%% complete.")
                % {"title": title, "due": formats.date_format(due, "j F Y"), "progress": progress},
                links.plan(assessment),
            )
        )

    lacking = (
        Answer.objects.filter(
            assessment_id__in=ids,
            level__isnull=False,
            indicator__evidence_from_level__isnull=False,
            level__gte=F("indicator__evidence_from_level"),
        )
        .filter(~Exists(Evidence.objects.filter(answer=OuterRef("pk"))))
        .order_by("indicator__requirement__number", "indicator__order", "indicator__code")
        .values_list(
            "assessment_id",
            "indicator__requirement__number",
            "indicator__requirement__code",
            "indicator__code",
        )
    )
    grouped = defaultdict(list)
    for assessment_id, number, requirement_code, code in lacking:
        grouped[(assessment_id, number, requirement_code)].append(code)
    for (assessment_id, number, requirement_code), codes in grouped.items():
        assessment = by_id[assessment_id]
        result[assessment_id].append(
            EarlyWarning(
                EVIDENCE_MISSING,
                assessment,
                _("%(code)s: %(count)d answers at a level that requires evidence have none (%(codes)s).")
                % {"code": requirement_code, "count": len(codes), "codes": ", ".join(codes)}
                if len(codes) > 1
                else _("%(code)s: %(indicator)s is at a level that requires evidence and has none.")
                % {"code": requirement_code, "indicator": codes[0]},
                links.requirement(assessment, number, anchor=f"indicator-{codes[0]}"),
                number,
            )
        )

    for found in result.values():
        found.sort(key=lambda w: w.sort_key)
    return result
