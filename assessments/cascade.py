"""Cascading failures: pure functions on plain values, no database (beside `scoring`).

Requirement A depends on requirement B with a strength s in 0–1 (the framework's Dependency
records). A cannot be more resilient than what it leans on allows, so its *effective* score is

    effective(A) = min(own(A), min over B of [100 − s(A,B) × (100 − effective(B))])

A dependency of strength 0 never caps; a dependency of strength 1 caps A at B's effective score;
in between, B's shortfall from 100 is passed on in proportion to the strength.

Requirements without a score (nothing answered yet, `None`) neither cap nor are capped: their
effective score is `None` and they are left out of every minimum. Treating an unknown as 0 would
raise alarms nobody can act on; treating it as 100 would be the same as leaving it out.

Computing it: start from the own scores and apply the formula repeatedly (in a fixed order, using
the newest values) until nothing changes. Every step can only lower a value (the formula takes a
minimum with the own score, and `100 − s × (100 − x)` rises with x), and no value goes below 0, so
the sequence settles on the largest solution. It settles fast: the cap passed along a cycle of
the graph is never below where the cycle started (`100 − s × (100 − x) ≥ x`), so only paths
without repeated requirements matter, and with n requirements n passes reach every such path; one
more pass confirms nothing moves. `MAX_PASSES_OVER_N` bounds the loop anyway, and a change
smaller than `EPSILON` is not a change, so float rounding cannot keep it creeping.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .scoring import clamp, score_to_level

EPSILON = 1e-9
MAX_PASSES_OVER_N = 2  # defensive bound: n + 2 passes; theory needs at most n + 1

Dependencies = Iterable[tuple[str, str, float]]  # (dependent code, depends-on code, strength)


@dataclass(frozen=True)
class Effective:
    """One requirement's own score, its dependency-adjusted score, and the requirement that caps it
    (None when nothing does, i.e. effective == own, or when it has no score)."""

    own: float | None
    effective: float | None
    limited_by: str | None = None

    @property
    def loss(self) -> float:
        """Points lost to dependencies (0 when not capped or not scored)."""
        if self.own is None or self.effective is None:
            return 0.0
        return max(0.0, self.own - self.effective)

    @property
    def own_level(self) -> float | None:
        return None if self.own is None else score_to_level(self.own)

    @property
    def effective_level(self) -> float | None:
        return None if self.effective is None else score_to_level(self.effective)


def passed_on(strength: float, supplier_effective: float) -> float:
    """The cap a dependency of `strength` on a supplier at `supplier_effective` puts on its dependent."""
    return 100.0 - strength * (100.0 - supplier_effective)


def _graph(codes: Iterable[str], dependencies: Dependencies) -> dict[str, list[tuple[str, float]]]:
    known = set(codes)
    graph: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for dependent, depends_on, strength in dependencies:
        strength = float(strength)
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength of {dependent} on {depends_on} must be 0 to 1, not {strength}")
        # Dependencies on requirements the scores do not mention, or on itself, change nothing.
        if dependent in known and depends_on in known and dependent != depends_on:
            graph[dependent].append((depends_on, strength))
    return graph


def _cap(own: float, edges, values: Mapping[str, float | None]) -> tuple[float, str | None]:
    """The lowest of the own score and every dependency's cap, and the dependency giving it."""
    best, by = own, None
    for depends_on, strength in sorted(edges):
        supplier = values.get(depends_on)
        if supplier is None:
            continue
        cap = passed_on(strength, supplier)
        if cap < best - EPSILON:
            best, by = cap, depends_on
    return clamp(best), by


def solve(own: Mapping[str, float | None], dependencies: Dependencies) -> tuple[dict[str, Effective], int]:
    """The effective scores and how many passes it took to be sure they are settled.
    Raises RuntimeError if they do not settle within n + 2 passes (they always do)."""
    codes = sorted(own)
    graph = _graph(codes, dependencies)
    values: dict[str, float | None] = {c: (None if own[c] is None else clamp(float(own[c]))) for c in codes}
    passes = 0
    limit = len(codes) + MAX_PASSES_OVER_N
    while True:
        passes += 1
        changed = False
        for code in codes:
            if values[code] is None:
                continue
            new, _ = _cap(values[code], graph[code], values)
            if new < values[code] - EPSILON:
                values[code] = new
                changed = True
        if not changed:
            break
        if passes >= limit:
            raise RuntimeError("effective scores did not settle")  # pragma: no cover
    result = {}
    for code in codes:
        if values[code] is None:
            result[code] = Effective(None, None, None)
            continue
        own_score = clamp(float(own[code]))
        _, by = _cap(own_score, graph[code], values)
        # Report the cap only when it really lowers the own score.
        limited = by if values[code] < own_score - EPSILON else None
        result[code] = Effective(own_score, values[code], limited)
    return result, passes


def effective_scores(own: Mapping[str, float | None], dependencies: Dependencies) -> dict[str, Effective]:
    """Each requirement's effective score given what it depends on (see the module docstring).
    `own` maps requirement codes to 0–100 scores or None; `dependencies` are (dependent code,
    depends-on code, strength 0–1). Dependencies naming codes missing from `own` are ignored."""
    return solve(own, dependencies)[0]


@dataclass(frozen=True)
class StressRow:
    """One requirement in a stress test: before and after the scenario, against a level."""

    code: str
    before: Effective
    after: Effective
    level: float  # the level checked against, 0–5
    overridden: bool  # the scenario set this requirement's own score

    @property
    def threshold(self) -> float:
        return self.level * 20.0

    @property
    def drop(self) -> float:
        """Points the effective score falls under the scenario (0 when it does not fall)."""
        if self.before.effective is None or self.after.effective is None:
            return 0.0
        return max(0.0, self.before.effective - self.after.effective)

    @property
    def below_after(self) -> bool:
        return self.after.effective_level is not None and self.after.effective_level < self.level

    @property
    def below_before(self) -> bool:
        return self.before.effective_level is not None and self.before.effective_level < self.level

    @property
    def newly_below(self) -> bool:
        return self.below_after and not self.below_before

    @property
    def shortfall(self) -> float:
        """Points the effective score lies under the chosen level after the scenario (0 if not below)."""
        if not self.below_after:
            return 0.0
        return max(0.0, self.threshold - self.after.effective)

    @property
    def shortfall_levels(self) -> float:
        if not self.below_after:
            return 0.0
        return round(self.level - self.after.effective_level, 1)


def stress(
    own: Mapping[str, float | None],
    dependencies: Dependencies,
    overrides: Mapping[str, float],
    level: float,
) -> list[StressRow]:
    """What if: the requirements in `overrides` get those own scores (0–100) instead of theirs.
    Gives, per requirement in code order, the effective score before and after and whether it is
    below `level` (0–5, compared as displayed: a level with one decimal)."""
    dependencies = list(dependencies)
    unknown = set(overrides) - set(own)
    if unknown:
        raise ValueError(f"unknown requirements: {', '.join(sorted(unknown))}")
    before = effective_scores(own, dependencies)
    changed = {**own, **{code: clamp(float(score)) for code, score in overrides.items()}}
    after = effective_scores(changed, dependencies)
    return [
        StressRow(code, before[code], after[code], float(level), code in overrides) for code in sorted(own)
    ]
