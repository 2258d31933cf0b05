"""Submit: a checklist of what blocks submission, a confirmation, then a locked assessment and an
immutable Submission (snapshot, PDF report, SHA-256). A returned assessment can be submitted again."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import selectors, services
from assessments.models import Answer, Assessment, Evidence, NationalGoal, Submission
from tests.planner_utils import answer, answer_everything, content, form_data, set_status


def submit_url(assessment):
    return f"/assessments/{assessment.pk}/submit/"


BUTTON = ">Submit assessment</button>"


def test_the_checklist_lists_what_blocks_with_links_to_fix_it(planner_est, est_current):
    page = content(planner_est.get(submit_url(est_current)))
    blockers = selectors.blockers(est_current)
    assert blockers and BUTTON not in page
    for blocker in blockers:
        assert blocker.message in page
    unanswered = next(b for b in blockers if b.kind == "unanswered")
    code = unanswered.answer.indicator.code
    assert (
        f'href="/assessments/{est_current.pk}/requirements/{unanswered.requirement_number}/#indicator-{code}"'
        in page
    )


def test_blockers_name_unanswered_levels_missing_values_and_missing_evidence(
    est_current, django_assert_num_queries
):
    Evidence.objects.filter(answer__assessment=est_current).delete()
    level = answer(est_current, "BLR-2.4")
    level.level = None
    level.save()
    value = answer(est_current, "BLR-2.1")
    value.value = None
    value.save()
    needs = answer(est_current, "BLR-2.6")  # evidence from level 4
    needs.level = 4
    needs.save()
    below = answer(est_current, "BLR-2.5")  # evidence from level 3
    below.level = 2
    below.save()
    with django_assert_num_queries(1):
        found = {(b.kind, b.answer.indicator.code): b.message for b in selectors.blockers(est_current)}
    assert found[("unanswered", "BLR-2.4")] == "BLR-2.4 has no level yet."
    assert found[("value_missing", "BLR-2.1")].startswith("BLR-2.1 has no value yet")
    assert (
        found[("evidence_missing", "BLR-2.6")] == "BLR-2.6 is at level 4: evidence is required from level 4."
    )
    assert not any(code == "BLR-2.5" for _kind, code in found)
    Evidence.objects.create(answer=needs, citation="Energy security plan")
    assert ("evidence_missing", "BLR-2.6") not in {
        (b.kind, b.answer.indicator.code) for b in selectors.blockers(est_current)
    }


def test_a_blocked_assessment_cannot_be_submitted(planner_est, est_current):
    response = planner_est.post(submit_url(est_current), {"confirm": "on"})
    assert response.status_code == 200
    blocking = len(selectors.blockers(est_current))
    assert f"Not submitted: {blocking} items still block submission." in content(response)
    est_current.refresh_from_db()
    assert est_current.status == "draft" and not est_current.submissions.exists()


def test_submit_asks_for_confirmation_then_locks_and_archives(planner_est, contrib_est, est_current):
    answer_everything(est_current)
    page = content(planner_est.get(submit_url(est_current)))
    assert BUTTON in page and "Nothing blocks" not in page
    unconfirmed = planner_est.post(submit_url(est_current), {})
    assert "Tick the box to confirm the submission." in content(unconfirmed)
    assert Assessment.objects.get(pk=est_current.pk).status == "draft"

    response = planner_est.post(submit_url(est_current), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/assessments/{est_current.pk}/"
    est_current.refresh_from_db()
    assert est_current.status == "submitted" and est_current.submitted_by.username == "planner-est"
    assert est_current.history.latest("history_date").history_user.username == "planner-est"
    submission = Submission.objects.get(assessment=est_current)
    assert submission.number == 1 and submission.submitted_by.username == "planner-est"
    assert {a["indicator"] for a in submission.snapshot["answers"]} == set(
        Answer.objects.filter(assessment=est_current).values_list("indicator__code", flat=True)
    )
    pdf = submission.pdf.read()
    assert pdf.startswith(b"%PDF") and submission.sha256 == hashlib.sha256(pdf).hexdigest()
    overview = content(planner_est.get(response["Location"]))
    assert "submitted and locked" in overview and "Submitted" in overview

    # Locked: every write by every view is refused.
    target = answer(est_current, "BLR-2.3")
    goal = NationalGoal.objects.filter(assessment=est_current).first()
    writes = [
        (planner_est, f"/assessments/{est_current.pk}/requirements/2/", form_data(est_current, 2)),
        (contrib_est, f"/assessments/{est_current.pk}/requirements/2/", form_data(est_current, 2)),
        (planner_est, f"/answers/{target.pk}/evidence/cite/", {"citation": "Late addition"}),
        (
            planner_est,
            f"/answers/{target.pk}/evidence/upload/",
            {"file": SimpleUploadedFile("a.txt", b"text")},
        ),
        (planner_est, f"/assessments/{est_current.pk}/copy-previous/", {}),
        (planner_est, f"/assessments/{est_current.pk}/goals/new/", {"title": "x"}),
        (planner_est, f"/assessments/{est_current.pk}/goals/{goal.pk}/delete/", {}),
        (planner_est, f"/assessments/{est_current.pk}/plan/edit/", {"title": "x"}),
        (planner_est, f"/assessments/{est_current.pk}/plan/actions/new/", {"title": "x"}),
        (planner_est, submit_url(est_current), {"confirm": "on"}),
    ]
    for client, path, data in writes:
        assert client.post(path, data).status_code == 403, path
    assert Submission.objects.filter(assessment=est_current).count() == 1
    with pytest.raises(services.ValidationError):
        services.answer_save(
            answer=target,
            loaded_version=target.version,
            level=0,
            value=None,
            justification="",
            confidence="",
            by=get_user_model().objects.get(username="planner-est"),
        )


def test_a_returned_assessment_shows_the_reason_and_can_be_submitted_again(planner_est, est_current):
    answer_everything(est_current)
    planner_est.post(submit_url(est_current), {"confirm": "on"})
    set_status(est_current, "returned", reason="Please justify BLR-7 with the 2026 exercise report.")
    overview = content(planner_est.get(f"/assessments/{est_current.pk}/"))
    assert "Returned by the NATO reviewers" in overview
    assert "Please justify BLR-7 with the 2026 exercise report." in overview
    assert BUTTON in content(planner_est.get(submit_url(est_current)))
    assert planner_est.post(submit_url(est_current), {"confirm": "on"}).status_code == 302
    assert list(est_current.submissions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [("contrib-est", 403, 403), ("planner-nor", 404, 404), ("reviewer", 404, 404), ("anonymous", 302, 302)],
)
def test_only_the_coordinator_submits(personas, est_current, persona, get, post):
    answer_everything(est_current)
    assert personas[persona].get(submit_url(est_current)).status_code == get
    assert personas[persona].post(submit_url(est_current), {"confirm": "on"}).status_code == post
    assert Assessment.objects.get(pk=est_current.pk).status == "draft"


def test_a_reviewer_cannot_submit_for_a_nation(reviewer):
    submitted = Assessment.objects.filter(status="submitted").first()
    assert reviewer.get(submit_url(submitted)).status_code == 403
    assert reviewer.post(submit_url(submitted), {"confirm": "on"}).status_code == 403


def test_submit_is_get_and_post_only(planner_est, est_current):
    assert planner_est.put(submit_url(est_current)).status_code == 405
