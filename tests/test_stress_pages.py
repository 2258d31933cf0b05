"""The stress test page: who sees it, what it shows, that it changes no answer, bad input and queries."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment, Scenario


@pytest.fixture
def lva_submitted(db):
    return Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)


def get(client, assessment, **params):
    return client.get(reverse("stress_test", args=[assessment.pk]), params)


# Who may open it ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planner-est", 200),
        ("contrib-est", 200),
        ("planner-nor", 404),  # another nation
        ("reviewer", 404),  # a draft is not the reviewers' to see
        ("admin", 404),  # administrators have no nation
    ],
)
def test_estonian_draft_stress_page_per_persona(personas, est_current, persona, status):
    assert get(personas[persona], est_current).status_code == status


def test_anonymous_is_sent_to_log_in(personas, est_current):
    response = get(personas["anonymous"], est_current)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_reviewer_opens_a_submitted_assessment_and_its_nation_too(personas, lva_submitted):
    assert get(personas["reviewer"], lva_submitted).status_code == 200
    assert get(personas["planner-est"], lva_submitted).status_code == 404


def test_unknown_assessment_is_404(planner_est):
    assert planner_est.get(reverse("stress_test", args=[999999])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(planner_est, est_current, method):
    response = getattr(planner_est, method)(reverse("stress_test", args=[est_current.pk]))
    assert response.status_code == 405


# What it shows -----------------------------------------------------------------------------------


def test_page_shows_own_and_effective_scores_and_what_limits_them(planner_est, est_current):
    response = get(planner_est, est_current)
    html = response.content.decode()
    assert "Resilient civil communications systems" in html
    assert "limited by BLR-2 Resilient energy supplies" in html
    assert "<svg" in html and "Dependencies between the requirements" in html
    assert response.context["result"] is None


def test_degrading_energy_cascades_to_communications_health_and_transport(planner_est, est_current):
    """The issue's check: on the seeded demo, lowering Estonia's energy visibly lowers
    communications (BLR-6), health (BLR-5) and transport (BLR-7)."""
    response = get(planner_est, est_current, level_2="1", check_level="3")
    assert response.status_code == 200
    result = response.context["result"]
    lines = {line.requirement.code: line for line in result.lines}
    assert lines["BLR-2"].row.overridden and lines["BLR-2"].row.after.own == 20.0
    for code in ("BLR-6", "BLR-5", "BLR-7"):
        row = lines[code].row
        assert row.after.effective < row.before.effective - 10, code
        assert row.below_after, code
        assert lines[code].limited_by_after.code == "BLR-2"
    lowered = {line.requirement.code for line in result.lowered}
    assert {"BLR-5", "BLR-6", "BLR-7"} <= lowered
    html = response.content.decode()
    # Communications: 100 own, 100 − 0.9 × (100 − 20) = 28 after.
    assert "28.0" in html
    assert "below by 32.0 points (1.6 levels)" in html
    assert "Dependencies between the requirements in this scenario" in html


def test_running_a_stress_test_changes_no_answer(planner_est, est_current):
    def answers():
        return list(
            Answer.objects.filter(assessment=est_current)
            .order_by("pk")
            .values_list("pk", "level", "value", "version", "updated_at")
        )

    before = answers()
    history = Answer.history.filter(assessment_id=est_current.pk).count()
    for data in ({"score_2": "0", "check_level": "5"}, {"level_6": "0", "level_2": "0", "check_level": "1"}):
        assert get(planner_est, est_current, **data).status_code == 200
    assert answers() == before
    assert Answer.history.filter(assessment_id=est_current.pk).count() == history
    assert not Scenario.objects.filter(assessment=est_current).exists()


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"score_2": "140", "check_level": "3"}, "score_2", "less than or equal to 100"),
        ({"score_2": "-1", "check_level": "3"}, "score_2", "greater than or equal to 0"),
        ({"score_2": "lots", "check_level": "3"}, "score_2", "Enter a number"),
        ({"score_2": "10", "level_2": "1", "check_level": "3"}, "level_2", "not both"),
        ({"level_2": "9", "check_level": "3"}, "level_2", "Select a valid choice"),
        ({"score_2": "10", "check_level": "7"}, "check_level", "less than or equal to 5"),
        ({"score_2": "10", "check_level": ""}, "check_level", "required"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(planner_est, est_current, data, field, message):
    response = get(planner_est, est_current, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert response.context["result"] is None
    assert f'id="id_{field}-error"' in response.content.decode()


def test_a_scenario_that_sets_nothing_says_so(planner_est, est_current):
    response = get(planner_est, est_current, check_level="3")
    assert "Set at least one requirement to a degraded score or level." in response.content.decode()
    assert response.context["result"] is None


# Queries -----------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_scenarios_or_requirements_set(
    planner_est, est_current, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="planner-est")
    # Session, user, membership, assessment; scorecard: requirements, indicators, answers;
    # dependencies; saved scenarios.
    expected = 9
    with django_assert_num_queries(expected):
        get(planner_est, est_current, score_2="30", check_level="3")
    for i in range(12):
        Scenario.objects.create(
            assessment=est_current, name=f"Scenario {i}", overrides={"2": 10, "6": 5}, created_by=user
        )
    with django_assert_num_queries(expected):
        response = get(
            planner_est, est_current, check_level="2.5", **{f"score_{n}": str(10 * n) for n in range(1, 8)}
        )
    assert len(response.context["scenarios"]) == 12
