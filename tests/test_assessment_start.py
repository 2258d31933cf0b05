"""A coordinator opens their nation's assessment when a new cycle opens; the admin can open them for all."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import Answer, Assessment, Cycle
from baselines.models import Framework


@pytest.fixture
def new_cycle(db):
    today = timezone.localdate()
    return Cycle.objects.create(
        name="Extra",
        framework=Framework.objects.get(status="published"),
        opens_on=today - datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )


def start_url(code, cycle):
    return f"/nations/{code}/cycles/{cycle.pk}/start/"


def test_dashboard_offers_the_coordinator_to_start_and_starting_creates_every_answer(planner_est, new_cycle):
    assert "Start the Extra assessment" in planner_est.get("/dashboard/").content.decode()
    response = planner_est.post(start_url("EST", new_cycle))
    assert response.status_code == 302
    assessment = Assessment.objects.get(nation__code="EST", cycle=new_cycle)
    assert assessment.status == "draft"
    assert Answer.objects.filter(assessment=assessment).count() == new_cycle.framework.indicators.count()
    # Starting twice opens nothing more.
    planner_est.post(start_url("EST", new_cycle))
    assert Assessment.objects.filter(nation__code="EST", cycle=new_cycle).count() == 1
    assert "Start the Extra assessment" not in planner_est.get("/dashboard/").content.decode()


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("contrib-est", "EST", 403),
        ("planner-nor", "EST", 404),
        ("reviewer", "EST", 404),
        ("anonymous", "EST", 302),
        ("planner-est", "ZZZ", 404),
    ],
)
def test_only_the_nations_coordinator_may_start(personas, new_cycle, persona, code, status):
    assert personas[persona].post(start_url(code, new_cycle)).status_code == status
    assert not Assessment.objects.filter(cycle=new_cycle).exists()


def test_start_is_post_only(planner_est, new_cycle):
    assert planner_est.get(start_url("EST", new_cycle)).status_code == 405


def test_a_closed_cycle_cannot_be_started(planner_est, new_cycle):
    new_cycle.closes_on = new_cycle.due_on = new_cycle.opens_on
    new_cycle.opens_on -= datetime.timedelta(days=10)
    new_cycle.due_on = new_cycle.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    new_cycle.save()
    response = planner_est.post(start_url("EST", new_cycle), follow=True)
    assert "is not open" in response.content.decode()
    assert not Assessment.objects.filter(cycle=new_cycle).exists()


def test_admin_opens_assessments_for_every_ally(admin_client_demo, new_cycle):
    response = admin_client_demo.post(
        "/admin/assessments/cycle/",
        {"action": "open_for_allies", "_selected_action": [new_cycle.pk]},
        follow=True,
    )
    assert "32 assessments opened" in response.content.decode()
    assert Assessment.objects.filter(cycle=new_cycle, status="draft").count() == 32
