"""The implementation plan and its actions: list, create, edit, delete, validation, overdue marking."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import ImplementationPlan, NationalGoal, PlanAction
from tests.planner_utils import content, set_status


def plan_url(assessment, suffix=""):
    return f"/assessments/{assessment.pk}/plan/{suffix}"


def action_data(assessment, **changes):
    goal = NationalGoal.objects.filter(assessment=assessment).first()
    data = {
        "title": "Black-start exercise",
        "description": "Full exercise with the TSO.",
        "lead_organisation": "Ministry of Economic Affairs",
        "sector": "government",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "status": "in_progress",
        "progress": "40",
        "goals": [goal.pk],
    }
    data.update(changes)
    return data


def test_the_plan_page_lists_actions_and_marks_overdue_ones_in_words(planner_est, est_current):
    plan = est_current.plan
    today = timezone.localdate()
    late = PlanAction.objects.create(
        plan=plan,
        title="Late action",
        lead_organisation="Rescue Board",
        sector="government",
        start_date=today - datetime.timedelta(days=90),
        due_date=today - datetime.timedelta(days=1),
        status="in_progress",
        progress=50,
    )
    PlanAction.objects.create(
        plan=plan,
        title="Finished action",
        lead_organisation="Rescue Board",
        sector="government",
        start_date=today - datetime.timedelta(days=90),
        due_date=today - datetime.timedelta(days=1),
        status="done",
        progress=100,
    )
    page = content(planner_est.get(plan_url(est_current)))
    assert plan.title in page
    row = page.split(late.title)[1].split("</tr>")[0]
    assert "Overdue" in row
    finished = page.split("Finished action")[1].split("</tr>")[0]
    assert "Overdue" not in finished


def test_a_coordinator_adds_edits_and_deletes_an_action(planner_est, est_current):
    response = planner_est.post(plan_url(est_current, "actions/new/"), action_data(est_current))
    assert response.status_code == 302 and response["Location"] == plan_url(est_current)
    action = PlanAction.objects.get(plan__assessment=est_current, title="Black-start exercise")
    assert action.progress == 40 and action.goals.count() == 1
    assert {h.history_user.username for h in action.history.all()} == {"planner-est"}

    edit = plan_url(est_current, f"actions/{action.pk}/edit/")
    assert "Black-start exercise" in content(planner_est.get(edit))
    planner_est.post(edit, action_data(est_current, status="done", progress="100", goals=[]))
    action.refresh_from_db()
    assert (action.status, action.progress, action.goals.count()) == ("done", 100, 0)

    delete = plan_url(est_current, f"actions/{action.pk}/delete/")
    assert "Delete this action?" in content(planner_est.get(delete))
    assert planner_est.post(delete).status_code == 302
    assert not PlanAction.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_date": "2025-06-01"}, "The due date must be on or after the start date."),
        ({"status": "done", "progress": "80"}, "An action that is done is 100% complete."),
        ({"progress": "101"}, "less than or equal to 100"),
        ({"progress": "-5"}, "greater than or equal to 0"),
        ({"progress": "half"}, "Enter a whole number."),
        ({"start_date": "yesterday"}, "Enter a valid date."),
        ({"sector": "church"}, "Select a valid choice"),
        ({"lead_organisation": ""}, "This field is required."),
        ({"goals": ["999999"]}, "Select a valid choice"),
        ({"goals": [str(10**30)]}, "is not a valid value"),
        ({"goals": ["abc"]}, "is not a valid value"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(planner_est, est_current, changes, message):
    before = PlanAction.objects.count()
    response = planner_est.post(plan_url(est_current, "actions/new/"), action_data(est_current, **changes))
    assert response.status_code == 200 and message in content(response)
    assert PlanAction.objects.count() == before


def test_an_action_cannot_serve_another_nations_goal(planner_est, est_current, nor_current):
    theirs = NationalGoal.objects.filter(assessment=nor_current).first()
    response = planner_est.post(
        plan_url(est_current, "actions/new/"), action_data(est_current, goals=[theirs.pk])
    )
    assert "Select a valid choice" in content(response)
    assert not PlanAction.objects.filter(title="Black-start exercise").exists()


def test_the_plan_itself_is_edited_and_a_new_plan_comes_first(planner_est, est_current):
    response = planner_est.post(
        plan_url(est_current, "edit/"), {"title": "Plan 2026", "summary": "Whole of society."}
    )
    assert response.status_code == 302
    assert ImplementationPlan.objects.get(assessment=est_current).title == "Plan 2026"
    assert planner_est.post(plan_url(est_current, "edit/"), {"title": ""}).status_code == 200

    est_current.plan.delete()
    assert "Start the plan" in content(planner_est.get(plan_url(est_current)))
    # Actions need a plan: the user is sent to give it a title first.
    assert planner_est.get(plan_url(est_current, "actions/new/"))["Location"] == plan_url(
        est_current, "edit/"
    )
    planner_est.post(plan_url(est_current, "edit/"), {"title": "Fresh plan", "summary": ""})
    assert ImplementationPlan.objects.get(assessment=est_current).title == "Fresh plan"


@pytest.mark.parametrize(
    ("persona", "status"), [("contrib-est", 403), ("planner-nor", 404), ("reviewer", 404), ("anonymous", 302)]
)
def test_only_the_coordinator_manages_the_plan(personas, est_current, persona, status):
    action = PlanAction.objects.filter(plan__assessment=est_current).first()
    client = personas[persona]
    for path in (
        plan_url(est_current, "edit/"),
        plan_url(est_current, "actions/new/"),
        plan_url(est_current, f"actions/{action.pk}/edit/"),
    ):
        assert client.get(path).status_code == status
        assert client.post(path, action_data(est_current)).status_code == status
    assert client.post(plan_url(est_current, f"actions/{action.pk}/delete/")).status_code == status
    assert PlanAction.objects.filter(pk=action.pk, title=action.title).exists()


def test_an_action_of_another_assessment_is_404(planner_est, est_current, nor_current):
    theirs = PlanAction.objects.filter(plan__assessment=nor_current).first()
    assert planner_est.get(plan_url(est_current, f"actions/{theirs.pk}/edit/")).status_code == 404
    assert planner_est.post(plan_url(est_current, f"actions/{theirs.pk}/delete/")).status_code == 404


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_the_plan_of_a_locked_assessment_cannot_change(planner_est, est_current, status):
    action = PlanAction.objects.filter(plan__assessment=est_current).first()
    set_status(est_current, status)
    assert "Add an action" not in content(planner_est.get(plan_url(est_current)))
    assert planner_est.post(plan_url(est_current, "edit/"), {"title": "X"}).status_code == 403
    assert (
        planner_est.post(plan_url(est_current, "actions/new/"), action_data(est_current)).status_code == 403
    )
    edit = plan_url(est_current, f"actions/{action.pk}/edit/")
    assert planner_est.post(edit, action_data(est_current)).status_code == 403
    assert planner_est.post(plan_url(est_current, f"actions/{action.pk}/delete/")).status_code == 403
    assert PlanAction.objects.filter(pk=action.pk, title=action.title).exists()


def test_the_plan_page_runs_a_fixed_number_of_queries(
    planner_est, est_current, django_assert_max_num_queries
):
    # session, user, memberships, assessment, plan, actions, goals of the actions (+ objective)
    with django_assert_max_num_queries(7):
        planner_est.get(plan_url(est_current))
    goal = NationalGoal.objects.filter(assessment=est_current).first()
    today = timezone.localdate()
    actions = PlanAction.objects.bulk_create(
        PlanAction(
            plan=est_current.plan,
            title=f"Action {i}",
            lead_organisation="Agency",
            sector="government",
            start_date=today,
            due_date=today,
        )
        for i in range(40)
    )
    for action in actions:
        action.goals.add(goal)
    with django_assert_max_num_queries(7):
        planner_est.get(plan_url(est_current))
