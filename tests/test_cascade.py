"""Dependency-adjusted (effective) scores: properties of the pure cascade module."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import cascade
from assessments.cascade import effective_scores, solve, stress

CODES = [f"BLR-{n}" for n in range(1, 8)]
TOLERANCE = 1e-6

scores = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))
all_scored = st.fixed_dictionaries({c: st.floats(min_value=0, max_value=100) for c in CODES})
some_scored = st.fixed_dictionaries({c: scores for c in CODES})
strengths = st.floats(min_value=0, max_value=1)
graphs = st.dictionaries(
    st.tuples(st.sampled_from(CODES), st.sampled_from(CODES)).filter(lambda p: p[0] != p[1]),
    strengths,
    max_size=42,
)


def edges(graph):
    return [(a, b, s) for (a, b), s in graph.items()]


def effective(own, graph):
    return {c: e.effective for c, e in effective_scores(own, edges(graph)).items()}


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        code = todo.pop()
        for (a, b), _ in graph.items():
            if a == code and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


@given(some_scored, graphs)
def test_never_above_own_and_never_below_zero(own, graph):
    for code, result in effective_scores(own, edges(graph)).items():
        if own[code] is None:
            assert result.effective is None
        else:
            assert 0 <= result.effective <= own[code] + TOLERANCE


@given(some_scored, graphs)
def test_is_a_fixed_point_of_the_formula(own, graph):
    result = effective(own, graph)
    for code in CODES:
        if own[code] is None:
            continue
        caps = [
            100 - s * (100 - result[b]) for (a, b), s in graph.items() if a == code and result[b] is not None
        ]
        assert result[code] == pytest.approx(min([own[code], *caps]), abs=TOLERANCE)


@given(all_scored, graphs)
def test_equal_to_own_when_nothing_it_depends_on_is_weaker(own, graph):
    for code in CODES:
        if all(own[other] >= own[code] for other in reachable(graph, code)):
            assert effective(own, graph)[code] == pytest.approx(own[code], abs=TOLERANCE)
            assert effective_scores(own, edges(graph))[code].limited_by is None


@given(some_scored)
def test_no_dependencies_or_zero_strengths_change_nothing(own):
    assert effective(own, {}) == own
    zero = {(a, b): 0.0 for a in CODES for b in CODES if a != b}
    for code, result in effective_scores(own, edges(zero)).items():
        assert result.effective == own[code]
        assert result.limited_by is None


@given(some_scored, graphs, st.data())
def test_monotone_when_a_strength_rises(own, graph, data):
    if not graph:
        return
    pair = data.draw(st.sampled_from(sorted(graph)))
    stronger = {**graph, pair: data.draw(st.floats(min_value=graph[pair], max_value=1))}
    before, after = effective(own, graph), effective(own, stronger)
    for code in CODES:
        if before[code] is not None:
            assert after[code] <= before[code] + TOLERANCE


@given(some_scored, graphs, st.data())
def test_monotone_when_an_own_score_falls(own, graph, data):
    code = data.draw(st.sampled_from([c for c in CODES if own[c] is not None] or [None]))
    if code is None:
        return
    lowered = {**own, code: data.draw(st.floats(min_value=0, max_value=own[code]))}
    before, after = effective(own, graph), effective(lowered, graph)
    for other in CODES:
        if before[other] is not None:
            assert after[other] <= before[other] + TOLERANCE


@given(some_scored, graphs)
def test_idempotent(own, graph):
    once = effective(own, graph)
    twice = effective(once, graph)
    for code in CODES:
        if once[code] is None:
            assert twice[code] is None
        else:
            assert twice[code] == pytest.approx(once[code], abs=TOLERANCE)


@settings(max_examples=200)
@given(some_scored, st.lists(strengths, min_size=42, max_size=42))
def test_terminates_on_complete_cyclic_graphs_within_n_plus_one_passes(own, values):
    # Every ordered pair depends on the other: the graph is full of cycles.
    pairs = [(a, b) for a in CODES for b in CODES if a != b]
    graph = dict(zip(pairs, values, strict=True))
    result, passes = solve(own, edges(graph))
    assert passes <= len(CODES) + 1
    assert set(result) == set(CODES)


def test_a_chain_settles_however_it_is_ordered():
    # BLR-1 depends on BLR-2, on BLR-3 ... on BLR-7, listed so that the order of computing is
    # the worst one: the weakness at the far end needs to travel six edges.
    chain = [(CODES[i], CODES[i + 1], 1.0) for i in range(6)]
    own = {c: 100.0 for c in CODES} | {"BLR-7": 10.0}
    result, passes = solve(own, chain)
    assert all(result[c].effective == 10.0 for c in CODES)
    assert passes <= len(CODES) + 1
    assert result["BLR-1"].limited_by == "BLR-2"
    assert result["BLR-7"].limited_by is None


def test_cycle_of_full_strength_keeps_the_lowest():
    own = {"BLR-1": 80.0, "BLR-2": 30.0, "BLR-3": 55.0}
    deps = [("BLR-1", "BLR-2", 1.0), ("BLR-2", "BLR-3", 1.0), ("BLR-3", "BLR-1", 1.0)]
    result = effective_scores(own, deps)
    assert {c: r.effective for c, r in result.items()} == {"BLR-1": 30.0, "BLR-2": 30.0, "BLR-3": 30.0}
    assert result["BLR-2"].limited_by is None


def test_the_formula_on_energy_and_communications():
    # Communications (100) depend on energy (60) at 0.9: capped at 100 - 0.9 x 40 = 64.
    result = effective_scores({"BLR-2": 60.0, "BLR-6": 100.0}, [("BLR-6", "BLR-2", 0.9)])
    assert result["BLR-6"].effective == pytest.approx(64.0)
    assert result["BLR-6"].limited_by == "BLR-2"
    assert result["BLR-6"].loss == pytest.approx(36.0)
    assert result["BLR-2"].effective == 60.0
    assert result["BLR-2"].limited_by is None


def test_limited_by_names_the_weakest_cap():
    own = {"BLR-5": 90.0, "BLR-2": 50.0, "BLR-4": 20.0}
    # Caps: via energy 100 - 0.8 x 50 = 60; via water 100 - 0.6 x 80 = 52.
    result = effective_scores(own, [("BLR-5", "BLR-2", 0.8), ("BLR-5", "BLR-4", 0.6)])
    assert result["BLR-5"].effective == pytest.approx(52.0)
    assert result["BLR-5"].limited_by == "BLR-4"


def test_unscored_requirements_neither_cap_nor_are_capped():
    own = {"BLR-2": None, "BLR-6": 90.0, "BLR-1": None}
    deps = [("BLR-6", "BLR-2", 1.0), ("BLR-1", "BLR-6", 1.0)]
    result = effective_scores(own, deps)
    assert result["BLR-6"] == cascade.Effective(90.0, 90.0, None)
    assert result["BLR-2"] == cascade.Effective(None, None, None)
    assert result["BLR-1"].effective is None
    assert result["BLR-1"].loss == 0.0


def test_dependencies_on_unknown_codes_are_ignored_and_bad_strengths_refused():
    assert effective_scores({"BLR-1": 50.0}, [("BLR-1", "BLR-9", 1.0)])["BLR-1"].effective == 50.0
    with pytest.raises(ValueError, match="0 to 1"):
        effective_scores({"BLR-1": 50.0, "BLR-2": 10.0}, [("BLR-1", "BLR-2", 1.5)])


def test_stress_reports_before_after_and_shortfall_against_the_level():
    own = {"BLR-2": 60.0, "BLR-6": 100.0, "BLR-3": 40.0}
    rows = {r.code: r for r in stress(own, [("BLR-6", "BLR-2", 0.9)], {"BLR-2": 20.0}, level=3)}
    communications = rows["BLR-6"]
    assert communications.before.effective == pytest.approx(64.0)
    assert communications.after.effective == pytest.approx(28.0)
    assert communications.drop == pytest.approx(36.0)
    assert communications.below_after and communications.newly_below
    assert communications.shortfall == pytest.approx(32.0)
    assert communications.shortfall_levels == pytest.approx(1.6)
    assert not communications.overridden and rows["BLR-2"].overridden
    # Below the level already, and untouched by the scenario.
    assert rows["BLR-3"].below_before and rows["BLR-3"].below_after and not rows["BLR-3"].newly_below
    assert rows["BLR-3"].drop == 0.0


def test_stress_refuses_unknown_requirements():
    with pytest.raises(ValueError, match="BLR-9"):
        stress({"BLR-1": 50.0}, [], {"BLR-9": 10.0}, level=3)
