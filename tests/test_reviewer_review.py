"""The review page: a read-only assessment with every answer, and the two decisions, "Accept" and
"Return to nation" (a reason is required and the nation sees it), recorded with who and when."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assessments.models import Answer, Assessment, Evidence
from baselines.models import Indicator, LevelDescriptor

from .reviewer_support import assessment_of, submit, user

pytestmark = pytest.mark.django_db


def review_url(assessment):
    return reverse("review_assessment", args=[assessment.pk])


def test_review_shows_every_answer_with_descriptor_justification_and_evidence(reviewer):
    lva = assessment_of("LVA")
    answer = (
        lva.answers.filter(level__isnull=False, indicator__kind="maturity")
        .select_related("indicator")
        .first()
    )
    answer.justification = "Checked in the winter blackout exercise <b>bold</b>."
    answer.save()
    Evidence.objects.create(
        answer=answer, file=ContentFile(b"%PDF-1.4 test", name="plan.pdf"), original_name="plan.pdf"
    )

    response = reviewer.get(review_url(lva))

    assert response.status_code == 200
    body = response.content.decode()
    for code in Indicator.objects.filter(framework_id=lva.cycle.framework_id).values_list("code", flat=True):
        assert code in body
    descriptor = LevelDescriptor.objects.get(indicator=answer.indicator, level=answer.level)
    assert descriptor.text in body
    assert "Checked in the winter blackout exercise &lt;b&gt;bold&lt;/b&gt;." in body  # escaped, not markup
    evidence = answer.evidence.get(original_name="plan.pdf")
    download = reverse("evidence_download", args=[evidence.pk])
    assert download in body
    assert reviewer.get(download).status_code == 200
    assert ">Accept</button>" in body and ">Return to nation</button>" in body


def test_review_of_a_draft_does_not_exist_for_reviewers(reviewer, est_current):
    assert reviewer.get(review_url(est_current)).status_code == 404
    assert reviewer.post(reverse("review_accept", args=[est_current.pk])).status_code == 404
    assert reviewer.post(reverse("review_return", args=[est_current.pk]), {"reason": "x"}).status_code == 404
    est_current.refresh_from_db()
    assert est_current.status == Assessment.Status.DRAFT


def test_accept_records_who_and_when(reviewer):
    lva = assessment_of("LVA")

    response = reviewer.post(reverse("review_accept", args=[lva.pk]), follow=True)

    lva.refresh_from_db()
    assert lva.status == Assessment.Status.ACCEPTED
    assert lva.decided_by == user("reviewer")
    assert lva.decided_at is not None
    assert lva.history.first().history_user == user("reviewer")  # newest history record
    body = response.content.decode()
    assert "is accepted" in body
    assert "Rita Reviewer" in body  # the decision shows who
    assert ">Accept</button>" not in body  # decided: no more buttons


def test_accept_twice_is_refused_with_a_message(reviewer):
    lva = assessment_of("LVA")
    reviewer.post(reverse("review_accept", args=[lva.pk]))
    decided_at = Assessment.objects.get(pk=lva.pk).decided_at

    response = reviewer.post(reverse("review_accept", args=[lva.pk]), follow=True)

    assert "Only a submitted assessment can be accepted or returned." in response.content.decode()
    assert Assessment.objects.get(pk=lva.pk).decided_at == decided_at


def test_return_needs_a_reason(reviewer):
    lva = assessment_of("LVA")

    response = reviewer.post(reverse("review_return", args=[lva.pk]), {"reason": "   "})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the nation a reason for returning the assessment." in body
    assert 'id="reason-error"' in body
    lva.refresh_from_db()
    assert lva.status == Assessment.Status.SUBMITTED
    assert lva.return_reason == ""


def test_return_with_a_reason_reaches_the_nation(reviewer, planner_est, est_current):
    submit(est_current, by=user("planner-est"))
    reason = "BLR-2.3: the oil stock figure contradicts the 2025 return; please check."

    response = reviewer.post(reverse("review_return", args=[est_current.pk]), {"reason": reason}, follow=True)

    est_current.refresh_from_db()
    assert est_current.status == Assessment.Status.RETURNED
    assert est_current.return_reason == reason
    assert est_current.decided_by == user("reviewer")
    assert "returned to Estonia" in response.content.decode()
    page = planner_est.get(reverse("assessment_queries", args=[est_current.pk])).content.decode()
    assert reason in page
    assert "Returned by the reviewers" in page


def test_returned_assessment_shows_the_submission_not_the_nations_later_edits(reviewer, est_current):
    submit(est_current)
    reviewer.post(reverse("review_return", args=[est_current.pk]), {"reason": "Please complete BLR-1."})
    answer = est_current.answers.exclude(justification="").first()
    submitted_text = answer.justification
    Answer.objects.filter(pk=answer.pk).update(justification="Work in progress, not for NATO eyes")

    body = reviewer.get(review_url(est_current)).content.decode()

    assert "Work in progress, not for NATO eyes" not in body
    assert submitted_text in body
    assert "as it was returned" in body


def test_decisions_are_listed_with_their_reason(reviewer, est_current):
    submit(est_current, by=user("planner-est"))
    reviewer.post(reverse("review_return", args=[est_current.pk]), {"reason": "Missing BLR-4 evidence."})
    submit(Assessment.objects.get(pk=est_current.pk), by=user("planner-est"))
    reviewer.post(reverse("review_accept", args=[est_current.pk]))

    body = reviewer.get(review_url(est_current)).content.decode()

    history = body[body.index("History of decisions") :]
    assert history.index("Submitted") < history.index("Returned") < history.index("Accepted")
    assert "Missing BLR-4 evidence." in history


@pytest.mark.parametrize("name", ["review_accept", "review_return", "review_comment_add"])
def test_decisions_and_comments_reject_get(reviewer, name):
    assert reviewer.get(reverse(name, args=[assessment_of("LVA").pk])).status_code == 405


def test_review_page_rejects_post(reviewer):
    assert reviewer.post(review_url(assessment_of("LVA"))).status_code == 405
