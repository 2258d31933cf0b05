"""The NATO reviewer's journey in a real browser: inbox, return one submission with a reason, accept
another, compare, export XLSX, the national and the alliance PDF. Visible names and labels only."""

import io
import re

from openpyxl import load_workbook

from assessments.models import Assessment
from tests.browser.support import axe, expect, log_in


def download(page, name, *, role="link"):
    """Press the link or button and return the downloaded file's name and bytes."""
    with page.expect_download() as info:
        page.get_by_role(role, name=name).click()
    result = info.value
    with open(result.path(), "rb") as handle:
        return result.suggested_filename, handle.read()


def open_inbox(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    axe(page)


def test_reviewer_returns_one_accepts_another_compares_and_exports(page):
    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    canada = Assessment.objects.get(nation__code="CAN", status=Assessment.Status.SUBMITTED)
    cycle = latvia.cycle.name

    log_in(page, "reviewer")
    open_inbox(page)
    page.get_by_label("Cycle", exact=True).select_option(label=cycle)
    page.get_by_label("Status", exact=True).select_option(label="Submitted")
    page.get_by_role("button", name="Filter").click()
    axe(page, context="(filtered)")
    expect(page.get_by_role("link", name=f"Review Latvia {cycle}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Review Estonia"))).to_have_count(0)  # drafts never

    # Return Latvia's submission with a reason; an empty reason is refused next to the field first.
    page.get_by_role("link", name=f"Review Latvia {cycle}").click()
    axe(page)
    name, pdf = download(page, "Download PDF report")
    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")
    page.get_by_role("button", name="Return to nation").click()
    axe(page, context="(return refused: no reason)")
    reason = page.get_by_label(re.compile(r"^Reason for returning"))
    expect(reason).to_have_attribute("aria-invalid", "true")
    latvia.refresh_from_db()
    assert latvia.status == Assessment.Status.SUBMITTED
    reason.fill("BLR-2.1 cites no stock report; attach the 2026 IEA return and resubmit.")
    page.get_by_role("button", name="Return to nation").click()
    axe(page, context="(after returning)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Returned")
    latvia.refresh_from_db()
    assert latvia.status == Assessment.Status.RETURNED
    assert "IEA return" in latvia.return_reason

    # Accept Canada's.
    open_inbox(page)
    page.get_by_role("link", name=f"Review Canada {cycle}").click()
    axe(page)
    page.get_by_role("button", name="Accept").click()
    axe(page, context="(after accepting)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accepted")
    canada.refresh_from_db()
    assert canada.status == Assessment.Status.ACCEPTED

    # Compare: the heatmap shows the numbers, not colour alone; every comparison page is checked.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    axe(page)
    page.get_by_label("Cycle", exact=True).select_option(label=cycle)
    page.get_by_role("button", name="Compare").click()
    axe(page, context="(heatmap)")
    canada_row = page.get_by_role("row", name=re.compile(r"^Canada "))
    expect(canada_row.get_by_role("cell").first).to_have_text(re.compile(r"\d"))
    for view in ("Collective view", "Side by side", "One nation over cycles", "Two cycles"):
        page.get_by_role("navigation", name="Comparisons").get_by_role("link", name=view).click()
        axe(page, context=f"({view})")
    page.get_by_role("navigation", name="Comparisons").get_by_role("link", name="Heatmap").click()
    axe(page)

    name, xlsx = download(page, "Export XLSX")
    assert name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(xlsx), read_only=True)
    cells = [
        str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row
    ]
    assert "Canada" in cells and "Estonia" not in cells

    # The alliance comparative PDF (rendered by the background task; immediate in tests).
    page.get_by_role("button", name="Prepare the alliance PDF report").click()
    axe(page, context="(alliance report)")
    name, pdf = download(page, "Download the alliance PDF report")
    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")
