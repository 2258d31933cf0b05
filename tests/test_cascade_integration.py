"""Where the cascade analysis shows: the assessment overview, the dashboard, the reviewer inbox and
the national report."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Membership, Nation, Scenario
from assessments.reports.national import TEMPLATE, national_report_context
from assessments.reports.pdf import render_html


def user(name):
    return get_user_model().objects.get(username=name)


# Assessment overview -----------------------------------------------------------------------------


def test_overview_shows_own_and_effective_scores_and_what_limits_them(planner_est, est_current):
    response = planner_est.get(reverse("assessment_overview", args=[est_current.pk]))
    html = response.content.decode()
    rows = {row["card"].requirement.code: row for row in response.context["rows"]}
    assert rows["BLR-6"]["card"].result.score == pytest.approx(100.0)
    energy = rows["BLR-2"]["card"].result.score
    # Communications depend on energy at 0.9 (fixtures/framework.json).
    assert rows["BLR-6"]["cascade"].result.effective == pytest.approx(100 - 0.9 * (100 - energy))
    assert rows["BLR-6"]["cascade"].limited_by.code == "BLR-2"
    assert rows["BLR-2"]["cascade"].limited_by is None
    assert "Effective score" in html
    assert "limited by BLR-2 Resilient energy supplies" in html
    assert reverse("stress_test", args=[est_current.pk]) in html


# Dashboard ---------------------------------------------------------------------------------------


def test_dashboard_shows_the_early_warnings_with_links(planner_est, est_current):
    response = planner_est.get(reverse("dashboard"))
    html = response.content.decode()
    assert "early warnings" in html
    assert "BLR-2 Resilient energy supplies fell 24.6 points since 2025" in html
    assert f'href="{reverse("requirement_page", args=[est_current.pk, 2])}"' in html
    (entry,) = response.context["nations"]
    ((assessment, card, warnings),) = entry["assessments"]
    assert assessment == est_current and warnings


def test_dashboard_queries_do_not_grow_with_nations(planner_est, nor_current, django_assert_num_queries):
    # Session, user, memberships; open cycles; assessments; scorecards (3); early warnings (cycles,
    # previous assessments, their scorecards (3), dependencies, goals, actions, evidence).
    expected = 17
    with django_assert_num_queries(expected):
        planner_est.get(reverse("dashboard"))
    Membership.objects.create(user=user("planner-est"), nation=nor_current.nation, role="coordinator")
    with django_assert_num_queries(expected):
        response = planner_est.get(reverse("dashboard"))
    assert len(response.context["nations"]) == 2
    assert "Norway" in response.content.decode()


# Reviewer inbox ----------------------------------------------------------------------------------


def test_inbox_shows_early_warnings_that_link_to_the_review(reviewer):
    lva = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    response = reviewer.get(reverse("review_inbox"), {"nation": "LVA"})
    html = response.content.decode()
    (row,) = [r for r in response.context["rows"] if r.assessment == lva]
    assert row.warnings
    # Latvia's continuity of government: 92.9 in 2025, 51.0 now.
    assert "BLR-1 Assured continuity of government and critical government services fell 41.9 points" in html
    assert f'href="{reverse("review_assessment", args=[lva.pk])}"' in html
    assert all(w.url == reverse("review_assessment", args=[lva.pk]) for w in row.warnings)


def test_inbox_has_no_live_warnings_for_a_returned_assessment(reviewer):
    lva = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    services.assessment_return(assessment=lva, by=user("reviewer"), reason="Please add evidence.")
    response = reviewer.get(reverse("review_inbox"), {"nation": "LVA"})
    (row,) = [r for r in response.context["rows"] if r.assessment == lva]
    assert row.warnings == []
    assert "with the nation" in response.content.decode()


# National report ---------------------------------------------------------------------------------


def test_report_shows_effective_scores_the_graph_and_the_chosen_scenarios(est_current):
    planner = user("planner-est")
    services.scenario_save(
        assessment=est_current,
        by=planner,
        name="Grid down 72 hours",
        description="Energy at level 1 for 72 hours",
        overrides={2: 20.0},
        level=3,
        include_in_report=True,
    )
    services.scenario_save(
        assessment=est_current, by=planner, name="Not for print", overrides={6: 0.0}, level=3
    )
    services.scenario_save(
        assessment=est_current,
        by=user("reviewer"),
        name="NATO only",
        overrides={2: 0.0},
        level=3,
        include_in_report=True,
        visibility=Scenario.Visibility.REVIEWERS,
    )
    context = national_report_context(est_current)
    html = render_html(TEMPLATE, context)
    assert "Interdependencies and stress tests" in html
    assert "limited by BLR-2 Resilient energy supplies" in html
    assert "<title>Dependencies between the requirements</title>" in html
    assert "Data of the chart: Dependencies between the requirements" in html
    assert [s.name for s, _ in context["scenarios"]] == ["Grid down 72 hours"]
    assert "Grid down 72 hours" in html and "Energy at level 1 for 72 hours" in html
    assert "Not for print" not in html and "NATO only" not in html
    # Communications fall from 64.4 to 28.0 in the scenario.
    ((_, result),) = context["scenarios"]
    communications = next(line for line in result.lines if line.requirement.code == "BLR-6")
    assert communications.row.after.effective == pytest.approx(28.0)
    assert "below by 32.0 points" in html


def test_report_without_scenarios_says_how_to_add_them(est_current):
    html = render_html(TEMPLATE, national_report_context(est_current))
    assert "No stress test was chosen for this report." in html


def test_a_nation_without_answers_gets_no_effective_scores(est_current):
    nation = Nation.objects.create(code="XXB", name="Newcomer")
    fresh = services.assessment_create(nation=nation, cycle=est_current.cycle)
    context = national_report_context(fresh)
    assert all(line.result.effective is None for line in context["cascade"].requirements)
    assert "Interdependencies and stress tests" in render_html(TEMPLATE, context)


def test_review_page_links_to_the_stress_test(reviewer):
    lva = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    html = reviewer.get(reverse("review_assessment", args=[lva.pk])).content.decode()
    assert f'href="{reverse("stress_test", args=[lva.pk])}"' in html
