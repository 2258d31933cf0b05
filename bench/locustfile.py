"""Load scenario (issue 6): planners editing and saving answers, reviewers reading and comparing, PDFs
downloaded. Run through `make bench-load` (bench/load.sh), which starts its own gunicorn and database.

Every request is named by its page (not its ids) so the figures group per page. A response is a failure
when its status is not the expected one; a save refused as a conflict is a correct answer (200 with the
conflict message), not an error."""

import json
import os
import random
import re
from pathlib import Path

import gevent
from html_forms import fields_of
from locust import HttpUser, between, events, task

PASSWORD = "demo"  # the documented demo password of the seeded users
# Sessions made before the run by bench/sessions.py (see there why); empty: every user logs in.
SESSIONS = (
    json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text()) if os.environ.get("BENCH_SESSIONS") else {}
)


# Seconds after the last user started before the figures are taken: every user has run its first page by
# then (the fifty starts come in a burst), and each gunicorn worker has compiled its templates.
WARM_UP = float(os.environ.get("BENCH_WARM_UP", "15"))


@events.init.add_listener
def measure_after_warm_up(environment, **kwargs):
    def start_measuring(user_count):
        gevent.spawn_later(WARM_UP, environment.runner.stats.reset_all)

    environment.events.spawning_complete.add_listener(start_measuring)


class Visitor(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        if SESSIONS.get(self.username):
            self.client.cookies.set("sessionid", SESSIONS[self.username].pop(), domain="127.0.0.1")
            return
        self.log_in()

    def log_in(self):
        page = self.client.get("/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        with self.client.post(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def get(self, url, name, expect=200):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}")
            return response


class Planner(Visitor):
    """A national coordinator or contributor working through the requirement pages."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.username = random.choice(["planner-est", "planner-nor", "contrib-est"])
        super().on_start()
        dashboard = self.get("/dashboard/", "dashboard")
        ids = re.findall(r'href="/assessments/(\d+)/"', dashboard.text)
        self.assessment = ids[0] if ids else None
        self.numbers = [2, 6] if self.username == "contrib-est" else list(range(1, 8))

    @task(3)
    def overview(self):
        if self.assessment:
            self.get(f"/assessments/{self.assessment}/", "assessment overview")

    @task(6)
    def edit_and_save(self):
        if not self.assessment:
            return
        number = random.choice(self.numbers)
        url = f"/assessments/{self.assessment}/requirements/{number}/"
        page = self.get(url, "requirement page")
        fields = fields_of(page.text)
        levels = [name for name in fields if name.endswith("-level")]
        if not levels:
            return
        fields[random.choice(levels)] = str(random.randint(0, 3))
        for name in fields:
            if name.endswith("-justification") and not fields[name]:
                fields[name] = "Assessed by the national authority under load."
        fields["save"] = "save"
        # As a browser does: the save answers with a redirect (302) to the page, then the page is
        # fetched, and timed with the other requirement pages. A refused save answers 200 at once.
        with self.client.post(
            url, fields, name="requirement save", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 302:
                self.get(response.headers["Location"], "requirement page")
            elif response.status_code != 200 or "answer" not in response.text:
                response.failure(f"{response.status_code}")

    @task(1)
    def goals_and_plan(self):
        if self.assessment:
            self.get(f"/assessments/{self.assessment}/goals/", "goals")
            self.get(f"/assessments/{self.assessment}/plan/", "plan")


class Printer(Visitor):
    """A coordinator printing the national progress report (rendered on request: ~1-2 s of CPU each,
    so one such user, printing every 5-10 s, rather than a share of every planner's clicks)."""

    fixed_count = 1
    wait_time = between(5, 10)
    username = "planner-est"

    def on_start(self):
        super().on_start()
        ids = re.findall(r'href="/assessments/(\d+)/"', self.get("/dashboard/", "dashboard").text)
        self.assessment = ids[0] if ids else None

    @task
    def report_pdf(self):
        if self.assessment:
            response = self.get(
                f"/assessments/{self.assessment}/report.pdf", "PDF national report (rendered)"
            )
            if response.status_code == 200 and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")


class Reviewer(Visitor):
    """NATO staff: the inbox, a submission, the comparisons, exports and archived PDFs."""

    weight = 2
    wait_time = between(1, 3)
    username = "reviewer"

    def on_start(self):
        super().on_start()
        inbox = self.get("/review/", "review inbox")
        # In the inbox's order (the assessments awaiting a decision first), as a reviewer works through it.
        self.reviews = list(dict.fromkeys(re.findall(r'href="/review/(\d+)/"', inbox.text))) or [None]
        self.submissions, self.reports = [], []
        for pk in self.reviews[:3]:
            if pk:
                page = self.get(f"/review/{pk}/", "review assessment")
                self.submissions += re.findall(r'href="/submissions/(\d+)/report.pdf"', page.text)
                self.reports += re.findall(r'href="(/assessments/\d+/report.pdf)"', page.text)

    @task(2)
    def inbox(self):
        self.get("/review/", "review inbox")

    @task(3)
    def review(self):
        pk = random.choice(self.reviews)
        if pk:
            self.get(f"/review/{pk}/", "review assessment")

    @task(4)
    def compare(self):
        self.get("/compare/", "compare heatmap")

    @task(2)
    def collective(self):
        self.get("/compare/collective/", "compare collective")

    @task(1)
    def export_csv(self):
        self.get("/compare/export.csv", "export CSV")

    @task(2)
    def archived_pdf(self):
        if self.submissions:
            pk = random.choice(self.submissions)
            response = self.get(f"/submissions/{pk}/report.pdf", "PDF submission (archived)")
            if response.status_code == 200 and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")

    @task(1)
    def report_pdf(self):
        if self.reports:
            response = self.get(random.choice(self.reports), "PDF national report (submitted)")
            if response.status_code == 200 and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")


class Newcomer(Visitor):
    """A few people logging in through the form (Argon2id: about 0.1 s of one core each)."""

    fixed_count = 2
    wait_time = between(5, 10)
    username = "planner-nor"

    def on_start(self):
        pass

    @task
    def log_in_and_out(self):
        self.client.cookies.clear()
        self.log_in()
        self.get("/dashboard/", "dashboard")
