"""Reads for the cascade analysis: the framework's dependencies joined to scorecards, giving each
requirement its own and effective score, what limits it, the dependency graph and stress tests.
The arithmetic is in `cascade` (pure); this module only loads and labels. Each function runs a
fixed number of queries, whatever the number of assessments, answers or scenarios."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from baselines.models import Dependency, Requirement

from . import cascade, charts, selectors
from .models import Assessment, Scenario

Edge = tuple[str, str, float]  # (dependent code, depends-on code, strength)


def dependency_edges(framework_ids) -> dict[int, list[Edge]]:
    """The dependencies of each framework as (dependent code, depends-on code, strength). One query."""
    edges: dict[int, list[Edge]] = defaultdict(list)
    rows = Dependency.objects.filter(framework_id__in=set(framework_ids)).values_list(
        "framework_id", "requirement__code", "depends_on__code", "strength"
    )
    for framework_id, dependent, depends_on, strength in rows:
        edges[framework_id].append((dependent, depends_on, float(strength)))
    return edges


@dataclass(frozen=True)
class RequirementCascade:
    """One requirement: its scorecard line, its effective score, and the requirement capping it."""

    card: selectors.RequirementCard
    result: cascade.Effective
    limited_by: Requirement | None

    @property
    def requirement(self) -> Requirement:
        return self.card.requirement


@dataclass(frozen=True)
class Cascade:
    """An assessment's requirements with own and effective scores, in framework order."""

    requirements: list[RequirementCascade]
    edges: list[Edge]

    def by_number(self) -> dict[int, RequirementCascade]:
        return {line.requirement.number: line for line in self.requirements}

    def by_code(self) -> dict[str, cascade.Effective]:
        return {line.requirement.code: line.result for line in self.requirements}

    @property
    def titles(self) -> dict[str, str]:
        return {line.requirement.code: line.requirement.t_title for line in self.requirements}

    @property
    def any_limited(self) -> bool:
        return any(line.limited_by is not None for line in self.requirements)

    def graph(self) -> charts.Chart:
        """The dependency graph of these requirements (SVG and its data table)."""
        return charts.dependency_graph_svg(self.by_code(), self.edges, self.titles)


def cascade_from(card: selectors.Scorecard, edges: list[Edge]) -> Cascade:
    """The cascade of one scorecard given its framework's dependencies. No query."""
    own = {line.requirement.code: line.result.score for line in card.requirements}
    results = cascade.effective_scores(own, edges)
    by_code = {line.requirement.code: line.requirement for line in card.requirements}
    lines = [
        RequirementCascade(
            card=line,
            result=results[line.requirement.code],
            limited_by=by_code.get(results[line.requirement.code].limited_by),
        )
        for line in card.requirements
    ]
    return Cascade(lines, edges)


def cascades(assessments, cards: dict[int, selectors.Scorecard] | None = None) -> dict[int, Cascade]:
    """Cascades of many assessments (`cycle` loaded): one query for the dependencies, plus the three
    of `selectors.scorecards` unless `cards` are given."""
    assessments = list(assessments)
    if cards is None:
        cards = selectors.scorecards(assessments)
    edges = dependency_edges(a.cycle.framework_id for a in assessments) if assessments else {}
    return {a.pk: cascade_from(cards[a.pk], edges[a.cycle.framework_id]) for a in assessments}


def cascade_for(assessment: Assessment, card: selectors.Scorecard | None = None) -> Cascade:
    """One assessment's cascade: 1 query with `card` given, 4 without."""
    return cascades([assessment], None if card is None else {assessment.pk: card})[assessment.pk]


# Stress tests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StressLine:
    requirement: Requirement
    row: cascade.StressRow
    limited_by_before: Requirement | None
    limited_by_after: Requirement | None


@dataclass(frozen=True)
class StressResult:
    """A stress test of one assessment: every requirement before and after, against a level."""

    lines: list[StressLine]
    level: float
    overrides: dict[int, float]  # requirement number -> score in the scenario
    base: Cascade

    @property
    def below(self) -> list[StressLine]:
        return [line for line in self.lines if line.row.below_after]

    @property
    def newly_below(self) -> list[StressLine]:
        return [line for line in self.lines if line.row.newly_below]

    @property
    def lowered(self) -> list[StressLine]:
        """Requirements the scenario lowers without setting them itself: the cascade."""
        return [line for line in self.lines if line.row.drop > 0.05 and not line.row.overridden]

    def graph(self) -> charts.Chart:
        """The dependency graph under the scenario."""
        after = {line.requirement.code: line.row.after for line in self.lines}
        titles = self.base.titles
        return charts.dependency_graph_svg(
            after,
            self.base.edges,
            titles,
            title=_("Dependencies between the requirements in this scenario"),
            score_label=_("Effective score in the scenario (0–100)"),
        )


def stress_of(base: Cascade, overrides: dict[int, float], level: float) -> StressResult:
    """Apply a scenario (scores by requirement number) to a computed cascade. No query."""
    by_number = {line.requirement.number: line.requirement for line in base.requirements}
    by_code = {r.code: r for r in by_number.values()}
    own = {line.requirement.code: line.result.own for line in base.requirements}
    changes = {by_number[n].code: score for n, score in overrides.items() if n in by_number}
    rows = cascade.stress(own, base.edges, changes, level)
    lines = [
        StressLine(
            requirement=by_code[row.code],
            row=row,
            limited_by_before=by_code.get(row.before.limited_by),
            limited_by_after=by_code.get(row.after.limited_by),
        )
        for row in rows
    ]
    lines.sort(key=lambda line: line.requirement.number)
    return StressResult(lines, float(level), dict(overrides), base)


def scenario_results(scenarios: list[Scenario], base: Cascade) -> list[tuple[Scenario, StressResult]]:
    """Saved scenarios of one assessment with their results. No query."""
    return [(s, stress_of(base, s.override_numbers(), float(s.level))) for s in scenarios]


def visible_scenarios(access) -> list[Scenario]:
    """The scenarios of an assessment this user may see (see `permissions.scenario_for_user`). One query."""
    qs = Scenario.objects.filter(assessment=access.assessment).select_related("created_by")
    if not access.is_reviewer:
        qs = qs.filter(visibility=Scenario.Visibility.SHARED)
    return list(qs.order_by("name"))


def report_scenarios(assessment: Assessment, base: Cascade) -> list[tuple[Scenario, StressResult]]:
    """The scenarios the nation chose to include in its report, with results. One query."""
    scenarios = list(
        Scenario.objects.filter(
            assessment=assessment, include_in_report=True, visibility=Scenario.Visibility.SHARED
        ).order_by("name")
    )
    return scenario_results(scenarios, base)
