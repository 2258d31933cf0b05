"""The archive on the pages: every submission listed with its report as it was sent, for the nation
and for reviewers; a returned assessment shows reviewers its submissions, never its live state."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Submission
from tests.conftest import client_for
from tests.planner_utils import answer, answer_everything, content
from tests.reports_support import pdf_text
from tests.reviewer_support import user

pytestmark = pytest.mark.django_db


def archive_links(html):
    return re.findall(r'href="(/submissions/\d+/report\.pdf)"', html)


@pytest.fixture
def est_submitted(est_current):
    answer_everything(est_current)
    submission = services.assessment_submit(assessment=est_current, by=user("planner-est"))
    est_current.refresh_from_db()
    return submission


def test_the_coordinator_finds_the_archived_report_on_the_overview(planner_est, est_current, est_submitted):
    html = content(planner_est.get(reverse("assessment_overview", args=[est_current.pk])))
    assert "Submissions" in html and "Report of submission 1 (PDF)" in html
    assert est_submitted.sha256 in html
    (link,) = archive_links(html)
    pdf = planner_est.get(link).content
    with est_submitted.pdf.open("rb") as stored:
        assert pdf == stored.read()
    assert hashlib.sha256(pdf).hexdigest() == est_submitted.sha256


def test_the_reviewer_finds_the_same_report_on_the_review_page(reviewer, est_current, est_submitted):
    html = content(reviewer.get(reverse("review_assessment", args=[est_current.pk])))
    (link,) = archive_links(html)
    assert hashlib.sha256(reviewer.get(link).content).hexdigest() == est_submitted.sha256
    assert "Download PDF report" in html


def test_a_draft_never_submitted_lists_no_submissions(planner_est, est_current):
    html = content(planner_est.get(reverse("assessment_overview", args=[est_current.pk])))
    assert "Report of submission" not in html and not archive_links(html)


def test_after_a_return_reviewers_see_the_submission_and_not_the_nations_new_changes(
    reviewer, planner_est, est_current, est_submitted
):
    services.assessment_return(assessment=est_current, by=user("reviewer"), reason="Cite the sources.")
    changed = answer(est_current, "BLR-1.1")
    changed.justification = "Unsent rework of the continuity plan"
    changed.save()

    html = content(reviewer.get(reverse("review_assessment", args=[est_current.pk])))
    # No live report or stress test of a returned assessment: only what was sent.
    assert "Download PDF report" not in html
    assert reverse("assessment_report_pdf", args=[est_current.pk]) not in html
    (link,) = archive_links(html)
    archived = reviewer.get(link).content
    assert "Unsent rework" not in pdf_text(archived)
    for name in ["assessment_report_pdf", "stress_test", "assessment_overview"]:
        assert reviewer.get(reverse(name, args=[est_current.pk])).status_code == 404
    # The nation still has its live report, with the change.
    live = planner_est.get(reverse("assessment_report_pdf", args=[est_current.pk]))
    assert "Unsent rework" in " ".join(pdf_text(live.content).split())


def test_a_seeded_submission_has_its_report_while_locked_and_not_once_returned(reviewer):
    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    submission = Submission.objects.get(assessment=latvia)
    assert not submission.pdf
    html = content(reviewer.get(reverse("review_assessment", args=[latvia.pk])))
    assert archive_links(html) == [reverse("submission_pdf", args=[submission.pk])]

    services.assessment_return(assessment=latvia, by=user("reviewer"), reason="Incomplete.")
    html = content(reviewer.get(reverse("review_assessment", args=[latvia.pk])))
    assert not archive_links(html) and "Not archived" in html


def test_the_archive_list_costs_one_query_however_many_submissions(planner_est, est_current, est_submitted):
    url = reverse("assessment_overview", args=[est_current.pk])
    with CaptureQueriesContext(connection) as one:
        planner_est.get(url)
    for _ in range(3):
        services.assessment_return(assessment=est_current, by=user("reviewer"), reason="Again.")
        services.assessment_submit(assessment=est_current, by=user("planner-est"))
    with CaptureQueriesContext(connection) as four:
        html = content(planner_est.get(url))
    assert len(archive_links(html)) == 4
    assert len(four) == len(one)


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_after_a_return_the_files_are_the_nations_again(reviewer, planner_est, est_current):
    answer_everything(est_current)
    row = answer(est_current, "BLR-2.1")
    sent = services.evidence_add(
        answer=row,
        by=user("planner-est"),
        file=SimpleUploadedFile("grid.pdf", MINIMAL_PDF, "application/pdf"),
    )
    services.assessment_submit(assessment=est_current, by=user("planner-est"))
    sent_url = reverse("evidence_download", args=[sent.pk])
    assert reviewer.get(sent_url).status_code == 200
    services.assessment_return(assessment=est_current, by=user("reviewer"), reason="Add the audit.")
    added = services.evidence_add(
        answer=row,
        by=user("planner-est"),
        file=SimpleUploadedFile("audit.pdf", MINIMAL_PDF, "application/pdf"),
    )

    # The review page names what was submitted (from the snapshot), links no file, and omits the new one.
    html = content(reviewer.get(reverse("review_assessment", args=[est_current.pk])))
    assert "grid.pdf" in html and "audit.pdf" not in html and "/evidence/" not in html
    assert reviewer.get(sent_url).status_code == 404
    assert reviewer.get(reverse("evidence_download", args=[added.pk])).status_code == 404
    # The nation has both; another nation neither.
    assert planner_est.get(reverse("evidence_download", args=[added.pk])).status_code == 200
    assert client_for("planner-nor").get(sent_url).status_code == 404
