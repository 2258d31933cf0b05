"""Headers every page carries (issue 6): a strict, enforced Content Security Policy and the other browser
protections; and no template relies on inline script or style, which that policy would block."""

import re
from pathlib import Path

import pytest

from .conftest import client_for

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(header):
    parsed = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            parsed[name] = value.strip()
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, url",
    [("anonymous", "/login/"), ("planner-est", "/dashboard/"), ("admin", "/admin/"), ("anonymous", "/")],
)
def test_pages_carry_a_strict_enforced_policy_and_the_browser_protections(who, url):
    from django.test import Client

    client = Client() if who == "anonymous" else client_for(who)
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    for name, value in POLICY.items():
        assert policy[name] == value, name
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_http_only_and_same_site():
    from django.test import Client

    client = Client()
    client.get("/login/")
    response = client.post("/login/", {"username": "planner-est", "password": "demo"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 12 * 3600


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S), "style= attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def html_files():
    folders = [ROOT / "templates", ROOT / "static", *ROOT.glob("*/templates")]
    for folder in folders:
        if ".venv" in folder.parts:
            continue
        yield from folder.rglob("*.html")


def test_no_template_has_inline_script_or_style():
    problems = []
    files = list(html_files())
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "Move these to static files (CSP forbids them):\n" + "\n".join(problems)


def test_the_scan_catches_what_it_should():
    bad = ["<script>alert(1)</script>", '<div style="color:red">', '<a onclick="x()">', "<style>p{}</style>"]
    good = ['<script src="/static/js/app.js"></script>', '<div class="x">', "<p>one=two</p>"]
    assert all(any(p.search(html) for p, _ in INLINE) for html in bad)
    assert not any(p.search(html) for html in good for p, _ in INLINE)
