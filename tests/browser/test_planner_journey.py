"""The national coordinator's journey in a real browser: answer every indicator of the open cycle,
upload evidence, add a goal and a plan action, and submit. Visible names and labels only."""

import re

from assessments.models import Assessment, Evidence, Submission
from tests.browser.support import answer_what_is_unanswered, axe, expect, log_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_planner_answers_everything_adds_a_goal_and_an_action_and_submits(page):
    assessment = Assessment.objects.get(nation__code="EST", status=Assessment.Status.DRAFT)
    unanswered_before = assessment.answers.filter(level__isnull=True, value__isnull=True).count()
    assert unanswered_before > 0

    log_in(page, "planner-est")
    page.get_by_role("link", name=re.compile(r"^Open the .* assessment$")).click()
    axe(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Estonia: .* assessment$"))

    # Every requirement page: answer what is still open, Save.
    page.get_by_role("navigation", name="Assessment sections").get_by_role(
        "link", name="Requirements"
    ).click()
    answered = 0
    for number in range(1, 8):
        page.get_by_role("navigation", name="Requirements").get_by_role("link", name=f"BLR-{number}").click()
        axe(page)
        answered += answer_what_is_unanswered(page)
        page.get_by_role("button", name="Save", exact=True).click()
        axe(page, context=f"(after saving BLR-{number})")
        expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    assert answered == unanswered_before

    # Evidence: upload a file for the oil stocks indicator, from its requirement page.
    page.get_by_role("navigation", name="Requirements").get_by_role("link", name="BLR-2").click()
    axe(page)
    page.get_by_role("link", name="Add or remove evidence for BLR-2.1").click()
    axe(page)
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "oil-stocks-report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    axe(page, context="(after uploading)")
    expect(page.get_by_role("link", name="oil-stocks-report.pdf")).to_be_visible()
    page.get_by_role("link", name="Back to BLR-2").click()
    axe(page)

    # The checklist lists no unanswered indicator; any evidence still required is cited from it.
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Submit").click()
    axe(page)
    expect(page.get_by_text(re.compile(r"has no (level|value) yet"))).to_have_count(0)
    evidence_links = page.get_by_role("link", name=re.compile(r"^Add evidence for BLR-"))
    while evidence_links.count():
        evidence_links.first.click()
        axe(page)
        page.get_by_label("Cited document", exact=True).fill("National resilience review 2026, annex B")
        page.get_by_role("button", name="Add citation").click()
        axe(page, context="(after citing)")
        page.get_by_role("link", name=re.compile(r"^Back to BLR-")).click()
        page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Submit").click()
        axe(page)

    # A goal under an objective, and a plan action serving it.
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Goals").click()
    axe(page)
    page.get_by_role("link", name="Add a goal").click()
    axe(page)
    page.get_by_label("Objective", exact=True).select_option(
        label="BLR-2.O2 Restore power quickly after a major outage"
    )
    page.get_by_label("Title", exact=True).fill("Black-start restoration within 24 hours")
    page.get_by_label("Baseline", exact=True).fill("60")
    page.get_by_label("Target", exact=True).fill("24")
    page.get_by_label("Unit", exact=True).fill("hours")
    page.get_by_label("Target date", exact=True).fill("2028-12-31")
    page.get_by_label("Status", exact=True).select_option(label="On track")
    page.get_by_role("button", name="Save", exact=True).click()
    axe(page, context="(after adding a goal)")
    expect(
        page.get_by_role("rowheader", name=re.compile("Black-start restoration within 24 hours"))
    ).to_be_visible()

    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Plan").click()
    axe(page)
    page.get_by_role("link", name="Add an action").click()
    axe(page)
    page.get_by_label("Title", exact=True).fill("Black-start exercise with the transmission operator")
    page.get_by_label("Lead organisation", exact=True).fill("Ministry of Climate")
    page.get_by_label("Sector", exact=True).select_option(label="Private sector")
    page.get_by_label("Start", exact=True).fill("2027-01-15")
    page.get_by_label("Due", exact=True).fill("2027-10-31")
    page.get_by_label("Status", exact=True).select_option(label="Not started")
    page.get_by_label("Progress (%)", exact=True).fill("0")
    page.get_by_role("checkbox", name=re.compile("Black-start restoration within 24 hours")).check()
    page.get_by_role("button", name="Save", exact=True).click()
    axe(page, context="(after adding an action)")
    expect(
        page.get_by_role("rowheader", name=re.compile("Black-start exercise with the transmission operator"))
    ).to_be_visible()

    # Submit: nothing blocks any more; confirm and press "Submit assessment".
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Submit").click()
    axe(page)
    expect(
        page.get_by_text("Every indicator is answered and every required piece of evidence is there.")
    ).to_be_visible()
    page.get_by_label(re.compile("I confirm that this assessment is complete")).check()
    page.get_by_role("button", name="Submit assessment").click()
    axe(page, context="(after submitting)")
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.answers.filter(level__isnull=True, value__isnull=True).count() == 0
    assert Evidence.objects.filter(
        answer__assessment=assessment, original_name="oil-stocks-report.pdf"
    ).exists()
    assert assessment.goals.filter(title="Black-start restoration within 24 hours").exists()
    submission = Submission.objects.get(assessment=assessment)
    assert len(submission.sha256) == 64
