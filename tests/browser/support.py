"""What the browser journeys share: logging in through the pages (with the second factor where it is
required), and axe-core on the page in front of the user.

Everything here acts the way a person does: visible names and labels, never CSS selectors."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips every test, with the reason
    expect = None

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# The rules that fail a journey: every serious or critical violation, and these few of lesser impact
# that the issue names (headings in order, one main landmark, one h1).
FAILING_IMPACTS = {"serious", "critical"}
ALSO_FAILING_RULES = {"heading-order", "page-has-heading-one", "landmark-one-main", "label"}
# In English and French alike, the names of DESIGN section 8 and the login form.
NAMES = {
    "en": {
        "username": "Username",
        "password": "Password",
        "log_in": "Log in",
        "log_out": "Log out",
        "code": "Code",
        "verify": "Verify",
        "maturity": "Maturity level",
        "level_1": "Level 1 —",
        "value": "Value (",
        "justification": "Justification",
        "confidence": "Confidence",
        "medium": "Medium",
    },
    "fr": {
        "username": "Nom d’utilisateur",
        "password": "Mot de passe",
        "log_in": "Se connecter",
        "log_out": "Se déconnecter",
        "code": "Code",
        "verify": "Vérifier",
        "maturity": "Niveau de maturité",
        "level_1": "Niveau 1 —",
        "value": "Valeur (",
        "justification": "Justification",
        "confidence": "Degré de confiance",
        "medium": "Moyenne",
    },
}


class AxeViolations(AssertionError):
    pass


def axe(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations, listed readably.

    axe is evaluated through the DevTools protocol, which the page's strict Content-Security-Policy does
    not govern, so the page keeps its real CSP while it is checked (an injected <script> would be refused).
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html}))
            }));
        }"""
    )
    failing = [v for v in result if v["impact"] in FAILING_IMPACTS or v["id"] in ALSO_FAILING_RULES]
    page_checked = getattr(page, "axe_checked", None)
    if page_checked is not None:
        page_checked.add(_without_fragment(page.url))
    if failing:
        raise AxeViolations(_describe(page.url, context, failing))


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _describe(url, context, violations) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {url} {context}".rstrip()]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"      {line}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def current_totp(username: str) -> str:
    """The code the user's authenticator app would show now, from the device's secret (seed_demo gives
    the demo reviewer and admin a fixed one); one step ahead when the current step was already used,
    since a code is accepted only once and the device tolerates one step of clock drift."""
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    assert device is not None, f"{username} has no confirmed TOTP device (seed_demo gives the demo one)"
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    last = device.last_t if device.last_t is not None else -1
    step = max(now_step, last + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def log_in(page, username: str, *, lang: str = "en", password: str = "demo") -> None:  # noqa: S107 (the demo password)
    """Log in through the login page, and pass the second factor when the app asks for it."""
    names = NAMES[lang]
    page.goto("/login/")
    axe(page, context="(login)")
    page.get_by_label(names["username"]).fill(username)
    page.get_by_label(names["password"]).fill(password)
    page.get_by_role("button", name=names["log_in"], exact=True).click()
    page.wait_for_load_state()
    if "/account/otp/verify/" in page.url:
        axe(page, context="(second factor)")
        page.get_by_label(names["code"], exact=True).fill(current_totp(username))
        page.get_by_role("button", name=names["verify"]).click()
        page.wait_for_load_state()
    assert "/login/" not in page.url and "/account/otp/" not in page.url, f"still at {page.url}"
    axe(page, context="(after logging in)")


def log_out(page, *, lang: str = "en") -> None:
    page.get_by_role("button", name=NAMES[lang]["log_out"]).click()
    page.wait_for_load_state()


def answer_what_is_unanswered(page, *, lang: str = "en") -> int:
    """On a requirement page, give every unanswered indicator level 1 or a value, with a
    justification and a confidence; returns how many were answered."""
    names = NAMES[lang]
    answered = 0
    for card in page.get_by_role("region", name=re.compile(r"^BLR-\d+\.\d+ ")).all():
        if card.get_by_role("group", name=names["maturity"]).count():
            if card.get_by_role("radio", checked=True).count():
                continue
            card.get_by_role("radio", name=re.compile("^" + re.escape(names["level_1"]))).check()
        else:
            value = card.get_by_role("spinbutton", name=re.compile("^" + re.escape(names["value"])))
            if value.input_value():
                continue
            value.fill("42")
        card.get_by_label(names["justification"], exact=True).fill("Agreed by the national resilience board.")
        card.get_by_label(names["confidence"], exact=True).select_option(label=names["medium"])
        answered += 1
    return answered
