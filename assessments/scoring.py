"""Scoring: pure functions on plain values, no database. Every page, report and export scores
through this module, so a number means the same everywhere (DESIGN section 4)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_LEVEL = 5
POINTS_PER_LEVEL = 100 / MAX_LEVEL


def clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def maturity_score(level: int) -> float:
    """A maturity level 0–5 scores level × 20."""
    if not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"level must be 0 to {MAX_LEVEL}, not {level}")
    return level * POINTS_PER_LEVEL


def quantitative_score(value: float, threshold: float, target: float) -> float:
    """Linear from the threshold (0) to the target (100), clamped to 0–100. The direction is
    implied by the two numbers: a target below the threshold means lower is better."""
    if threshold == target:
        raise ValueError("threshold and target must differ")
    return clamp((value - threshold) / (target - threshold) * 100)


def score_to_level(score: float) -> float:
    """A 0–100 score as a 0–5 level with one decimal."""
    return round(clamp(score) / POINTS_PER_LEVEL, 1)


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator and its answer, as scoring needs them."""

    code: str
    weight: float
    kind: str  # "maturity" or "quantitative"
    level: int | None = None
    value: float | None = None
    threshold: float | None = None
    target: float | None = None

    @property
    def answered(self) -> bool:
        return self.level is not None if self.kind == "maturity" else self.value is not None


def answer_score(item: IndicatorInput) -> float | None:
    """The 0–100 score of one answer, or None when it is not answered."""
    if not item.answered:
        return None
    if item.kind == "maturity":
        return maturity_score(item.level)
    if item.threshold is None or item.target is None:
        return None
    return quantitative_score(item.value, item.threshold, item.target)


@dataclass(frozen=True)
class RequirementScore:
    score: float | None  # None when nothing is answered
    answered: int
    total: int

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def level(self) -> float | None:
        return None if self.score is None else score_to_level(self.score)


def requirement_score(items: Sequence[IndicatorInput]) -> RequirementScore:
    """Weighted mean of the answered indicators; unanswered ones count only as incompleteness."""
    scored = [(answer_score(i), float(i.weight)) for i in items]
    scored = [(s, w) for s, w in scored if s is not None]
    total_weight = sum(w for _, w in scored)
    # Clamped: a weighted mean of scores within 0–100 can round to a hair above 100.
    score = clamp(sum(s * w for s, w in scored) / total_weight) if total_weight > 0 else None
    return RequirementScore(score=score, answered=len(scored), total=len(items))


def overall_score(requirement_scores: Iterable[float | None]) -> float | None:
    """Mean of the requirement scores that exist; None when no requirement has a score."""
    present = [s for s in requirement_scores if s is not None]
    return clamp(sum(present) / len(present)) if present else None


def trend(current: float | None, previous: float | None) -> float | None:
    """Change in points against the previous cycle; None when either side is missing."""
    if current is None or previous is None:
        return None
    return current - previous


@dataclass(frozen=True)
class Spread:
    count: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    share_at_or_above: float | None  # share of nations at or above the chosen level, 0–1


def collective(scores: Sequence[float | None], at_level: float = 3) -> Spread:
    """The alliance view of one requirement: quartiles, extremes and the share of nations whose
    level is at or above `at_level`. Nations without a score are left out."""
    values = sorted(s for s in scores if s is not None)
    if not values:
        return Spread(0, None, None, None, None, None, None)
    if len(values) == 1:
        q1 = median = q3 = values[0]
    else:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    at_or_above = sum(1 for v in values if score_to_level(v) >= at_level) / len(values)
    return Spread(len(values), values[0], q1, median, q3, values[-1], at_or_above)


def match_by_code(current: Mapping[str, float | None], previous: Mapping[str, float | None]):
    """Pairs of (code, current, previous) for indicators matched by code across framework
    versions; codes found on one side only come with None on the other."""
    codes = list(current) + [c for c in previous if c not in current]
    return [(code, current.get(code), previous.get(code)) for code in codes]
