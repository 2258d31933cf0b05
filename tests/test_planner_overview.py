"""The assessment overview (progress, scores, what is missing, the actions a role may take) and
"Copy answers from the previous cycle"."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import selectors
from assessments.models import Answer, Assessment, Comment, Cycle, Evidence
from assessments.services import assessment_create
from tests.planner_utils import content, set_status


def overview(assessment):
    return f"/assessments/{assessment.pk}/"


def copy_url(assessment):
    return f"/assessments/{assessment.pk}/copy-previous/"


def test_the_dashboard_links_to_the_overview(planner_est, est_current):
    assert f'href="/assessments/{est_current.pk}/"' in content(planner_est.get("/dashboard/"))


def test_the_coordinator_sees_progress_scores_and_every_action(planner_est, est_current):
    page = content(planner_est.get(overview(est_current)))
    card = selectors.scorecard(est_current)
    for c in card.requirements:
        assert f"{c.requirement.code} {c.requirement.title}" in page
        assert f"{c.result.answered} / {c.result.total} answered" in page
        assert (
            f'<progress class="requirement-progress" max="{c.result.total}" value="{c.result.answered}"'
            in page
        )
    assert f"{card.answered} of {card.total} indicators" in page
    assert f"{card.overall:.1f} / 100" in page
    assert "Trend since" in page
    assert ">Submit assessment</a>" in page
    assert f'href="/assessments/{est_current.pk}/report.pdf">Download PDF report</a>' in page
    assert "Copy answers from the previous cycle" in page
    blocker = selectors.blockers(est_current)[0]
    assert blocker.message in page


def test_a_contributor_sees_the_overview_without_coordinator_actions(contrib_est, est_current):
    page = content(contrib_est.get(overview(est_current)))
    assert "Still missing" in page
    assert "Submit assessment" not in page and "Copy answers" not in page


@pytest.mark.parametrize(("persona", "status"), [("planner-nor", 404), ("reviewer", 404), ("anonymous", 302)])
def test_a_draft_is_hidden_from_other_nations_and_reviewers(personas, est_current, persona, status):
    assert personas[persona].get(overview(est_current)).status_code == status


def test_a_reviewer_reads_a_submitted_overview_without_edit_actions(reviewer):
    submitted = Assessment.objects.filter(status="submitted").first()
    page = content(reviewer.get(overview(submitted)))
    assert "submitted and locked" in page
    assert "Submit assessment" not in page and "Copy answers" not in page


def test_the_overview_is_get_only_and_unknown_ids_are_404(planner_est, est_current):
    assert planner_est.post(overview(est_current)).status_code == 405
    assert planner_est.get("/assessments/999999/").status_code == 404


def test_a_returned_assessment_shows_the_reviewers_reason_prominently(planner_est, contrib_est, est_current):
    set_status(est_current, "returned", reason="BLR-5 lacks the 2026 mass-casualty exercise.")
    for client in (planner_est, contrib_est):
        page = content(client.get(overview(est_current)))
        assert 'class="alert alert-warning return-reason" role="alert"' in page
        assert "BLR-5 lacks the 2026 mass-casualty exercise." in page
    assert ">Submit assessment</a>" in content(planner_est.get(overview(est_current)))


# Copy from the previous cycle -----------------------------------------------------------------


def previous_answers(assessment):
    previous = assessment.cycle.previous()
    return {
        a.indicator.code: a
        for a in Answer.objects.filter(assessment__nation=assessment.nation, assessment__cycle=previous)
        .select_related("indicator")
        .prefetch_related("evidence")
    }


def test_copy_fills_only_unanswered_indicators_and_never_overwrites(planner_est, est_current):
    before = {
        a.indicator.code: a for a in Answer.objects.filter(assessment=est_current).select_related("indicator")
    }
    previous = previous_answers(est_current)
    empty = [code for code, a in before.items() if not a.is_answered]
    assert empty and len(empty) < len(before)

    response = planner_est.post(copy_url(est_current), follow=True)
    assert f"{len(empty)} answers copied from the previous cycle." in content(response)

    after = {
        a.indicator.code: a for a in Answer.objects.filter(assessment=est_current).select_related("indicator")
    }
    for code, was in before.items():
        now = after[code]
        if was.is_answered:
            assert (now.level, now.value, now.justification, now.version) == (
                was.level,
                was.value,
                was.justification,
                was.version,
            )
        else:
            source = previous[code]
            assert (now.level, now.value, now.justification) == (
                source.level,
                source.value,
                source.justification,
            )
            assert now.version == was.version + 1 and now.updated_by.username == "planner-est"
            assert now.history.latest("history_date").history_user.username == "planner-est"
            citations = {e.citation for e in source.evidence.all() if e.citation}
            assert {e.citation for e in Evidence.objects.filter(answer=now)} == citations

    again = planner_est.post(copy_url(est_current), follow=True)
    assert "There was nothing to copy" in content(again)


@pytest.mark.parametrize(
    ("persona", "status"), [("contrib-est", 403), ("planner-nor", 404), ("reviewer", 404), ("anonymous", 302)]
)
def test_only_the_coordinator_copies(personas, est_current, persona, status):
    versions = dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version"))
    assert personas[persona].post(copy_url(est_current)).status_code == status
    assert dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version")) == versions


def test_copy_is_post_only_and_refused_on_a_locked_assessment(planner_est, est_current):
    assert planner_est.get(copy_url(est_current)).status_code == 405
    set_status(est_current, "submitted")
    assert planner_est.post(copy_url(est_current)).status_code == 403
    assert Answer.objects.filter(assessment=est_current, level__isnull=True, value__isnull=True).exists()


# Query counts ---------------------------------------------------------------------------------


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_overview_runs_a_fixed_number_of_queries(planner_est, est_current, django_assert_num_queries):
    # session, user, memberships, assessment, previous cycle, previous assessment,
    # scorecards (requirements, indicators, answers), blockers, last submission
    small = _count(planner_est, overview(est_current))
    assert small <= 12, small
    reviewer = get_user_model().objects.get(username="reviewer")
    answers = list(Answer.objects.filter(assessment=est_current))
    Evidence.objects.bulk_create(Evidence(answer=a, citation=f"Doc {i}") for a in answers for i in range(5))
    Comment.objects.bulk_create(
        Comment(assessment=est_current, answer=a, author=reviewer, body="Why?")
        for a in answers
        for _ in range(3)
    )
    earliest = Cycle.objects.order_by("opens_on").first()
    for back in range(1, 5):
        day = earliest.opens_on.replace(year=earliest.opens_on.year - back)
        cycle = Cycle.objects.create(
            name=f"Old {back}", framework=est_current.cycle.framework, opens_on=day, due_on=day, closes_on=day
        )
        assessment_create(nation=est_current.nation, cycle=cycle)
    with django_assert_num_queries(small):
        planner_est.get(overview(est_current))
