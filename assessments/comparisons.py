"""Reads for the reviewer workspace: the nations x requirements matrix, the collective view, nations
side by side, one nation over cycles, two cycles of one nation as a diff, the read-only review of
one assessment and its comment threads. They return plain data for templates, exports and the
alliance report, and each runs a fixed number of queries whatever the number of nations, cycles and
answers.

Only submitted and accepted assessments are compared or exported: a draft is never shown to a
reviewer, and a returned one is the nation's working copy again until it is resubmitted (its
review page shows the last submission's snapshot instead). Indicators and requirements are matched
across framework versions by code; what matches nothing is reported as such."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from baselines.models import Indicator, Requirement

from . import scoring, selectors
from .models import Answer, Assessment, Comment, Cycle, Nation, Submission

COMPARED = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
# Two answers "differ" side by side when their scores are at least one maturity level apart.
DIFFERENCE = scoring.POINTS_PER_LEVEL


def compared_assessments():
    """Submitted and accepted assessments, the only ones comparisons and exports read."""
    return Assessment.objects.filter(status__in=COMPARED).select_related("nation", "cycle")


def level_band(score: float | None) -> int | None:
    """The colour band 0–5 of a score: its whole maturity level."""
    if score is None:
        return None
    return min(scoring.MAX_LEVEL, int(scoring.score_to_level(score)))


# Cycles -------------------------------------------------------------------------------------


def cycles_for_comparison() -> list[Cycle]:
    """Every cycle, newest first, each with `compared_count` (submitted or accepted assessments)."""
    return list(
        Cycle.objects.select_related("framework")
        .annotate(compared_count=Count("assessments", filter=Q(assessments__status__in=COMPARED)))
        .order_by("-opens_on")
    )


def default_cycle(cycles: list[Cycle]) -> Cycle | None:
    """The newest cycle that has something to compare, else the newest cycle."""
    return next((c for c in cycles if c.compared_count), cycles[0] if cycles else None)


# The inbox ------------------------------------------------------------------------------------

INBOX_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.RETURNED, Assessment.Status.ACCEPTED)
INBOX_SORTS = {
    "submitted": ("submitted_at", "nation__name"),
    "nation": ("nation__name", "-cycle__opens_on"),
    "cycle": ("cycle__opens_on", "nation__name"),
    "status": ("status", "nation__name"),
}


def inbox(*, cycle_id=None, status=None, nation_id=None, sort="submitted", descending=True):
    """Every submitted, returned and accepted assessment (never a draft), filtered and sorted
    in the database, for the view to paginate."""
    qs = Assessment.objects.filter(status__in=INBOX_STATUSES).select_related("nation", "cycle__framework")
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if status:
        qs = qs.filter(status=status)
    if nation_id:
        qs = qs.filter(nation_id=nation_id)
    fields = INBOX_SORTS.get(sort, INBOX_SORTS["submitted"])
    first = f"-{fields[0]}" if descending else fields[0]
    return qs.order_by(first, *fields[1:], "pk")


@dataclass
class InboxRow:
    assessment: Assessment
    overall: float | None
    answered: int
    total: int
    warnings: list = field(default_factory=list)  # early warnings (assessments.warnings), set by the view

    @property
    def overall_level(self):
        return None if self.overall is None else scoring.score_to_level(self.overall)

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0


def inbox_rows(assessments, cards=None) -> list[InboxRow]:
    """Scores and completeness of one page of the inbox: `selectors.scorecards` for submitted and
    accepted assessments, the last submission's snapshot for returned ones (the nation may be
    editing them). Four queries whatever the page holds (one with `cards` given, from
    `selectors.scorecards` of the page's assessments that are not returned)."""
    assessments = list(assessments)
    if cards is None:
        cards = selectors.scorecards([a for a in assessments if a.status != Assessment.Status.RETURNED])
    snapshots = {}
    returned = [a.pk for a in assessments if a.status == Assessment.Status.RETURNED]
    for submission in Submission.objects.filter(assessment__in=returned).order_by("assessment", "number"):
        snapshots[submission.assessment_id] = submission.snapshot  # the last one wins
    rows = []
    for a in assessments:
        if a.pk in cards:
            card = cards[a.pk]
            rows.append(InboxRow(a, card.overall, card.answered, card.total))
        else:
            snap = snapshots.get(a.pk) or {}
            reqs = snap.get("requirements", [])
            rows.append(
                InboxRow(
                    a,
                    snap.get("overall"),
                    sum(r.get("answered", 0) for r in reqs),
                    sum(r.get("total", 0) for r in reqs),
                )
            )
    return rows


# The matrix (heatmap) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    score: float | None
    answered: int
    total: int

    @property
    def level(self) -> float | None:
        return None if self.score is None else scoring.score_to_level(self.score)

    @property
    def band(self) -> int | None:
        return level_band(self.score)

    @property
    def css(self) -> str:
        """The cell's colour class (see static/css/heatmap.css)."""
        return "heat-none" if self.score is None else f"heat-{level_band(self.score)}"

    @property
    def score_text(self) -> str:
        return "–" if self.score is None else str(round(self.score))

    @property
    def level_text(self) -> str:
        return "" if self.score is None else number_format(scoring.score_to_level(self.score), 1)


@dataclass
class MatrixRow:
    nation: Nation
    assessment: Assessment
    cells: list[Cell]
    overall: float | None
    answered: int
    total: int

    @property
    def overall_level(self) -> float | None:
        return None if self.overall is None else scoring.score_to_level(self.overall)

    @property
    def overall_band(self) -> int | None:
        return level_band(self.overall)

    @property
    def overall_cell(self) -> Cell:
        return Cell(self.overall, self.answered, self.total)

    @property
    def completeness_text(self) -> str:
        return f"{round(self.completeness * 100)}%"

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass
class Matrix:
    cycle: Cycle
    requirements: list[Requirement]
    rows: list[MatrixRow]
    sort: str = "nation"
    descending: bool = False

    def scores_of(self, index: int) -> list[float | None]:
        return [row.cells[index].score for row in self.rows]


def sort_keys(requirements) -> list[str]:
    return ["nation", *(r.code for r in requirements), "overall", "completeness"]


def matrix(cycle: Cycle, *, sort: str = "nation", descending: bool = False) -> Matrix:
    """Nations x requirements for one cycle: score, level and completeness per cell, overall
    score and completeness per nation. Sorted server-side by `sort` (a key of `sort_keys`);
    nations without a score in the sort column come last either way. Four queries: the
    assessments, then `selectors.scorecards`' three."""
    assessments = list(compared_assessments().filter(cycle=cycle))
    for assessment in assessments:
        assessment.cycle = cycle  # shares the framework already loaded
    cards = selectors.scorecards(assessments)
    requirements = []
    rows = []
    for assessment in assessments:
        card = cards[assessment.pk]
        if not requirements:
            requirements = [c.requirement for c in card.requirements]
        rows.append(
            MatrixRow(
                nation=assessment.nation,
                assessment=assessment,
                cells=[Cell(c.result.score, c.result.answered, c.result.total) for c in card.requirements],
                overall=card.overall,
                answered=card.answered,
                total=card.total,
            )
        )
    if not requirements:
        requirements = list(Requirement.objects.filter(framework_id=cycle.framework_id))
    if sort not in sort_keys(requirements):
        sort = "nation"
    result = Matrix(cycle, requirements, rows, sort, descending)
    _sort_rows(result)
    return result


def _sort_rows(m: Matrix) -> None:
    m.rows.sort(key=lambda row: row.nation.t_name.casefold())
    if m.sort == "nation":
        if m.descending:
            m.rows.reverse()
        return
    codes = [r.code for r in m.requirements]
    if m.sort == "overall":
        value = lambda row: row.overall  # noqa: E731
    elif m.sort == "completeness":
        value = lambda row: row.completeness  # noqa: E731
    else:
        index = codes.index(m.sort)
        value = lambda row: row.cells[index].score  # noqa: E731
    present = [row for row in m.rows if value(row) is not None]
    missing = [row for row in m.rows if value(row) is None]
    present.sort(key=value, reverse=m.descending)
    m.rows = present + missing


# The collective view --------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectiveRow:
    requirement: Requirement
    spread: scoring.Spread
    weakest: bool = False

    def level_of(self, name: str) -> float | None:
        value = getattr(self.spread, name)
        return None if value is None else scoring.score_to_level(value)

    @property
    def median_level(self) -> float | None:
        return self.level_of("median")


def collective_view(m: Matrix, *, at_level: float = 3) -> list[CollectiveRow]:
    """Per requirement of a matrix: count, minimum, quartiles, median, maximum and the share of
    nations at or above `at_level` (`scoring.collective`). The requirement with the lowest median
    is flagged `weakest` (ties: the lower mean decides). No queries."""
    spreads = [scoring.collective(m.scores_of(i), at_level) for i in range(len(m.requirements))]
    ranked = [(s.median, _mean(m.scores_of(i)), i) for i, s in enumerate(spreads) if s.median is not None]
    weakest = min(ranked)[2] if ranked else None
    return [
        CollectiveRow(requirement, spread, i == weakest)
        for i, (requirement, spread) in enumerate(zip(m.requirements, spreads, strict=True))
    ]


def _mean(values):
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else 0.0


# Loading answers for a few assessments --------------------------------------------------------


@dataclass(frozen=True)
class AnswerData:
    """One answer as comparisons need it."""

    pk: int | None
    level: int | None
    value: float | None
    justification: str
    score: float | None

    @property
    def answered(self) -> bool:
        return self.level is not None or self.value is not None


def _indicators(framework_ids) -> dict[int, list[Indicator]]:
    """Indicators (with their requirement) per framework, in framework order: one query."""
    by_framework = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(framework_id__in=set(framework_ids))
        .select_related("requirement")
        .order_by("requirement__number", "order", "code")
    ):
        by_framework[indicator.framework_id].append(indicator)
    return by_framework


def _answers(assessments, indicators: dict[int, list[Indicator]]) -> dict[int, dict[str, AnswerData]]:
    """Answers per assessment, keyed by indicator code, scored: one query."""
    by_id = {i.pk: i for group in indicators.values() for i in group}
    result = defaultdict(dict)
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments])
        .order_by()
        .values_list("pk", "assessment_id", "indicator_id", "level", "value", "justification")
    )
    for pk, assessment_id, indicator_id, level, value, justification in rows:
        indicator = by_id.get(indicator_id)
        if indicator is None:
            continue
        score = scoring.answer_score(selectors.indicator_input(indicator, level, value))
        result[assessment_id][indicator.code] = AnswerData(pk, level, value, justification, score)
    return result


@dataclass
class RequirementResult:
    code: str
    number: int
    title: str
    result: scoring.RequirementScore


def _requirement_results(indicators: list[Indicator], answers: dict[str, AnswerData]):
    """Requirement scores from already loaded indicators and answers (no query)."""
    groups = defaultdict(list)
    for indicator in indicators:
        groups[indicator.requirement_id].append(indicator)
    results = []
    for group in groups.values():
        requirement = group[0].requirement
        items = []
        for indicator in group:
            given = answers.get(indicator.code)
            items.append(
                selectors.indicator_input(
                    indicator, given.level if given else None, given.value if given else None
                )
            )
        results.append(
            RequirementResult(
                requirement.code, requirement.number, requirement.t_title, scoring.requirement_score(items)
            )
        )
    return results


def answer_display(indicator: Indicator, data: AnswerData | None) -> str:
    """An answer as a reader says it: "Level 3", "45 days", or "Not answered"."""
    if data is None or not data.answered:
        return _("Not answered")
    if data.level is not None:
        return _("Level %(level)s") % {"level": data.level}
    return f"{number_format(data.value, decimal_pos=None)} {indicator.t_unit}".strip()


# Side by side ----------------------------------------------------------------------------------

MIN_SIDE, MAX_SIDE = 2, 4


@dataclass
class SideCell:
    nation: Nation
    display: str
    data: AnswerData | None

    @property
    def score(self):
        return self.data.score if self.data else None

    @property
    def band(self):
        return level_band(self.score)


@dataclass
class SideRow:
    indicator: Indicator
    cells: list[SideCell]
    differs: bool


@dataclass
class SideRequirement:
    requirement: Requirement
    scores: list[float | None]
    indicators: list[SideRow] = field(default_factory=list)


@dataclass
class SideBySide:
    cycle: Cycle
    nations: list[Nation]
    missing: list[Nation]  # chosen nations with nothing submitted or accepted in this cycle
    requirements: list[SideRequirement]
    common_cycles: list[Cycle]  # cycles where every chosen nation has a compared assessment


def side_by_side(cycle: Cycle | None, nations: list[Nation], cycles: list[Cycle]) -> SideBySide:
    """Two to four nations indicator by indicator in one cycle, with the indicators whose scores
    are a level or more apart marked `differs`. Without a cycle, the newest one in which every
    chosen nation has a submitted or accepted assessment (`cycles` are newest first). Three
    queries (these nations' assessments in every cycle, indicators, answers)."""
    all_compared = list(compared_assessments().filter(nation__in=nations))
    cycles_of = defaultdict(set)
    for a in all_compared:
        cycles_of[a.cycle_id].add(a.nation_id)
    wanted = {n.pk for n in nations}
    common = [c for c in cycles if cycles_of.get(c.pk) == wanted]
    if cycle is None:
        cycle = common[0] if common else default_cycle(cycles)
    here = {a.nation_id: a for a in all_compared if a.cycle_id == cycle.pk}
    present = [n for n in nations if n.pk in here]
    missing = [n for n in nations if n.pk not in here]
    indicators = _indicators([cycle.framework_id])[cycle.framework_id]
    answers = _answers(list(here.values()), {cycle.framework_id: indicators})
    by_requirement: dict[int, SideRequirement] = {}
    results = {
        n.pk: {r.code: r for r in _requirement_results(indicators, answers[here[n.pk].pk])} for n in present
    }
    for indicator in indicators:
        requirement = indicator.requirement
        if requirement.pk not in by_requirement:
            by_requirement[requirement.pk] = SideRequirement(
                requirement, [results[n.pk][requirement.code].result.score for n in present]
            )
        cells = []
        for nation in present:
            data = answers[here[nation.pk].pk].get(indicator.code)
            cells.append(SideCell(nation, answer_display(indicator, data), data))
        scores = [c.score for c in cells if c.score is not None]
        differs = len(scores) >= 2 and max(scores) - min(scores) >= DIFFERENCE
        by_requirement[requirement.pk].indicators.append(SideRow(indicator, cells, differs))
    return SideBySide(cycle, present, missing, list(by_requirement.values()), common)


def nation_cycles(nation: Nation) -> list[int]:
    """Ids of the cycles in which a nation has a submitted or accepted assessment, newest first."""
    return list(
        compared_assessments()
        .filter(nation=nation)
        .order_by("-cycle__opens_on")
        .values_list("cycle_id", flat=True)
    )


# One nation over cycles -----------------------------------------------------------------------


@dataclass
class Change:
    """An indicator whose answer changed between two consecutive compared cycles."""

    code: str
    question: str
    old_cycle: Cycle
    new_cycle: Cycle
    old_display: str
    new_display: str
    old: AnswerData
    new: AnswerData

    @property
    def direction(self) -> str:
        if self.old.score is None or self.new.score is None or self.old.score == self.new.score:
            return "changed"
        return "up" if self.new.score > self.old.score else "down"


@dataclass
class Unmatched:
    code: str
    question: str
    cycle: Cycle
    other_cycle: Cycle
    only_in: str  # "new": only in the later cycle's framework; "removed": only in the earlier one


@dataclass
class TrendSeries:
    code: str
    title: str
    scores: list[float | None]  # one per cycle, None when not answered or not in that framework


@dataclass
class Trend:
    nation: Nation
    cycles: list[Cycle]
    requirements: list[TrendSeries]
    overall: list[float | None]
    changes: list[Change]
    unmatched: list[Unmatched]


def nation_trend(nation: Nation) -> Trend:
    """A nation's submitted and accepted assessments over cycles: requirement and overall scores
    per cycle (requirements matched by code), and between consecutive cycles the indicators whose
    answer changed, with both justifications, and those that match nothing. Three queries."""
    assessments = list(compared_assessments().filter(nation=nation).order_by("cycle__opens_on"))
    indicators = _indicators(a.cycle.framework_id for a in assessments)
    answers = _answers(assessments, indicators)
    cycles = [a.cycle for a in assessments]
    per_cycle = []
    for a in assessments:
        results = _requirement_results(indicators[a.cycle.framework_id], answers[a.pk])
        per_cycle.append({r.code: r for r in results})
    codes = []
    titles = {}
    for results in per_cycle:
        for r in sorted(results.values(), key=lambda r: r.number):
            if r.code not in titles:
                codes.append(r.code)
            titles[r.code] = r.title
    series = [
        TrendSeries(
            code, titles[code], [res[code].result.score if code in res else None for res in per_cycle]
        )
        for code in codes
    ]
    overall = [scoring.overall_score(r.result.score for r in res.values()) for res in per_cycle]

    changes, unmatched = [], []
    for before, after in zip(assessments, assessments[1:], strict=False):
        old_inds = {i.code: i for i in indicators[before.cycle.framework_id]}
        new_inds = {i.code: i for i in indicators[after.cycle.framework_id]}
        old_ans, new_ans = answers[before.pk], answers[after.pk]
        for code, new_i, old_i in scoring.match_by_code(new_inds, old_inds):
            if new_i is None or old_i is None:
                indicator = new_i or old_i
                unmatched.append(
                    Unmatched(
                        code,
                        indicator.t_question,
                        after.cycle if new_i else before.cycle,
                        before.cycle if new_i else after.cycle,
                        "new" if new_i else "removed",
                    )
                )
                continue
            old, new = old_ans.get(code), new_ans.get(code)
            if old is None or new is None or (old.level, old.value) == (new.level, new.value):
                continue
            changes.append(
                Change(
                    code,
                    new_i.t_question,
                    before.cycle,
                    after.cycle,
                    answer_display(old_i, old),
                    answer_display(new_i, new),
                    old,
                    new,
                )
            )
    return Trend(nation, cycles, series, overall, changes, unmatched)


# Two cycles of one nation ---------------------------------------------------------------------


@dataclass
class DiffItem:
    code: str
    question: str
    requirement_code: str
    old_display: str
    new_display: str
    old_score: float | None
    new_score: float | None
    note: str = ""

    @property
    def delta(self) -> float | None:
        return scoring.trend(self.new_score, self.old_score)


@dataclass
class Diff:
    nation: Nation
    old_cycle: Cycle
    new_cycle: Cycle
    old: Assessment | None
    new: Assessment | None
    requirements: list[tuple[str, str, float | None, float | None, float | None]]  # code, title, old, new, Δ
    up: list[DiffItem] = field(default_factory=list)
    down: list[DiffItem] = field(default_factory=list)
    new_items: list[DiffItem] = field(default_factory=list)
    removed: list[DiffItem] = field(default_factory=list)
    unchanged: int = 0

    @property
    def complete(self) -> bool:
        return self.old is not None and self.new is not None


def cycle_diff(nation: Nation, old_cycle: Cycle, new_cycle: Cycle) -> Diff:
    """One nation's change between two cycles, indicator by indicator, matched by code: what
    went up, what went down, what is new (in the later framework only, or answered only now) and
    what is gone. Three queries."""
    found = {
        a.cycle_id: a
        for a in compared_assessments().filter(nation=nation, cycle__in=[old_cycle.pk, new_cycle.pk])
    }
    old, new = found.get(old_cycle.pk), found.get(new_cycle.pk)
    diff = Diff(nation, old_cycle, new_cycle, old, new, [])
    if old is None or new is None:
        return diff
    indicators = _indicators([old_cycle.framework_id, new_cycle.framework_id])
    answers = _answers([old, new], indicators)
    old_inds = {i.code: i for i in indicators[old_cycle.framework_id]}
    new_inds = {i.code: i for i in indicators[new_cycle.framework_id]}
    old_req = {r.code: r for r in _requirement_results(indicators[old_cycle.framework_id], answers[old.pk])}
    new_req = {r.code: r for r in _requirement_results(indicators[new_cycle.framework_id], answers[new.pk])}
    for code, new_r, old_r in scoring.match_by_code(new_req, old_req):
        title = (new_r or old_r).title
        old_s = old_r.result.score if old_r else None
        new_s = new_r.result.score if new_r else None
        diff.requirements.append((code, title, old_s, new_s, scoring.trend(new_s, old_s)))
    for code, new_i, old_i in scoring.match_by_code(new_inds, old_inds):
        indicator = new_i or old_i
        old_a = answers[old.pk].get(code) if old_i else None
        new_a = answers[new.pk].get(code) if new_i else None
        item = DiffItem(
            code,
            indicator.t_question,
            indicator.requirement.code,
            answer_display(old_i, old_a)
            if old_i
            else _("Not in the %(cycle)s framework") % {"cycle": old_cycle},
            answer_display(new_i, new_a)
            if new_i
            else _("Not in the %(cycle)s framework") % {"cycle": new_cycle},
            old_a.score if old_a else None,
            new_a.score if new_a else None,
        )
        if old_i is None:
            item.note = _("New indicator in the %(cycle)s framework") % {"cycle": new_cycle}
            diff.new_items.append(item)
        elif new_i is None:
            item.note = _("Not in the %(cycle)s framework") % {"cycle": new_cycle}
            diff.removed.append(item)
        elif item.old_score is None and item.new_score is not None:
            item.note = _("Answered for the first time")
            diff.new_items.append(item)
        elif item.old_score is not None and item.new_score is None:
            item.note = _("No longer answered")
            diff.removed.append(item)
        elif item.delta is None or item.delta == 0:
            diff.unchanged += 1
        elif item.delta > 0:
            diff.up.append(item)
        else:
            diff.down.append(item)
    diff.up.sort(key=lambda i: -i.delta)
    diff.down.sort(key=lambda i: i.delta)
    return diff


# The review of one assessment -----------------------------------------------------------------


@dataclass
class Thread:
    root: Comment
    replies: list[Comment]
    can_reply: bool = False


@dataclass
class ReviewItem:
    indicator: Indicator
    answer_pk: int | None
    level: int | None
    value: float | None
    justification: str
    confidence: str
    score: float | None
    descriptor: str
    display: str
    evidence: list  # Evidence objects, or dicts from a snapshot (no download)
    threads: list[Thread] = field(default_factory=list)

    @property
    def confidence_label(self) -> str:
        return dict(Answer.Confidence.choices).get(self.confidence, self.confidence)


@dataclass
class ReviewRequirement:
    requirement: Requirement
    result: scoring.RequirementScore
    items: list[ReviewItem]


@dataclass
class Review:
    assessment: Assessment
    requirements: list[ReviewRequirement]
    overall: float | None
    answered: int
    total: int
    threads: list[Thread]  # on the assessment as a whole
    from_snapshot: Submission | None  # set when a returned assessment shows its last submission

    @property
    def overall_level(self):
        return None if self.overall is None else scoring.score_to_level(self.overall)

    @property
    def open_queries(self) -> int:
        every = self.threads + [t for r in self.requirements for i in r.items for t in i.threads]
        return sum(1 for t in every if t.root.kind == Comment.Kind.QUERY and not t.root.resolved)


def threads_of(assessment: Assessment, *, include_notes: bool) -> dict[int | None, list[Thread]]:
    """Comment threads of an assessment keyed by answer id (None: the assessment as a whole),
    oldest first. One query."""
    comments = Comment.objects.filter(assessment=assessment).select_related(
        "author", "answer__indicator__requirement"
    )
    if not include_notes:
        comments = comments.filter(kind=Comment.Kind.QUERY)
    roots, replies = [], defaultdict(list)
    for comment in comments.order_by("created_at", "pk"):
        if comment.parent_id is None:
            roots.append(comment)
        else:
            replies[comment.parent_id].append(comment)
    result = defaultdict(list)
    for root in roots:
        result[root.answer_id].append(Thread(root, replies[root.pk]))
    return result


def review_of(assessment: Assessment) -> Review:
    """The read-only assessment for a reviewer: every indicator with its answer, the descriptor of
    the chosen level, justification, evidence and comment threads, and the scores. A returned
    assessment shows its last submission's snapshot, not the nation's edits since. Five queries,
    six for a returned assessment."""
    indicators = list(
        Indicator.objects.filter(framework_id=assessment.cycle.framework_id)
        .select_related("requirement")
        .prefetch_related("levels")
        .order_by("requirement__number", "order", "code")
    )
    answers = {
        a.indicator_id: a for a in Answer.objects.filter(assessment=assessment).prefetch_related("evidence")
    }
    snapshot, given = None, {}
    if assessment.status == Assessment.Status.RETURNED:
        snapshot = Submission.objects.filter(assessment=assessment).order_by("-number").first()
        if snapshot is not None:
            given = {row["indicator"]: row for row in snapshot.snapshot.get("answers", [])}
    threads = threads_of(assessment, include_notes=True)

    groups: dict[int, list[ReviewItem]] = defaultdict(list)
    requirements = {}
    for indicator in indicators:
        live = answers.get(indicator.pk)
        if snapshot is not None:
            row = given.get(indicator.code, {})
            level, value = row.get("level"), row.get("value")
            justification, confidence = row.get("justification", ""), row.get("confidence", "")
            evidence = row.get("evidence", [])
        elif live is not None:
            level, value, justification, confidence = (
                live.level,
                live.value,
                live.justification,
                live.confidence,
            )
            evidence = list(live.evidence.all())
        else:
            level = value = None
            justification = confidence = ""
            evidence = []
        score = scoring.answer_score(selectors.indicator_input(indicator, level, value))
        descriptor = ""
        if level is not None:
            descriptor = next((d.t_text for d in indicator.levels.all() if d.level == level), "")
        data = AnswerData(live.pk if live else None, level, value, justification, score)
        requirements[indicator.requirement_id] = indicator.requirement
        groups[indicator.requirement_id].append(
            ReviewItem(
                indicator=indicator,
                answer_pk=live.pk if live else None,
                level=level,
                value=value,
                justification=justification,
                confidence=confidence,
                score=score,
                descriptor=descriptor,
                display=answer_display(indicator, data),
                evidence=evidence,
                threads=threads.get(live.pk, []) if live else [],
            )
        )
    result = []
    for requirement_id, items in groups.items():
        inputs = [selectors.indicator_input(i.indicator, i.level, i.value) for i in items]
        result.append(
            ReviewRequirement(requirements[requirement_id], scoring.requirement_score(inputs), items)
        )
    overall = scoring.overall_score(r.result.score for r in result)
    return Review(
        assessment=assessment,
        requirements=result,
        overall=overall,
        answered=sum(r.result.answered for r in result),
        total=sum(r.result.total for r in result),
        threads=threads.get(None, []),
        from_snapshot=snapshot,
    )


@dataclass(frozen=True)
class Decision:
    status: str
    label: str
    at: object  # datetime
    by: object  # user or None
    reason: str


def decisions_of(assessment: Assessment) -> list[Decision]:
    """Every submit, return and acceptance of an assessment, oldest first, from its history (who
    and when). One query."""
    labels = dict(Assessment.Status.choices)
    records = (
        assessment.history.order_by("history_date", "history_id")
        .select_related("history_user")
        .only("status", "return_reason", "history_date", "submitted_at", "decided_at", "history_user")
    )
    decisions, previous = [], None
    for record in records:
        if record.status != previous and record.status in INBOX_STATUSES:
            when = record.submitted_at if record.status == Assessment.Status.SUBMITTED else record.decided_at
            reason = record.return_reason if record.status == Assessment.Status.RETURNED else ""
            decisions.append(
                Decision(
                    record.status,
                    labels[record.status],
                    when or record.history_date,
                    record.history_user,
                    reason,
                )
            )
        previous = record.status
    return decisions
