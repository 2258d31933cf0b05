"""Real-browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, language) per test. No request may leave
the live server: anything else is aborted and fails the test, as do Content-Security-Policy violations
and uncaught script errors. Every page a journey lands on must have been checked by axe-core.

Without Chromium at /usr/bin/chromium, or without the playwright package, the tests are reported
SKIPPED with the reason; they are never passed silently."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls
    # under a running loop unless told that this (test) thread may make them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    except Exception as error:  # a broken install must say so, not pass
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}")
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, live_server, locale):
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    own = urlsplit(live_server.url).netloc
    page = context.new_page()
    page.foreign_requests = []
    page.problems = []
    page.visited = []
    page.axe_checked = set()

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == own:
            route.continue_()
        else:
            page.foreign_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)

    def on_console(message):
        # Scripts evaluated by the test itself (axe-core) have no URL; the app's own have one.
        from_the_app = bool(message.location.get("url"))
        if message.type == "error" and "Content Security Policy" in message.text and from_the_app:
            page.problems.append(f"CSP violation on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"script error on {page.url}: {error}"))

    def on_navigated(frame):
        if frame == page.main_frame and frame.url.startswith(live_server.url):
            page.visited.append(frame.url.split("#", 1)[0])

    page.on("framenavigated", on_navigated)
    return context, page


def _finish(context, page):
    context.close()
    assert page.foreign_requests == [], f"requests to other hosts were attempted: {page.foreign_requests}"
    assert page.problems == [], "\n".join(page.problems)
    unchecked = sorted({url for url in page.visited if url not in page.axe_checked})
    assert unchecked == [], f"pages reached without an axe-core check: {unchecked}"


@pytest.fixture
def page(browser, live_server, seeded):
    """A page in a fresh English context, on the seeded demo served by the live server."""
    context, page = _new_page(browser, live_server, "en-GB")
    yield page
    _finish(context, page)


@pytest.fixture
def page_fr(browser, live_server, seeded):
    """The same, for a browser whose preferred language is French."""
    context, page = _new_page(browser, live_server, "fr-FR")
    yield page
    _finish(context, page)
