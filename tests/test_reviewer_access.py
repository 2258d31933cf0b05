"""Every reviewer URL for every persona: reviewers get the page, national users and administrators
(who are not reviewers) get 404 as if it did not exist, anonymous visitors go to the login page.
A reviewer reaches no draft by any URL. The nation's Queries page and the comment actions follow the
assessment's own visibility."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment

from .reviewer_support import assessment_of, previous_cycle, submit, user

pytestmark = pytest.mark.django_db
NATIONAL = ["planner-est", "contrib-est", "planner-nor", "admin"]
FAKE_REPORT = "report-in-this-session"


@pytest.fixture
def urls(personas):
    """(method, url) of every reviewer page; the reviewer's session holds one (failed) report."""
    lva = assessment_of("LVA")
    cycle = previous_cycle()
    session = personas["reviewer"].session
    session["alliance_reports"] = {
        FAKE_REPORT: {
            "cycle": cycle.pk,
            "cycle_name": cycle.name,
            "status": "FAILED",
            "name": "",
            "requested_at": "2026-01-01T00:00:00+00:00",
        }
    }
    session.save()
    return [
        ("get", reverse("review_inbox")),
        ("get", reverse("review_assessment", args=[lva.pk])),
        ("post", reverse("review_accept", args=[lva.pk])),
        ("post", reverse("review_return", args=[lva.pk])),
        ("post", reverse("review_comment_add", args=[lva.pk])),
        ("get", reverse("compare")),
        ("get", reverse("compare_collective")),
        ("get", reverse("compare_side_by_side") + "?nation_1=EST&nation_2=NOR"),
        ("get", reverse("compare_trend") + "?nation=EST"),
        ("get", reverse("compare_diff") + "?nation=EST"),
        ("get", reverse("compare_export_xlsx")),
        ("get", reverse("compare_export_csv")),
        ("post", reverse("alliance_report_request")),
        ("get", reverse("alliance_report_status", args=[FAKE_REPORT])),
    ]


@pytest.mark.parametrize("persona", NATIONAL)
def test_national_users_and_administrators_find_no_reviewer_page(personas, urls, persona):
    client = personas[persona]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, (persona, method, url)


def test_anonymous_visitors_are_sent_to_log_in(personas, urls):
    for method, url in urls:
        response = getattr(personas["anonymous"], method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_reviewer_reaches_every_page(personas, urls):
    for method, url in urls:
        # A POST without data is refused politely (a message or the form again), never a 500.
        assert getattr(personas["reviewer"], method)(url).status_code in (200, 302), url


def test_reviewer_reaches_no_draft_by_any_url(reviewer, est_current):
    thread = services.comment_add(assessment=est_current, by=user("reviewer"), body="left from a return")
    for method, url in [
        ("get", reverse("review_assessment", args=[est_current.pk])),
        ("post", reverse("review_accept", args=[est_current.pk])),
        ("post", reverse("review_return", args=[est_current.pk])),
        ("post", reverse("review_comment_add", args=[est_current.pk])),
        ("get", reverse("assessment_queries", args=[est_current.pk])),
        ("post", reverse("comment_reply", args=[thread.pk])),
        ("post", reverse("comment_resolve", args=[thread.pk])),
        ("get", reverse("assessment_overview", args=[est_current.pk])),
    ]:
        assert getattr(reviewer, method)(url, {"body": "x", "reason": "x"}).status_code == 404, url
    inbox = reviewer.get(reverse("review_inbox"), {"nation": "EST"}).content.decode()
    assert reverse("review_assessment", args=[est_current.pk]) not in inbox
    est_current.refresh_from_db()
    assert est_current.status == Assessment.Status.DRAFT


@pytest.mark.parametrize(
    "persona, queries, reply, resolve",
    [
        ("planner-est", 200, 302, 403),
        ("contrib-est", 200, 302, 403),  # an assessment-wide query: contributors may answer
        ("planner-nor", 404, 404, 404),
        ("admin", 404, 404, 404),
        ("reviewer", 302, 302, 302),
    ],
)
def test_queries_and_comment_actions_per_persona(personas, est_current, persona, queries, reply, resolve):
    submit(est_current)
    thread = services.comment_add(assessment=est_current, by=user("reviewer"), body="Is BLR-1 complete?")
    client = personas[persona]

    assert client.get(reverse("assessment_queries", args=[est_current.pk])).status_code == queries
    assert client.post(reverse("comment_reply", args=[thread.pk]), {"body": "Yes"}).status_code == reply
    assert client.post(reverse("comment_resolve", args=[thread.pk])).status_code == resolve


def test_nav_shows_inbox_and_compare_to_reviewers_only(personas):
    reviewer_page = personas["reviewer"].get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("review_inbox")}">Inbox<' in reviewer_page
    assert f'href="{reverse("compare")}">Compare<' in reviewer_page
    for persona in NATIONAL:
        page = personas[persona].get(reverse("dashboard")).content.decode()
        assert reverse("review_inbox") not in page and f'href="{reverse("compare")}"' not in page
