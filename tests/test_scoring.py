"""Properties of the scoring module (DESIGN section 4): bounded, monotone the right way, weights
respected, missing answers left out and counted as incompleteness, collective statistics ordered."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import IndicatorInput

EPS = 1e-9
# The suite runs beside others on busy machines: no timing-based failures, only property ones.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
levels = st.integers(min_value=0, max_value=5)
weights = st.floats(min_value=0.01, max_value=99.99, allow_nan=False)


@st.composite
def bounds(draw):
    """A threshold and a target that differ (either order: lower or higher is better)."""
    threshold = draw(finite)
    target = draw(finite)
    assume(abs(target - threshold) > 1e-3)
    return threshold, target


@st.composite
def items(draw, answered=None):
    """An indicator with its answer, answered or not."""
    weight = draw(weights)
    is_answered = draw(st.booleans()) if answered is None else answered
    if draw(st.booleans()):
        level = draw(levels) if is_answered else None
        return IndicatorInput(
            code=draw(st.text(min_size=1, max_size=5)), weight=weight, kind="maturity", level=level
        )
    threshold, target = draw(bounds())
    value = draw(finite) if is_answered else None
    return IndicatorInput(
        code=draw(st.text(min_size=1, max_size=5)),
        weight=weight,
        kind="quantitative",
        value=value,
        threshold=threshold,
        target=target,
    )


def maturity(level, weight=1.0, code="X"):
    return IndicatorInput(code=code, weight=weight, kind="maturity", level=level)


# One answer ------------------------------------------------------------------------------------


@relaxed
@given(levels)
def test_a_maturity_level_scores_twenty_points_a_level(level):
    assert scoring.maturity_score(level) == level * 20
    assert 0 <= scoring.answer_score(maturity(level)) <= 100


@relaxed
@given(levels, levels)
def test_maturity_scores_are_monotone_in_the_level(a, b):
    if a <= b:
        assert scoring.maturity_score(a) <= scoring.maturity_score(b)


@pytest.mark.parametrize("level", [-1, 6, 100])
def test_a_level_outside_0_to_5_is_an_error(level):
    with pytest.raises(ValueError):
        scoring.maturity_score(level)


@relaxed
@given(finite, bounds())
def test_quantitative_scores_are_bounded(value, pair):
    threshold, target = pair
    assert 0 <= scoring.quantitative_score(value, threshold, target) <= 100


@relaxed
@given(finite, finite, bounds())
def test_quantitative_scores_move_with_the_value_in_the_right_direction(a, b, pair):
    threshold, target = pair
    low, high = sorted((a, b))
    score_low = scoring.quantitative_score(low, threshold, target)
    score_high = scoring.quantitative_score(high, threshold, target)
    if target > threshold:  # higher is better
        assert score_low <= score_high + EPS
    else:  # lower is better
        assert score_low + EPS >= score_high


@relaxed
@given(bounds())
def test_the_threshold_scores_0_and_the_target_100(pair):
    threshold, target = pair
    assert scoring.quantitative_score(threshold, threshold, target) == 0
    assert scoring.quantitative_score(target, threshold, target) == pytest.approx(100)
    # Beyond either end the score is clamped.
    beyond = target + (target - threshold)
    assert scoring.quantitative_score(beyond, threshold, target) == 100


def test_threshold_equal_to_target_is_an_error():
    with pytest.raises(ValueError):
        scoring.quantitative_score(5, 10, 10)


@relaxed
@given(items(answered=False))
def test_an_unanswered_indicator_has_no_score(item):
    assert scoring.answer_score(item) is None


# A requirement ---------------------------------------------------------------------------------


@relaxed
@given(st.lists(items(), max_size=12))
def test_a_requirement_score_is_bounded_and_counts_answered_and_total(group):
    result = scoring.requirement_score(group)
    answered = [i for i in group if i.answered]
    assert (result.answered, result.total) == (len(answered), len(group))
    if answered:
        assert 0 <= result.score <= 100
        scores = [scoring.answer_score(i) for i in answered]
        assert min(scores) - EPS <= result.score <= max(scores) + EPS
        assert 0 <= result.level <= 5
    else:
        assert result.score is None and result.level is None
    assert 0 <= result.completeness <= 1


@relaxed
@given(
    st.lists(items(answered=True), min_size=1, max_size=8),
    st.lists(items(answered=False), min_size=1, max_size=4),
)
def test_missing_answers_are_excluded_and_reported_as_incompleteness(answered, missing):
    alone = scoring.requirement_score(answered)
    together = scoring.requirement_score(answered + missing)
    assert together.score == pytest.approx(alone.score)
    assert together.answered == alone.answered and together.total == alone.total + len(missing)
    assert together.completeness < alone.completeness == 1


@relaxed
@given(st.lists(st.tuples(levels, weights), min_size=1, max_size=8))
def test_the_score_is_the_weighted_mean(pairs):
    group = [maturity(level, weight) for level, weight in pairs]
    expected = sum(level * 20 * weight for level, weight in pairs) / sum(weight for _, weight in pairs)
    assert scoring.requirement_score(group).score == pytest.approx(expected)


@relaxed
@given(st.lists(st.tuples(levels, weights), min_size=1, max_size=8), st.floats(min_value=0.1, max_value=10))
def test_scaling_every_weight_changes_nothing(pairs, factor):
    group = [maturity(level, weight) for level, weight in pairs]
    scaled = [maturity(level, weight * factor) for level, weight in pairs]
    assert scoring.requirement_score(scaled).score == pytest.approx(scoring.requirement_score(group).score)


@relaxed
@given(st.lists(st.tuples(levels, weights), min_size=1, max_size=6), levels, weights)
def test_more_weight_pulls_the_score_towards_that_answer(others, level, weight):
    rest = [maturity(lv, w) for lv, w in others]
    light = scoring.requirement_score([*rest, maturity(level, weight)]).score
    heavy = scoring.requirement_score([*rest, maturity(level, weight * 3)]).score
    target = level * 20
    # The heavier the weight, the closer the score comes to that answer's score.
    assert abs(heavy - target) <= abs(light - target) + EPS


@relaxed
@given(st.lists(levels, min_size=1, max_size=7), st.integers(min_value=0, max_value=6), levels)
def test_raising_one_level_never_lowers_the_requirement_score(group_levels, index, new_level):
    index %= len(group_levels)
    assume(new_level >= group_levels[index])
    before = scoring.requirement_score([maturity(lv) for lv in group_levels]).score
    raised = list(group_levels)
    raised[index] = new_level
    assert scoring.requirement_score([maturity(lv) for lv in raised]).score >= before - EPS


# Overall, levels, trends -----------------------------------------------------------------------


@relaxed
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), max_size=7))
def test_the_overall_score_is_the_mean_of_the_requirement_scores_present(scores):
    present = [s for s in scores if s is not None]
    result = scoring.overall_score(scores)
    if present:
        assert result == pytest.approx(sum(present) / len(present))
        assert 0 <= result <= 100
    else:
        assert result is None


@relaxed
@given(st.floats(min_value=-50, max_value=150), st.floats(min_value=-50, max_value=150))
def test_levels_are_0_to_5_with_one_decimal_and_monotone(a, b):
    for score in (a, b):
        level = scoring.score_to_level(score)
        assert 0 <= level <= 5 and round(level, 1) == level
    if a <= b:
        assert scoring.score_to_level(a) <= scoring.score_to_level(b)


@relaxed
@given(st.one_of(st.none(), finite), st.one_of(st.none(), finite))
def test_a_trend_needs_both_sides(current, previous):
    result = scoring.trend(current, previous)
    if current is None or previous is None:
        assert result is None
    else:
        assert result == pytest.approx(current - previous)
        assert scoring.trend(previous, current) == pytest.approx(-result)


@relaxed
@given(
    st.dictionaries(st.text(max_size=4), st.floats(0, 100), max_size=6),
    st.dictionaries(st.text(max_size=4), st.floats(0, 100), max_size=6),
)
def test_matching_by_code_keeps_every_code_once(current, previous):
    rows = scoring.match_by_code(current, previous)
    assert [code for code, _, _ in rows] == list(dict.fromkeys([*current, *previous]))
    for code, now, before in rows:
        assert now == current.get(code) and before == previous.get(code)


# The alliance ----------------------------------------------------------------------------------


@relaxed
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), max_size=40), levels)
def test_collective_quartiles_are_ordered(scores, at_level):
    spread = scoring.collective(scores, at_level=at_level)
    present = [s for s in scores if s is not None]
    assert spread.count == len(present)
    if not present:
        assert spread.median is None and spread.share_at_or_above is None
        return
    assert spread.minimum <= spread.q1 + EPS
    assert spread.q1 <= spread.median + EPS
    assert spread.median <= spread.q3 + EPS
    assert spread.q3 <= spread.maximum + EPS
    assert (spread.minimum, spread.maximum) == (min(present), max(present))
    assert 0 <= spread.share_at_or_above <= 1


@relaxed
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=40), levels, levels)
def test_the_share_at_or_above_a_level_falls_as_the_level_rises(scores, a, b):
    low, high = sorted((a, b))
    assert (
        scoring.collective(scores, low).share_at_or_above
        >= scoring.collective(scores, high).share_at_or_above
    )


def test_collective_of_one_nation():
    spread = scoring.collective([60.0, None])
    assert (spread.count, spread.minimum, spread.q1, spread.median, spread.q3) == (1, 60.0, 60.0, 60.0, 60.0)
    assert spread.share_at_or_above == 1 and not math.isnan(spread.maximum)
