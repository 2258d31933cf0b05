"""axe-core on the pages the three journeys pass by without stopping, and on error states: a refused
login, a form sent back with errors (each error linked to its field), a read-only requirement, the
comparison pages with their choices made, the second-factor pages. One seeded database for all."""

import re

from assessments.models import Assessment
from tests.browser.support import answer_what_is_unanswered, axe, expect, log_in, log_out


def sections(page, name, *, nav="Assessment sections"):
    page.get_by_role("navigation", name=nav).get_by_role("link", name=name).click()
    axe(page, context=f"({name})")


def cancel(page):
    page.get_by_role("link", name="Cancel").click()
    axe(page, context="(after Cancel)")


def assert_error_is_linked(page, field):
    """The field is marked invalid and its description (aria-describedby) holds the error message."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby") or ""
    texts = [page.locator(f"[id='{ident}']").inner_text() for ident in described.split()]
    assert any(text.strip() for text in texts), f"no error text linked to the field ({described!r})"


def test_pages_and_error_states_off_the_journeys_pass_axe(page):
    page.goto("/")
    axe(page, context="(home, anonymous)")
    # The keyboard: the first Tab reaches the skip link, which shows itself with a visible focus ring.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert not outline.startswith("none") and not outline.endswith(" 0px"), outline
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill("planner-est")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in", exact=True).click()
    axe(page, context="(refused login)")
    expect(page.get_by_role("alert")).to_be_visible()

    # A national coordinator's other pages.
    log_in(page, "planner-est")
    page.get_by_role("link", name=re.compile(r"^Open the .* assessment$")).click()
    axe(page)
    sections(page, "Stress test")
    sections(page, "Reviewer queries")
    sections(page, "Goals")
    page.get_by_role("link", name=re.compile(r"^Edit ")).first.click()
    axe(page, context="(edit goal)")
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    axe(page, context="(goal refused: no title)")
    assert_error_is_linked(page, page.get_by_label("Title", exact=True))
    cancel(page)
    page.get_by_role("link", name=re.compile(r"^Delete ")).first.click()
    axe(page, context="(delete confirmation)")
    cancel(page)
    sections(page, "Plan")
    page.get_by_role("link", name="Edit plan").click()
    axe(page, context="(edit plan)")
    cancel(page)
    page.get_by_role("link", name=re.compile(r"^Edit Action ")).first.click()
    axe(page, context="(edit action)")
    cancel(page)
    sections(page, "Requirements")
    page.get_by_role("link", name=re.compile(r"^What changed in BLR-1\.1$")).click()
    axe(page, context="(answer history)")
    page.goto("/account/security/")
    axe(page, context="(account security)")
    page.get_by_role("link", name="Set up an authenticator app").click()
    axe(page, context="(second factor enrolment)")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    log_out(page)
    axe(page, context="(logged out)")

    # A contributor reads a requirement held by others.
    log_in(page, "contrib-est")
    page.get_by_role("link", name=re.compile(r"^Open the .* assessment$")).click()
    axe(page)
    sections(page, "Requirements")  # BLR-1, which contrib-est does not hold
    expect(page.get_by_text(re.compile("You can read this requirement but not change it"))).to_be_visible()
    log_out(page)

    # A reviewer: an accepted assessment of the closed cycle, a comment refused for want of text, and
    # each comparison with its choices made.
    log_in(page, "reviewer")
    accepted = Assessment.objects.filter(nation__code="NOR", status=Assessment.Status.ACCEPTED).get()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    axe(page)
    page.get_by_label("Nation", exact=True).select_option(label="Norway (NOR)")
    page.get_by_role("button", name="Filter").click()
    axe(page)
    page.get_by_role("link", name=f"Review Norway {accepted.cycle.name}").click()
    axe(page, context="(accepted assessment)")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    axe(page)
    comparisons = page.get_by_role("navigation", name="Comparisons")
    comparisons.get_by_role("link", name="Side by side").click()
    axe(page)
    page.get_by_label("Nation 1", exact=True).select_option(label="Latvia (LVA)")
    page.get_by_label("Nation 2", exact=True).select_option(label="Canada (CAN)")
    page.get_by_role("button", name="Compare").click()
    axe(page, context="(side by side, chosen)")
    comparisons.get_by_role("link", name="One nation over cycles").click()
    axe(page)
    page.get_by_label("Nation", exact=True).select_option(label="Estonia (EST)")
    page.get_by_role("button", name="Compare").click()
    axe(page, context="(trend, chosen)")
    comparisons.get_by_role("link", name="Two cycles").click()
    axe(page)
    page.get_by_label("Nation", exact=True).select_option(label="Latvia (LVA)")
    page.get_by_label("From cycle", exact=True).select_option(index=1)
    page.get_by_label("To cycle", exact=True).select_option(index=0)
    page.get_by_role("button", name="Compare").click()
    axe(page, context="(two cycles, chosen)")
    page.goto("/account/security/")
    axe(page, context="(reviewer account security)")
    log_out(page)

    in_french(page)


def in_french(page):
    """The same pages in French, chosen with the language switcher: a planner answers and saves, a
    reviewer is refused a return without reason, accepts, compares and exports."""
    page.get_by_label("Language", exact=True).select_option(label="Français")
    page.get_by_role("button", name="Change language").click()
    axe(page, context="(French)")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    log_in(page, "planner-est", lang="fr")
    page.get_by_role("link", name=re.compile(r"^Ouvrir l’évaluation ")).click()
    axe(page)
    expect(page.get_by_role("link", name="Soumettre l’évaluation")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le rapport PDF")).to_be_visible()
    sections(page, "Exigences", nav="Sections de l’évaluation")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Continuité assurée des pouvoirs publics")
    assert answer_what_is_unanswered(page, lang="fr") > 0
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    axe(page, context="(French, saved)")
    expect(page.get_by_text(re.compile(r"réponses? enregistrées?\."))).to_be_visible()
    sections(page, "Soumettre", nav="Sections de l’évaluation")
    expect(page.get_by_role("heading", name=re.compile(r"empêchent? la soumission"))).to_be_visible()
    log_out(page, lang="fr")

    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    log_in(page, "reviewer", lang="fr")
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Boîte de réception").click()
    axe(page)
    page.get_by_role("link", name=f"Examiner Lettonie {latvia.cycle.name}").click()
    axe(page)
    page.get_by_role("button", name="Renvoyer au pays").click()
    axe(page, context="(French, return refused)")
    reason = page.get_by_label(re.compile(r"^Motif du renvoi"))
    assert_error_is_linked(page, reason)
    page.get_by_role("button", name="Accepter").click()
    axe(page, context="(French, accepted)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptée")
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Comparer").click()
    axe(page)
    page.get_by_role("button", name="Comparer").click()
    axe(page)
    expect(page.get_by_role("table", name=re.compile(r"^Scores de chaque pays"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    log_out(page, lang="fr")
