"""National goals: list, create, edit, delete, under objectives of the cycle's framework only."""

import datetime

import pytest

from assessments.models import NationalGoal
from baselines.models import Framework, Objective
from baselines.services import framework_copy
from tests.planner_utils import content, set_status


def goals_url(assessment, suffix=""):
    return f"/assessments/{assessment.pk}/goals/{suffix}"


def objective_of(assessment, code="BLR-2"):
    return Objective.objects.filter(
        requirement__framework_id=assessment.cycle.framework_id, requirement__code=code
    ).first()


def goal_data(assessment, **changes):
    data = {
        "objective": objective_of(assessment).pk,
        "title": "Ninety days of oil stocks",
        "description": "Reach the IEA obligation.",
        "baseline": "61",
        "target": "90",
        "unit": "days",
        "target_date": "2028-12-31",
        "status": "on_track",
    }
    data.update(changes)
    return data


def test_the_list_shows_the_nations_goals(personas, est_current):
    goal = NationalGoal.objects.filter(assessment=est_current).select_related("objective").first()
    page = content(personas["planner-est"].get(goals_url(est_current)))
    assert goal.title in page and goal.objective.code in page and "Add a goal" in page
    reader = content(personas["contrib-est"].get(goals_url(est_current)))
    assert goal.title in reader and "Add a goal" not in reader


def test_a_coordinator_adds_a_goal_with_history(planner_est, est_current):
    response = planner_est.post(goals_url(est_current, "new/"), goal_data(est_current))
    assert response.status_code == 302 and response["Location"] == goals_url(est_current)
    goal = NationalGoal.objects.get(assessment=est_current, title="Ninety days of oil stocks")
    assert (goal.baseline, goal.target, goal.target_date) == (61, 90, datetime.date(2028, 12, 31))
    assert goal.history.get().history_user.username == "planner-est"
    assert "Goal added." in content(planner_est.get(goals_url(est_current)))


def test_a_coordinator_edits_and_deletes_a_goal(planner_est, est_current):
    goal = NationalGoal.objects.filter(assessment=est_current).first()
    edit = goals_url(est_current, f"{goal.pk}/edit/")
    assert goal.title in content(planner_est.get(edit))
    response = planner_est.post(edit, goal_data(est_current, title="Renamed", status="at_risk"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Renamed", "at_risk")
    delete = goals_url(est_current, f"{goal.pk}/delete/")
    assert "Delete this goal?" in content(planner_est.get(delete))
    assert planner_est.post(delete).status_code == 302
    assert not NationalGoal.objects.filter(pk=goal.pk).exists()
    assert (
        NationalGoal.history.filter(id=goal.pk, history_type="-").get().history_user.username == "planner-est"
    )


def test_an_objective_of_another_framework_is_refused(planner_est, est_current):
    other = framework_copy(framework=Framework.objects.get(status="published"))
    forged = Objective.objects.filter(requirement__framework=other).first()
    response = planner_est.post(goals_url(est_current, "new/"), goal_data(est_current, objective=forged.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in content(response)
    assert not NationalGoal.objects.filter(title="Ninety days of oil stocks").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"objective": ""}, "This field is required."),
        ({"objective": "abc"}, "Select a valid choice"),
        ({"objective": str(10**30)}, "Select a valid choice"),
        ({"baseline": "many"}, "Enter a number."),
        ({"target": "1e400"}, "Enter a number."),
        ({"target": "1e13"}, "less than or equal to"),
        ({"target_date": "31/31/2028"}, "Enter a valid date."),
        ({"status": "done"}, "Select a valid choice"),
        ({"title": "x" * 301}, "at most 300 characters"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(planner_est, est_current, changes, message):
    before = NationalGoal.objects.count()
    response = planner_est.post(goals_url(est_current, "new/"), goal_data(est_current, **changes))
    assert response.status_code == 200 and message in content(response)
    assert NationalGoal.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("contrib-est", 403), ("planner-nor", 404), ("reviewer", 404), ("anonymous", 302)]
)
def test_only_the_coordinator_manages_goals(personas, est_current, persona, status):
    goal = NationalGoal.objects.filter(assessment=est_current).first()
    client = personas[persona]
    for path in (goals_url(est_current, "new/"), goals_url(est_current, f"{goal.pk}/edit/")):
        assert client.get(path).status_code == status
        assert client.post(path, goal_data(est_current)).status_code == status
    assert client.post(goals_url(est_current, f"{goal.pk}/delete/")).status_code == status
    assert NationalGoal.objects.filter(pk=goal.pk).exists()


def test_a_goal_of_another_assessment_is_404(planner_est, est_current, nor_current):
    theirs = NationalGoal.objects.filter(assessment=nor_current).first()
    assert planner_est.get(goals_url(est_current, f"{theirs.pk}/edit/")).status_code == 404
    assert planner_est.post(goals_url(est_current, f"{theirs.pk}/delete/")).status_code == 404
    assert planner_est.get(goals_url(nor_current)).status_code == 404


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_goals_of_a_locked_assessment_cannot_change(planner_est, est_current, status):
    goal = NationalGoal.objects.filter(assessment=est_current).first()
    set_status(est_current, status)
    assert planner_est.get(goals_url(est_current)).status_code == 200
    assert "Add a goal" not in content(planner_est.get(goals_url(est_current)))
    assert planner_est.post(goals_url(est_current, "new/"), goal_data(est_current)).status_code == 403
    assert (
        planner_est.post(goals_url(est_current, f"{goal.pk}/edit/"), goal_data(est_current)).status_code
        == 403
    )
    assert planner_est.post(goals_url(est_current, f"{goal.pk}/delete/")).status_code == 403
    assert NationalGoal.objects.filter(pk=goal.pk, title=goal.title).exists()


def test_goal_pages_are_get_and_post_only(planner_est, est_current):
    assert planner_est.put(goals_url(est_current, "new/")).status_code == 405
    assert planner_est.post(goals_url(est_current)).status_code == 405


def test_the_goal_list_runs_a_fixed_number_of_queries(
    planner_est, est_current, django_assert_max_num_queries
):
    # session, user, memberships, assessment, goals (+ objective), actions per goal (prefetch)
    with django_assert_max_num_queries(6):
        planner_est.get(goals_url(est_current))
    objective = objective_of(est_current)
    NationalGoal.objects.bulk_create(
        NationalGoal(assessment=est_current, objective=objective, title=f"Goal {i}") for i in range(40)
    )
    with django_assert_max_num_queries(6):
        planner_est.get(goals_url(est_current))
