"""The national progress report read as a reader would: open the PDF, look at each page."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from assessments import services
from assessments.models import Assessment, Comment, ImplementationPlan, PlanAction
from assessments.reports import national_report_pdf
from baselines.models import Requirement
from tests.planner_utils import answer, answer_everything
from tests.reports_support import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read English text; another test's French request must not leak into them."""
    with translation.override("en"):
        yield


SEVEN_TITLES = [
    "Assured continuity of government and critical government services",
    "Resilient energy supplies",
    "Ability to deal effectively with the uncontrolled movement of people",
    "Resilient food and water resources",
    "Ability to deal with mass casualties and disruptive health crises",
    "Resilient civil communications systems",
    "Resilient transport systems",
]


@pytest.fixture(scope="module")
def draft_report(django_db_setup, django_db_blocker):
    """Estonia's draft report with an open and a resolved query and an overdue action, rendered
    once for the module; the changes are rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("en"):
        est_current = Assessment.objects.get(nation__code="EST", status=Assessment.Status.DRAFT)
        reviewer = get_user_model().objects.get(username="reviewer")
        first = answer(est_current, "BLR-2.1")
        first.justification = "Oil stocks verified by the Estonian Stockpiling Agency in March."
        first.save()
        Comment.objects.create(
            assessment=est_current, answer=first, author=reviewer, body="Which stock count is this based on?"
        )
        Comment.objects.create(
            assessment=est_current, answer=first, author=reviewer, body="A resolved question.", resolved=True
        )
        plan = ImplementationPlan.objects.get(assessment=est_current)
        PlanAction.objects.create(
            plan=plan,
            title="Harden the regional backup power sites",
            lead_organisation="Ministry of Economic Affairs",
            sector=PlanAction.Sector.GOVERNMENT,
            start_date=timezone.localdate() - timedelta(days=200),
            due_date=timezone.localdate() - timedelta(days=10),
            status=PlanAction.Status.IN_PROGRESS,
            progress=40,
        )
        pdf = national_report_pdf(est_current)
        transaction.set_rollback(True)
    return pdf


def test_a_draft_report_shows_what_a_reader_checks(draft_report):
    pages = pdf_pages(draft_report)
    text = " ".join(pages)
    cover = pages[0]

    # Cover: nation, cycle, status.
    assert "Estonia" in cover and "Assessment cycle 2026" in cover and "Draft" in cover
    # The marking in the header and the footer of every page, and DRAFT on every page.
    marking = settings.CLASSIFICATION_MARKING
    for page in pages:
        assert page.count(marking) >= 2
        assert "DRAFT" in page
    # "Page X of Y" on every page, consistent with the real page count.
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    # All seven requirements, the justification, the open query but not the resolved one.
    for title in SEVEN_TITLES:
        assert title in text
    assert "Oil stocks verified by the Estonian Stockpiling Agency in March." in text
    assert "Which stock count is this based on?" in text
    assert "A resolved question." not in text
    # The overdue action is marked in words, not only in colour.
    action_at = text.index("Harden the regional backup power sites")
    assert "Overdue" in text[action_at : action_at + 300]
    assert "1 plan action is overdue." in text
    # The annex explains the method.
    assert "level × 20" in text and "weighted mean" in text


def test_the_contents_give_the_page_where_each_part_starts(draft_report):
    pdf = draft_report
    pages = pdf_pages(pdf)
    contents_at = next(i for i, page in enumerate(pages) if "Contents" in page)
    # The layout mode keeps each entry and its page number on one line, as printed.
    contents = PdfReader(io.BytesIO(pdf)).pages[contents_at].extract_text(extraction_mode="layout")

    def listed(entry):
        return int(re.search(re.escape(entry) + r" +(\d+)", contents).group(1))

    for heading in ["Summary", "National resilience goals", "Implementation plan", "Annex: scoring method"]:
        starts = next(i for i, page in enumerate(pages) if i > contents_at and heading in page) + 1
        assert listed(heading) == starts, heading
    for number, title in enumerate(SEVEN_TITLES, start=1):
        page = pages[listed(f"BLR-{number} {title}") - 1]
        assert f"BLR-{number} {title}" in page and f"BLR-{number}.1 " in page


def test_the_summary_table_and_radar_compare_with_the_previous_cycle(draft_report, est_current):
    text = pdf_text(draft_report)
    assert "Trend since 2025" in text
    assert "Requirement scores (0–100), this cycle against the previous one" in text
    # The radar's data table names both cycles.
    assert "Data of the chart" in text
    requirement = Requirement.objects.get(framework=est_current.cycle.framework, number=1)
    assert f"{requirement.code} {requirement.title}" in text


def test_after_submission_the_archived_report_has_no_watermark_and_its_sha256(est_current):
    planner = get_user_model().objects.get(username="planner-est")
    answer_everything(est_current)
    submission = services.assessment_submit(assessment=est_current, by=planner)

    with submission.pdf.open("rb") as stored:
        pdf = stored.read()
    assert hashlib.sha256(pdf).hexdigest() == submission.sha256
    pages = pdf_pages(pdf)
    assert all("DRAFT" not in page for page in pages)
    assert "Submitted" in pages[0] and "Estonia" in pages[0]
    assert all(page.count(settings.CLASSIFICATION_MARKING) >= 2 for page in pages)
