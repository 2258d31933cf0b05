"""Saved stress scenarios: save, list, open and delete, per persona and nation."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment, Scenario


@pytest.fixture
def lva_submitted(db):
    return Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)


def user(name):
    return get_user_model().objects.get(username=name)


def save(client, assessment, **extra):
    data = {"name": "Grid down 72 h", "description": "Energy at level 1 for 72 hours", "score_2": "20"}
    data.setdefault("check_level", "3")
    data.update(extra)
    return client.post(reverse("stress_test", args=[assessment.pk]), data)


def make(assessment, name="Saved", by="planner-est", **fields):
    fields.setdefault("overrides", {2: 20.0})
    fields.setdefault("level", 3)
    return services.scenario_save(assessment=assessment, by=user(by), name=name, **fields)


def scenario_url(scenario, name="stress_scenario"):
    return reverse(name, args=[scenario.assessment_id, scenario.pk])


# Saving ------------------------------------------------------------------------------------------


def test_coordinator_saves_a_scenario_by_name_and_it_changes_no_answer(planner_est, est_current):
    answers = list(
        Answer.objects.filter(assessment=est_current).values_list("pk", "level", "value", "version")
    )
    response = save(planner_est, est_current, include_in_report="on", level_6="2")
    scenario = Scenario.objects.get(assessment=est_current)
    assert response.status_code == 302
    assert response["Location"] == scenario_url(scenario)
    assert scenario.name == "Grid down 72 h"
    assert scenario.description == "Energy at level 1 for 72 hours"
    assert scenario.overrides == {"2": 20.0, "6": 40.0}
    assert scenario.include_in_report is True
    assert scenario.visibility == Scenario.Visibility.SHARED
    assert scenario.created_by.username == "planner-est"
    assert scenario.history.get().history_user.username == "planner-est"
    assert list(
        Answer.objects.filter(assessment=est_current).values_list("pk", "level", "value", "version")
    ) == (answers)


def test_contributor_may_run_but_not_save(contrib_est, est_current):
    assert save(contrib_est, est_current).status_code == 403
    assert not Scenario.objects.filter(assessment=est_current).exists()
    page = contrib_est.get(
        reverse("stress_test", args=[est_current.pk]), {"score_2": "20", "check_level": "3"}
    )
    assert page.status_code == 200
    assert "Save this scenario" not in page.content.decode()
    assert "Your coordinator saves scenarios" in page.content.decode()


@pytest.mark.parametrize("persona", ["planner-nor", "reviewer", "admin"])
def test_others_cannot_save_on_an_estonian_draft(personas, est_current, persona):
    assert save(personas[persona], est_current).status_code == 404
    assert not Scenario.objects.filter(assessment=est_current).exists()


def test_reviewer_saves_on_a_submitted_assessment_for_reviewers_only(reviewer, lva_submitted):
    response = save(reviewer, lva_submitted, include_in_report="on")
    scenario = Scenario.objects.get(assessment=lva_submitted)
    assert response.status_code == 302
    assert scenario.visibility == Scenario.Visibility.REVIEWERS
    # The national report is the nation's: reviewers' scenarios never go into it.
    assert scenario.include_in_report is False


def test_reviewer_is_not_offered_the_report_checkbox(reviewer, lva_submitted):
    page = reviewer.get(
        reverse("stress_test", args=[lva_submitted.pk]), {"score_2": "20", "check_level": "3"}
    )
    html = page.content.decode()
    assert "Save this scenario" in html
    assert "Scenarios you save are seen by reviewers only." in html
    assert "Include in the national report" not in html


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"score_2": "500"}, "score_2", "less than or equal to 100"),
        ({"check_level": "x"}, "check_level", "Enter a number."),
    ],
)
def test_bad_save_shows_the_message_next_to_the_field_and_saves_nothing(
    planner_est, est_current, extra, field, message
):
    response = save(planner_est, est_current, **extra)
    assert response.status_code == 200
    assert message in " ".join(response.context["save_form"].errors[field])
    assert not Scenario.objects.filter(assessment=est_current).exists()


def test_a_name_taken_on_the_assessment_is_refused(planner_est, est_current):
    make(est_current, name="Grid down 72 H")
    response = save(planner_est, est_current)
    assert response.status_code == 200
    assert "exists already" in " ".join(response.context["save_form"].errors["name"])
    assert Scenario.objects.filter(assessment=est_current).count() == 1


def test_the_same_name_is_free_for_reviewers_and_the_nation(reviewer, lva_submitted):
    make(lva_submitted, name="Grid down 72 h", by="reviewer")  # a shared one, as if by the nation
    assert save(reviewer, lva_submitted).status_code == 302
    assert lva_submitted.scenarios.count() == 2


# Listing and opening -----------------------------------------------------------------------------


def test_saved_scenarios_are_listed_and_open_with_their_result(planner_est, est_current):
    scenario = make(est_current, name="Blackout", description="Energy at level 1 for 72 hours")
    page = planner_est.get(reverse("stress_test", args=[est_current.pk]))
    assert scenario_url(scenario) in page.content.decode()
    opened = planner_est.get(scenario_url(scenario))
    assert opened.status_code == 200
    html = opened.content.decode()
    assert "Stress test: Blackout" in html and "Energy at level 1 for 72 hours" in html
    lines = {line.requirement.code: line for line in opened.context["result"].lines}
    assert lines["BLR-6"].row.after.effective == pytest.approx(28.0)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("planner-est", 200), ("contrib-est", 200), ("planner-nor", 404), ("reviewer", 404), ("admin", 404)],
)
def test_opening_a_scenario_of_an_estonian_draft_per_persona(personas, est_current, persona, status):
    scenario = make(est_current)
    assert personas[persona].get(scenario_url(scenario)).status_code == status


def test_reviewers_scenarios_are_hidden_from_the_nation(personas, lva_submitted):
    mine = make(lva_submitted, name="NATO view", by="reviewer", visibility=Scenario.Visibility.REVIEWERS)
    shared = make(lva_submitted, name="Latvia's view", by="reviewer")
    assert personas["reviewer"].get(scenario_url(mine)).status_code == 200
    listing = personas["reviewer"].get(reverse("stress_test", args=[lva_submitted.pk]))
    assert "NATO view" in listing.content.decode() and "Latvia&#x27;s view" in listing.content.decode()
    # Another nation's user sees neither; the scenario of another assessment is not found either.
    assert personas["planner-est"].get(scenario_url(mine)).status_code == 404
    assert personas["planner-est"].get(scenario_url(shared)).status_code == 404


def test_a_scenario_under_another_assessment_is_404(planner_est, est_current):
    other = Assessment.objects.get(nation__code="EST", status=Assessment.Status.ACCEPTED)
    scenario = make(other)
    assert planner_est.get(reverse("stress_scenario", args=[est_current.pk, scenario.pk])).status_code == 404
    assert planner_est.get(scenario_url(scenario)).status_code == 200


def test_opening_refuses_post(planner_est, est_current):
    scenario = make(est_current)
    assert planner_est.post(scenario_url(scenario)).status_code == 405


# Deleting ----------------------------------------------------------------------------------------


def test_coordinator_deletes_a_scenario(planner_est, est_current):
    scenario = make(est_current, by="contrib-est")
    response = planner_est.post(scenario_url(scenario, "stress_scenario_delete"))
    assert response.status_code == 302
    assert response["Location"] == reverse("stress_test", args=[est_current.pk])
    assert not Scenario.objects.filter(pk=scenario.pk).exists()
    assert (
        Scenario.history.filter(id=scenario.pk, history_type="-").get().history_user.username == "planner-est"
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("contrib-est", 403), ("planner-nor", 404), ("reviewer", 404), ("admin", 404), ("anonymous", 302)],
)
def test_others_cannot_delete_an_estonian_scenario(personas, est_current, persona, status):
    scenario = make(est_current)
    assert personas[persona].post(scenario_url(scenario, "stress_scenario_delete")).status_code == status
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_delete_refuses_get(planner_est, est_current):
    scenario = make(est_current)
    assert planner_est.get(scenario_url(scenario, "stress_scenario_delete")).status_code == 405
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_reviewers_delete_their_scenarios_but_not_the_nations(reviewer, lva_submitted):
    theirs = make(lva_submitted, name="Nation", by="reviewer")
    ours = make(lva_submitted, name="NATO", by="reviewer", visibility=Scenario.Visibility.REVIEWERS)
    assert reviewer.post(scenario_url(theirs, "stress_scenario_delete")).status_code == 403
    assert reviewer.post(scenario_url(ours, "stress_scenario_delete")).status_code == 302
    assert list(lva_submitted.scenarios.values_list("name", flat=True)) == ["Nation"]


# The model refuses nonsense ----------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, {"9": 10}, {"2": 101}, {"2": "ten"}, {"x": 10}, {"2": True}])
def test_service_refuses_bad_overrides(est_current, overrides):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.scenario_save(assessment=est_current, by=None, name="Bad", overrides=overrides, level=3)
    assert not Scenario.objects.filter(assessment=est_current).exists()
