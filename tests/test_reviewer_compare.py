"""The compare pages: heatmap (nations x requirements, sortable), collective view, nations side by
side, one nation over cycles, two cycles of one nation. Only submitted and accepted assessments
appear; indicators are matched by code across framework versions."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments import comparisons, scoring, selectors
from assessments.models import Answer, Assessment, Cycle
from assessments.services import assessment_create
from baselines.models import Indicator
from baselines.services import framework_copy, framework_publish

from .reviewer_support import assessment_of, current_cycle, previous_cycle, submit

pytestmark = pytest.mark.django_db
SUBMITTED_NOW = ["LVA", "LTU", "FIN", "POL", "DNK", "NLD", "CAN", "DEU"]


def row_nations(body):
    """Nation names in the order of the heatmap's rows."""
    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="/review/\d+/">([^<]+)</a>', tbody)


def test_heatmap_shows_each_submitted_nation_with_its_scores_and_no_draft(reviewer):
    cycle = current_cycle()
    response = reviewer.get(reverse("compare"), {"cycle": cycle.pk})

    body = response.content.decode()
    names = row_nations(body)
    assert sorted(names) == sorted(assessment_of(c).nation.name for c in SUBMITTED_NOW)
    assert "Estonia" not in names and "Norway" not in names
    lva = assessment_of("LVA")
    card = selectors.scorecard(lva)
    blr1 = card.requirements[0].result
    row = body[body.index(">Latvia</a>") :]
    row = row[: row.index("</tr>")]
    assert f'>{blr1.score:.0f}<span class="heat-level">{blr1.level}</span>' in row
    assert f"heat-{int(blr1.level)}" in row
    assert f"<strong>{card.overall:.0f}</strong>" in row
    assert 'class="heat-legend"' in body
    for label in ("Compare", "Export XLSX", "Export CSV"):
        assert f">{label}<" in body


def test_heatmap_sorts_by_any_column_server_side(reviewer):
    cycle = current_cycle()
    scores = {
        a.nation.name: selectors.scorecard(a).by_number()[3].result.score
        for a in Assessment.objects.filter(cycle=cycle, status="submitted").select_related("nation", "cycle")
    }

    body = reviewer.get(
        reverse("compare"), {"cycle": cycle.pk, "sort": "BLR-3", "dir": "desc"}
    ).content.decode()

    assert row_nations(body) == sorted(scores, key=lambda n: -scores[n])
    assert 'aria-sort="descending"' in body
    ascending = reviewer.get(reverse("compare"), {"cycle": cycle.pk, "sort": "BLR-3", "dir": "asc"})
    assert row_nations(ascending.content.decode()) == sorted(scores, key=lambda n: scores[n])
    unknown = reviewer.get(reverse("compare"), {"cycle": cycle.pk, "sort": "password"})
    assert row_nations(unknown.content.decode()) == sorted(scores)


def test_heatmap_leaves_out_returned_assessments(reviewer):
    lva = assessment_of("LVA")
    reviewer.post(reverse("review_return", args=[lva.pk]), {"reason": "Incomplete."})

    body = reviewer.get(reverse("compare"), {"cycle": lva.cycle_id}).content.decode()

    assert "Latvia" not in row_nations(body)


def test_heatmap_bad_cycle_falls_back_with_a_message(reviewer):
    response = reviewer.get(reverse("compare"), {"cycle": "99999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_collective_view_gives_quartiles_share_and_the_weakest_requirement(reviewer):
    cycle = previous_cycle()
    m = comparisons.matrix(cycle)
    expected = [scoring.collective(m.scores_of(i), 4) for i in range(7)]
    weakest = min(range(7), key=lambda i: expected[i].median)

    response = reviewer.get(reverse("compare_collective"), {"cycle": cycle.pk, "level": 4})

    body = response.content.decode()
    assert response.status_code == 200
    rows = body[body.index("<tbody>") : body.index("</tbody>")].split("</tr>")
    for spread, row in zip(expected, rows, strict=False):
        assert f">{spread.median:.1f}<" in row
        assert f">{round(spread.share_at_or_above * 100)}%<" in row
    assert f"weakest in <strong>{m.requirements[weakest].code}" in body
    assert "Data of the chart" in body
    assert re.search(r'<svg [^>]*xmlns="http://www.w3.org/2000/svg"', body)  # drawable: no "ns0:svg"
    assert "ns0:" not in body
    assert "At or above level 4" in body


def test_collective_view_refuses_a_level_out_of_range(reviewer):
    response = reviewer.get(reverse("compare_collective"), {"level": "9"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_side_by_side_compares_estonia_and_norway_in_their_latest_common_cycle(reviewer):
    response = reviewer.get(reverse("compare_side_by_side"), {"nation_1": "EST", "nation_2": "NOR"})

    body = response.content.decode()
    cycle = previous_cycle()  # the current cycle holds their drafts, which reviewers never see
    assert f"Side by side, {cycle.name}" in body
    for code in Indicator.objects.filter(framework_id=cycle.framework_id).values_list("code", flat=True):
        assert code in body
    est = assessment_of("EST", cycle)
    nor = assessment_of("NOR", cycle)
    est_answers = {a.indicator.code: a for a in est.answers.select_related("indicator")}
    nor_answers = {a.indicator.code: a for a in nor.answers.select_related("indicator")}
    far_apart = [
        code
        for code, a in est_answers.items()
        if a.level is not None
        and nor_answers[code].level is not None
        and abs(a.level - nor_answers[code].level) >= 1
    ]
    assert body.count('<tr class="differs">') >= len(far_apart)


def test_side_by_side_says_who_has_nothing_in_the_chosen_cycle(reviewer, est_current):
    marker = "Draft text never shown to reviewers"
    Answer.objects.filter(assessment=est_current).update(justification=marker)

    response = reviewer.get(
        reverse("compare_side_by_side"), {"nation_1": "EST", "nation_2": "LVA", "cycle": current_cycle().pk}
    )

    body = response.content.decode()
    assert "No submitted or accepted assessment in" in body and "Estonia" in body
    assert marker not in body
    assert f"cycle={previous_cycle().pk}" in body  # a link to a cycle where both have one


@pytest.mark.parametrize(
    "params, message",
    [
        ({"nation_1": "EST"}, "Choose at least two nations."),
        ({"nation_1": "EST", "nation_2": "EST"}, "Choose different nations."),
        ({"nation_1": "EST", "nation_2": "ZZZ"}, "Select a valid choice"),
    ],
)
def test_side_by_side_bad_choices_get_a_message(reviewer, params, message):
    response = reviewer.get(reverse("compare_side_by_side"), params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_trend_shows_scores_per_cycle_and_changed_answers_with_both_justifications(reviewer, est_current):
    previous = assessment_of("EST", previous_cycle())
    old = previous.answers.filter(level__isnull=False).select_related("indicator").first()
    Answer.objects.filter(assessment=est_current, indicator=old.indicator).update(
        level=(old.level + 1) % 6, justification="New exercise, new level."
    )
    submit(est_current)

    response = reviewer.get(reverse("compare_trend"), {"nation": "EST"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert previous_cycle().name in body and current_cycle().name in body
    changes = body[body.index("Indicators whose answer changed") :]
    row = changes[changes.index(old.indicator.code) :]
    row = row[: row.index("</tr>")]
    assert f"Level {old.level}" in row and f"Level {(old.level + 1) % 6}" in row
    assert old.justification in row and "New exercise, new level." in row


def test_trend_never_shows_a_draft(reviewer, est_current):
    Answer.objects.filter(assessment=est_current).update(justification="Draft, not for reviewers")

    body = reviewer.get(reverse("compare_trend"), {"nation": "EST"}).content.decode()

    assert "Draft, not for reviewers" not in body
    assert f">{current_cycle().name}<" not in body


@pytest.fixture
def revised_cycle(db):
    """A later cycle on a revised framework: BLR-2.1 renamed BLR-2.9 (so unmatched both ways);
    Estonia answers as before except two levels of difference on BLR-3's maturity indicators."""
    old = previous_cycle().framework
    draft = framework_copy(framework=old)
    indicator = Indicator.objects.get(framework=draft, code="BLR-2.1")
    indicator.code = "BLR-2.9"
    indicator.save()
    framework = framework_publish(framework=draft)
    start = current_cycle().closes_on + datetime.timedelta(days=200)
    cycle = Cycle.objects.create(
        name="2099",
        framework=framework,
        opens_on=start,
        due_on=start + datetime.timedelta(days=100),
        closes_on=start + datetime.timedelta(days=150),
    )
    est = assessment_create(nation=assessment_of("EST", previous_cycle()).nation, cycle=cycle)
    before = {
        a.indicator.code: a
        for a in assessment_of("EST", previous_cycle()).answers.select_related("indicator")
    }
    for answer in est.answers.select_related("indicator__requirement"):
        given = before.get(answer.indicator.code)
        if given is not None:
            answer.level, answer.value, answer.justification = given.level, given.value, given.justification
            if answer.indicator.requirement.number == 3 and answer.level is not None:
                answer.level = min(5, answer.level + 2) if answer.level < 4 else answer.level - 2
        else:
            answer.level = 3 if answer.indicator.is_maturity else None
            answer.value = None if answer.indicator.is_maturity else answer.indicator.target
        answer.save()
    submit(est)
    return cycle


def test_diff_matches_indicators_by_code_across_framework_versions(reviewer, revised_cycle):
    response = reviewer.get(
        reverse("compare_diff"), {"nation": "EST", "old": previous_cycle().pk, "new": revised_cycle.pk}
    )

    body = response.content.decode()
    assert response.status_code == 200
    new = body[body.index('id="diff-new"') : body.index('id="diff-removed"')]
    removed = body[body.index('id="diff-removed"') :]
    assert "BLR-2.9" in new and "New indicator in the 2099 framework" in new
    assert "BLR-2.1" in removed and "Not in the 2099 framework" in removed
    moved = body[body.index('id="diff-up"') : body.index('id="diff-new"')]
    assert "BLR-3." in moved
    assert "indicators are unchanged" in body


def test_diff_defaults_to_the_two_latest_cycles_and_explains_when_there_is_one(reviewer, revised_cycle):
    body = reviewer.get(reverse("compare_diff"), {"nation": "EST"}).content.decode()
    assert f"Estonia: {previous_cycle().name} to 2099" in body

    lone = reviewer.get(reverse("compare_diff"), {"nation": "NOR"}).content.decode()
    assert "no earlier submitted or accepted assessment" in lone


def test_trend_lists_indicators_that_match_nothing(reviewer, revised_cycle):
    body = reviewer.get(reverse("compare_trend"), {"nation": "EST"}).content.decode()
    unmatched = body[body.index("Indicators that cannot be compared") :]
    assert "BLR-2.9" in unmatched and "BLR-2.1" in unmatched


def test_diff_of_the_same_cycle_twice_is_refused(reviewer):
    cycle = previous_cycle()
    response = reviewer.get(reverse("compare_diff"), {"nation": "EST", "old": cycle.pk, "new": cycle.pk})
    assert "Choose two different cycles." in response.content.decode()


def test_alliance_report_is_requested_from_the_heatmap(reviewer):
    body = reviewer.get(reverse("compare")).content.decode()
    assert f'action="{reverse("alliance_report_request")}"' in body
    assert ">Prepare the alliance PDF report</button>" in body
