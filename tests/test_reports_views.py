"""Downloading reports: who gets which PDF, and archived submissions byte for byte."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Submission
from tests.planner_utils import answer_everything
from tests.reports_support import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def report_url(assessment):
    return reverse("assessment_report_pdf", args=[assessment.pk])


def submitted(code):
    return Assessment.objects.get(nation__code=code, status=Assessment.Status.SUBMITTED)


def assert_pdf(response, filename_start):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{filename_start}')
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")


def test_the_coordinator_downloads_the_draft_report_with_its_watermark(planner_est, est_current):
    response = planner_est.get(report_url(est_current))
    assert_pdf(response, "EST-2026-progress-report")
    pages = pdf_pages(response.content)
    assert "Estonia" in pages[0] and all("DRAFT" in page for page in pages)


def test_a_contributor_downloads_their_nations_report(contrib_est, est_current):
    assert_pdf(contrib_est.get(report_url(est_current)), "EST-2026-progress-report")


@pytest.mark.parametrize("persona", ["planner-nor", "reviewer", "admin"])
def test_others_get_404_for_estonias_draft(personas, persona, est_current):
    # Another nation's coordinator; a reviewer before submission; a superuser without a role.
    assert personas[persona].get(report_url(est_current)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(personas, est_current):
    response = personas["anonymous"].get(report_url(est_current))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reviewer_downloads_a_submitted_report_without_watermark(reviewer):
    latvia = submitted("LVA")
    response = reviewer.get(report_url(latvia))
    assert_pdf(response, "LVA-2026-progress-report")
    text = pdf_text(response.content)
    assert "Latvia" in text and "DRAFT" not in text


def test_only_get_is_allowed(planner_est, est_current):
    assert planner_est.post(report_url(est_current)).status_code == 405


def test_an_unknown_assessment_is_404(planner_est):
    assert planner_est.get(reverse("assessment_report_pdf", args=[999999])).status_code == 404


def test_an_archived_submission_downloads_exactly_the_stored_bytes(personas, est_current):
    answer_everything(est_current)
    submission = services.assessment_submit(
        assessment=est_current, by=get_user_model().objects.get(username="planner-est")
    )
    with submission.pdf.open("rb") as stored:
        archived = stored.read()
    url = reverse("submission_pdf", args=[submission.pk])

    for persona in ["planner-est", "contrib-est", "reviewer"]:
        response = personas[persona].get(url)
        assert_pdf(response, "EST-2026-progress-report-submission-1")
        assert response.content == archived
        assert hashlib.sha256(response.content).hexdigest() == submission.sha256
    assert "DRAFT" not in pdf_text(archived)

    for persona in ["planner-nor", "admin"]:
        assert personas[persona].get(url).status_code == 404
    assert personas["anonymous"].get(url).status_code == 302
    assert personas["planner-est"].post(url).status_code == 405


def test_a_seeded_submission_without_a_stored_pdf_is_rendered_on_demand(reviewer, planner_est):
    submission = Submission.objects.get(assessment=submitted("LVA"))
    assert not submission.pdf
    url = reverse("submission_pdf", args=[submission.pk])
    response = reviewer.get(url)
    assert_pdf(response, "LVA-2026-progress-report-submission-1")
    assert "Latvia" in pdf_text(response.content)
    # Not Estonia's to see.
    assert planner_est.get(url).status_code == 404


def test_no_report_is_made_up_for_a_submission_whose_assessment_changed_since(reviewer, planner_est):
    latvia = submitted("LVA")
    Assessment.objects.filter(pk=latvia.pk).update(status=Assessment.Status.RETURNED, return_reason="Fix it")
    submission = Submission.objects.get(assessment=latvia)
    # The assessment may have changed since it was submitted: its current state is no archive.
    assert reviewer.get(reverse("submission_pdf", args=[submission.pk])).status_code == 404


def test_an_unknown_submission_is_404(reviewer):
    assert reviewer.get(reverse("submission_pdf", args=[999999])).status_code == 404
