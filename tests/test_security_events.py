"""The security log of what users do with the data (issue 6): exports and downloads, submissions and
decisions, each with who, what, when and from where; refused decisions are not logged as made."""

import logging

import pytest

from assessments.models import Assessment

from .conftest import client_for
from .test_no_lost_data import make_submittable

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="security")

    def events(name):
        return [
            r.security_event for r in caplog.records if getattr(r, "security_event", {}).get("event") == name
        ]

    return events


def test_exports_are_logged(log):
    reviewer = client_for("reviewer")
    assert reviewer.get("/compare/export.csv", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert reviewer.get("/compare/export.xlsx").status_code == 200
    (csv_event,) = log("export.csv")
    assert (csv_event["user"], csv_event["ip"], csv_event["path"]) == (
        "reviewer",
        "192.0.2.10",
        "/compare/export.csv",
    )
    assert csv_event["at"]
    assert len(log("export.xlsx")) == 1


def test_a_submission_is_logged(log, nor_current):
    make_submittable(nor_current)
    planner = client_for("planner-nor")
    response = planner.post(f"/assessments/{nor_current.pk}/submit/", {"confirm": "on"})
    assert response.status_code == 302
    (event,) = log("assessment.submitted")
    assert (event["user"], event["assessment"]) == ("planner-nor", nor_current.pk)


def test_a_refused_submission_is_not_logged_as_made(log, est_current):
    response = client_for("planner-est").post(f"/assessments/{est_current.pk}/submit/", {"confirm": "on"})
    assert response.status_code == 200
    assert log("assessment.submitted") == []


def test_decisions_are_logged(log):
    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    lithuania = Assessment.objects.get(nation__code="LTU", status=Assessment.Status.SUBMITTED)
    reviewer = client_for("reviewer")
    assert reviewer.post(f"/review/{latvia.pk}/accept/").status_code == 302
    assert (
        reviewer.post(
            f"/review/{lithuania.pk}/return/", {"reason": "Evidence for BLR-2.1 missing."}
        ).status_code
        == 302
    )
    assert [e["assessment"] for e in log("decision.accepted")] == [latvia.pk]
    assert [e["assessment"] for e in log("decision.returned")] == [lithuania.pk]
    # Accepting again is refused (it is no longer submitted): no second event.
    reviewer.post(f"/review/{lithuania.pk}/accept/")
    assert len(log("decision.accepted")) == 1


def test_downloads_are_logged_and_denials_too(log):
    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    submission = latvia.submissions.first()
    assert client_for("reviewer").get(f"/submissions/{submission.pk}/report.pdf").status_code == 200
    assert client_for("planner-est").get(f"/submissions/{submission.pk}/report.pdf").status_code == 404
    (download,) = log("download.submission_pdf")
    assert (download["user"], download["pk"]) == ("reviewer", submission.pk)
    (denied,) = log("access.not_found")
    assert denied["user"] == "planner-est" and denied["path"] == f"/submissions/{submission.pk}/report.pdf"
