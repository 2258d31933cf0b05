"""The administrator's journey in a real browser: copy the published framework as a draft, edit one
rubric descriptor, publish the draft, open a new cycle on it. Visible names and labels only."""

import re
from datetime import timedelta

from django.utils import timezone

from assessments.models import Assessment, Cycle
from baselines.models import Framework, LevelDescriptor
from tests.browser.support import axe, expect, log_in

NEW_TEXT = "Succession lists are tested in a national exercise every year (revised in the browser journey)."


def test_administrator_revises_the_framework_and_opens_a_cycle_on_it(page):
    published = Framework.objects.get(status=Framework.Status.PUBLISHED)
    old_text = LevelDescriptor.objects.get(
        indicator__framework=published, indicator__code="BLR-1.1", level=3
    ).text

    log_in(page, "admin")
    page.get_by_role("link", name="Administration").click()
    axe(page)
    page.get_by_role("link", name="Frameworks", exact=True).first.click()
    axe(page)

    # Copy the published framework as a new draft (admin action).
    page.get_by_role(
        "checkbox", name=re.compile(r"^Select this object for an action - .*\(Published\)$")
    ).check()
    page.get_by_label("Action:").select_option(label="Copy as new draft")
    page.get_by_role("button", name="Go").click()
    axe(page)
    expect(page.get_by_text(re.compile(r"Created .* v2 \(Draft\)\."))).to_be_visible()
    draft = Framework.objects.get(status=Framework.Status.DRAFT)

    # Edit a rubric descriptor of one indicator of the draft: filter the indicators by framework.
    page.get_by_role("link", name="Indicators", exact=True).first.click()
    axe(page)
    page.get_by_role("link", name=f"{draft}", exact=True).click()
    axe(page)
    page.get_by_role("link", name="BLR-1.1", exact=True).click()
    axe(page)
    page.get_by_label("Level 3: Descriptor", exact=True).fill(NEW_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()
    axe(page)
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    # Publish the draft.
    page.get_by_role("link", name="Frameworks", exact=True).first.click()
    page.get_by_role("checkbox", name=re.compile(r"^Select this object for an action - .*\(Draft\)$")).check()
    page.get_by_label("Action:").select_option(label="Publish")
    page.get_by_role("button", name="Go").click()
    axe(page)
    expect(page.get_by_text(re.compile(r"Published .* v2 \(Published\)\."))).to_be_visible()

    # Open a new cycle on it, then its draft assessments for every Ally.
    today = timezone.localdate()
    opens, due, closes = today + timedelta(days=300), today + timedelta(days=400), today + timedelta(days=430)
    page.get_by_role("link", name="Cycles", exact=True).first.click()
    axe(page)
    page.get_by_role("link", name="Add cycle").click()
    axe(page)
    page.get_by_label("Name:").fill("2099")
    page.get_by_label("Framework:").select_option(label=f"{Framework.objects.get(pk=draft.pk)}")
    page.get_by_label("Opens on:").fill(opens.isoformat())
    page.get_by_label("Due on:").fill(due.isoformat())
    page.get_by_label("Closes on:").fill(closes.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    axe(page)
    expect(page.get_by_text(re.compile(r"The cycle .*2099.* was added successfully"))).to_be_visible()
    page.get_by_role("checkbox", name="Select this object for an action - 2099").check()
    page.get_by_label("Action:").select_option(label="Open a draft assessment for every Ally")
    page.get_by_role("button", name="Go").click()
    axe(page)
    expect(page.get_by_text("2099: 32 assessments opened.")).to_be_visible()

    # What the administrator relies on: the old framework and its past assessments are untouched, the
    # new cycle asks the revised question.
    cycle = Cycle.objects.get(name="2099")
    assert cycle.framework_id == draft.pk
    assert Framework.objects.get(pk=draft.pk).status == Framework.Status.PUBLISHED
    assert LevelDescriptor.objects.get(
        indicator__framework=published, indicator__code="BLR-1.1", level=3
    ).text == (old_text)
    revised = LevelDescriptor.objects.get(
        indicator__framework_id=draft.pk, indicator__code="BLR-1.1", level=3
    )
    assert revised.text == NEW_TEXT
    estonia = Assessment.objects.get(cycle=cycle, nation__code="EST")
    assert estonia.answers.count() == draft.indicators.count()
