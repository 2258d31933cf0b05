"""`make screenshots`: pictures of the main pages for the README, taken from the seeded demo so they
stay true.

Builds a scratch SQLite database (migrate + seed_demo) in a temporary folder, serves it with the
development server on a free port of the loopback, logs in as the demo users with Playwright driving
Debian's Chromium (/usr/bin/chromium; nothing but that server may be reached), saves PNGs into
docs/screenshots/, and renders two pages of the national PDF report with pdftoppm."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 960}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, process, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the development server stopped")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


class Camera:
    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.context = self.page = None
        self.foreign: list[str] = []

    def start(self, locale="en-GB"):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(base_url=self.base, viewport=VIEWPORT, locale=locale)
        own = urlsplit(self.base).netloc

        def route(route):
            parts = urlsplit(route.request.url)
            if parts.scheme in ("data", "blob") or parts.netloc == own:
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        return self.page

    def log_in(self, username, *, locale="en-GB"):
        page = self.start(locale)
        page.goto("/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill("demo")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        return page

    def shoot(self, name: str, *, full_page=False):
        path = OUT / f"{name}.png"
        self.page.wait_for_load_state("load")
        self.page.screenshot(path=path, full_page=full_page)
        print(f"  {path.relative_to(ROOT)}")


def take(camera: Camera, workdir: Path) -> None:
    page = camera.start()
    page.goto("/")
    camera.shoot("home")

    page = camera.log_in("planner-est")
    camera.shoot("dashboard")
    page.get_by_role("link", name=re.compile(r"^Open the .* assessment$")).click()
    camera.shoot("assessment-overview")
    overview = page.url
    page.get_by_role("navigation", name="Assessment sections").get_by_role(
        "link", name="Requirements"
    ).click()
    camera.shoot("requirement-page")
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Goals").click()
    camera.shoot("goals")
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Plan").click()
    camera.shoot("plan")
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Submit").click()
    camera.shoot("submit-checklist")
    report = page.request.get(overview.rstrip("/") + "/report.pdf")
    assert report.ok, report.status
    pdf = workdir / "report.pdf"
    pdf.write_bytes(report.body())

    page = camera.log_in("planner-est", locale="fr-FR")
    page.get_by_role("link", name=re.compile(r"^Ouvrir l’évaluation")).click()
    camera.shoot("assessment-overview-fr")

    page = camera.log_in("reviewer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    camera.shoot("reviewer-inbox")
    page.get_by_role("link", name=re.compile(r"^Review Latvia ")).first.click()
    camera.shoot("review")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    camera.shoot("compare-heatmap", full_page=True)
    page.get_by_role("navigation", name="Comparisons").get_by_role("link", name="Collective view").click()
    camera.shoot("compare-collective")

    # Two pages of the national report: the cover and the summary.
    prefix = workdir / "report"
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "3", str(pdf), str(prefix)], check=True)
    pages = sorted(workdir.glob("report-*.png"))
    for source, name in zip(pages[:1] + pages[2:3], ["report-cover", "report-summary"], strict=False):
        shutil.copy(source, OUT / f"{name}.png")
        print(f"  {(OUT / f'{name}.png').relative_to(ROOT)}")


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is not installed (Debian: apt-get install poppler-utils)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rb-screenshots-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "DJANGO_DEBUG": "true",
            "OTP_REQUIRED": "false",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
        print("Seeding a scratch database ...")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo", "--verbosity", "0")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{base}/healthz", server)
            print(f"Taking screenshots from {base} ...")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
                )
                camera = Camera(browser, base)
                try:
                    take(camera, workdir)
                finally:
                    browser.close()
            if camera.foreign:
                print(f"Requests to other hosts were attempted: {camera.foreign}", file=sys.stderr)
                return 1
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
