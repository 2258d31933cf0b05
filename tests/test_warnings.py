"""Early warnings: score drops, hidden fragility, goals off track, overdue actions and missing
evidence, each with a link to where to act, in a fixed number of queries."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Answer, Assessment, Evidence, ImplementationPlan, NationalGoal, PlanAction
from assessments.warnings import (
    ACTION_OVERDUE,
    EVIDENCE_MISSING,
    FRAGILITY,
    GOAL_OFF_TRACK,
    SCORE_DROP,
    early_warnings,
)

TODAY = datetime.date(2026, 6, 1)


def warnings_of(assessment, kind=None, **kwargs):
    assessment = Assessment.objects.select_related("nation", "cycle").get(pk=assessment.pk)
    found = early_warnings([assessment], today=TODAY, **kwargs)[assessment.pk]
    return [w for w in found if kind is None or w.kind == kind]


@pytest.fixture
def lva_submitted(db):
    return Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)


# Score drops -------------------------------------------------------------------------------------


def test_a_requirement_that_fell_more_than_the_margin_is_flagged(est_current):
    # Estonia's energy: 85.0 in 2025, 60.4 now (the seeded demo).
    drops = {w.requirement_number: w for w in warnings_of(est_current, SCORE_DROP)}
    assert 2 in drops
    assert drops[2].message == "BLR-2 Resilient energy supplies fell 24.6 points since 2025 (85.0 → 60.4)."
    assert drops[2].url == reverse("requirement_page", args=[est_current.pk, 2])
    # Health rose (60.8 → 94.0): no warning.
    assert 5 not in drops


def test_the_margin_is_a_setting(est_current, settings):
    settings.EARLY_WARNING_DROP_POINTS = 25
    assert 2 not in {w.requirement_number for w in warnings_of(est_current, SCORE_DROP)}
    settings.EARLY_WARNING_DROP_POINTS = 24
    assert 2 in {w.requirement_number for w in warnings_of(est_current, SCORE_DROP)}


def test_no_previous_cycle_no_drop_warning(est_current):
    from assessments.models import Nation
    from assessments.services import assessment_create

    newcomer = Nation.objects.create(code="XXA", name="Newcomer")
    fresh = assessment_create(nation=newcomer, cycle=est_current.cycle)
    Answer.objects.filter(assessment=fresh, indicator__kind="maturity").update(level=1)
    assert warnings_of(fresh, SCORE_DROP) == []
    assert warnings_of(fresh, EVIDENCE_MISSING) == []  # level 1 needs no evidence in the framework


def test_reviewers_links_go_to_the_review_and_drafts_are_not_compared(lva_submitted):
    drops = warnings_of(lva_submitted, SCORE_DROP, for_reviewer=True)
    assert drops and {w.url for w in drops} == {reverse("review_assessment", args=[lva_submitted.pk])}
    Assessment.objects.filter(nation__code="LVA", cycle__name="2025").update(status=Assessment.Status.DRAFT)
    assert warnings_of(lva_submitted, SCORE_DROP, for_reviewer=True) == []
    assert warnings_of(lva_submitted, SCORE_DROP)  # the nation compares with its own draft


# Hidden fragility --------------------------------------------------------------------------------


def test_hidden_fragility_names_the_dependency_and_links_to_it(est_current):
    fragile = {w.requirement_number: w for w in warnings_of(est_current, FRAGILITY)}
    # Communications 100 on their own, 64.4 through energy at 0.9.
    assert fragile[6].message == (
        "BLR-6 Resilient civil communications systems scores 100.0 on its own but only 64.4 given its "
        "dependence on BLR-2 Resilient energy supplies: strengthen BLR-2."
    )
    assert fragile[6].url == reverse("requirement_page", args=[est_current.pk, 2])
    # Transport loses 6.1 points only: below the margin.
    assert 7 not in fragile


def test_fragility_margin_is_a_setting(est_current, settings):
    settings.EARLY_WARNING_FRAGILITY_POINTS = 36
    assert warnings_of(est_current, FRAGILITY) == []
    settings.EARLY_WARNING_FRAGILITY_POINTS = 5
    assert 7 in {w.requirement_number for w in warnings_of(est_current, FRAGILITY)}


# Goals, actions, evidence ------------------------------------------------------------------------


def test_goals_off_track_are_flagged(est_current):
    est_current.goals.update(status=NationalGoal.Status.ON_TRACK)
    assert warnings_of(est_current, GOAL_OFF_TRACK) == []
    goal = est_current.goals.select_related("objective").first()
    NationalGoal.objects.filter(pk=goal.pk).update(status=NationalGoal.Status.OFF_TRACK)
    (warning,) = warnings_of(est_current, GOAL_OFF_TRACK)
    assert warning.message == f"Goal “{goal.title}” ({goal.objective.code}) is off track."
    assert warning.url == reverse("goal_list", args=[est_current.pk])


@pytest.mark.parametrize(
    ("due", "status", "progress", "flagged"),
    [
        (TODAY - datetime.timedelta(days=1), PlanAction.Status.IN_PROGRESS, 40, True),
        (TODAY - datetime.timedelta(days=90), PlanAction.Status.DELAYED, 10, True),
        (TODAY, PlanAction.Status.IN_PROGRESS, 40, False),
        (TODAY - datetime.timedelta(days=1), PlanAction.Status.DONE, 100, False),
        (TODAY - datetime.timedelta(days=1), PlanAction.Status.CANCELLED, 0, False),
    ],
)
def test_overdue_plan_actions(est_current, due, status, progress, flagged):
    plan, _ = ImplementationPlan.objects.get_or_create(assessment=est_current, defaults={"title": "Plan"})
    plan.actions.all().delete()
    PlanAction.objects.create(
        plan=plan,
        title="Fuel reserves for hospitals",
        lead_organisation="Ministry",
        sector=PlanAction.Sector.GOVERNMENT,
        start_date=due - datetime.timedelta(days=200),
        due_date=due,
        status=status,
        progress=progress,
    )
    found = warnings_of(est_current, ACTION_OVERDUE)
    assert bool(found) is flagged
    if flagged:
        assert found[0].message.startswith("Plan action “Fuel reserves for hospitals” was due on ")
        assert f"is {progress}% complete." in found[0].message
        assert found[0].url == reverse("plan_detail", args=[est_current.pk])


def test_answers_at_an_evidence_level_without_evidence(est_current):
    answers = list(
        Answer.objects.filter(
            assessment=est_current,
            indicator__requirement__number=4,
            indicator__evidence_from_level__isnull=False,
        ).select_related("indicator")[:2]
    )
    Evidence.objects.filter(answer__assessment=est_current).delete()
    Answer.objects.filter(assessment=est_current, level__isnull=False).update(level=0)
    assert warnings_of(est_current, EVIDENCE_MISSING) == []
    first, second = answers
    Answer.objects.filter(pk=first.pk).update(level=first.indicator.evidence_from_level)
    (warning,) = warnings_of(est_current, EVIDENCE_MISSING)
    assert warning.message == (
        f"BLR-4: {first.indicator.code} is at a level that requires evidence and has none."
    )
    assert (
        warning.url
        == reverse("requirement_page", args=[est_current.pk, 4]) + f"#indicator-{first.indicator.code}"
    )
    Answer.objects.filter(pk=second.pk).update(level=5)
    (warning,) = warnings_of(est_current, EVIDENCE_MISSING)
    assert warning.message.startswith("BLR-4: 2 answers at a level that requires evidence have none")
    Evidence.objects.create(answer=first, citation="Water safety plan 2025")
    Evidence.objects.create(answer=second, citation="Food reserve audit")
    assert warnings_of(est_current, EVIDENCE_MISSING) == []


# Shape, order and queries ------------------------------------------------------------------------


def test_every_assessment_gets_an_entry_and_warnings_come_in_order(est_current, nor_current):
    found = early_warnings(
        Assessment.objects.select_related("nation", "cycle").filter(pk__in=[est_current.pk, nor_current.pk]),
        today=TODAY,
    )
    assert set(found) == {est_current.pk, nor_current.pk}
    kinds = [w.kind for w in found[est_current.pk]]
    order = [SCORE_DROP, FRAGILITY, GOAL_OFF_TRACK, ACTION_OVERDUE, EVIDENCE_MISSING]
    assert kinds == sorted(kinds, key=order.index)
    assert early_warnings([]) == {}


def test_queries_do_not_grow_with_the_number_of_assessments(est_current, django_assert_num_queries):
    one = list(Assessment.objects.select_related("nation", "cycle").filter(pk=est_current.pk))
    every = list(Assessment.objects.select_related("nation", "cycle").all())
    assert len(every) > 40
    # Cycles, previous assessments, scorecards (requirements, indicators, answers), dependencies,
    # goals off track, overdue actions, answers lacking evidence.
    with django_assert_num_queries(9):
        small = early_warnings(one, today=TODAY)
    with django_assert_num_queries(9):
        large = early_warnings(every, today=TODAY)
    assert small[est_current.pk] == large[est_current.pk]


def test_partial_lists_the_warnings_with_their_links(est_current):
    found = warnings_of(est_current)
    html = render_to_string("partials/early_warnings.html", {"warnings": found, "limit": 3})
    assert f"{len(found)} early warnings" in html
    for warning in found:
        assert f'href="{warning.url}"' in html
    assert "More early warnings" in html
    assert render_to_string("partials/early_warnings.html", {"warnings": []}).strip() == ""
