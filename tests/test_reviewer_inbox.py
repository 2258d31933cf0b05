"""The reviewer's inbox: every submitted, returned and accepted assessment, never a draft; filters
by cycle, status and nation; sortable; paginated; with submitted date, completeness and score."""

import re

import pytest
from django.urls import reverse

from assessments import selectors
from assessments.models import Assessment

from .reviewer_support import assessment_of, current_cycle, previous_cycle

pytestmark = pytest.mark.django_db


def listed(response):
    """(nation name, cycle, status) of each row, in order."""
    body = response.content.decode()
    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(
        r'<th scope="row">([^<]+) <span[^>]*>\(\w{3}\)</span></th>\s*<td>([^<]+)</td>\s*'
        r'<td><span class="badge status-(\w+)">',
        tbody,
    )


def everything(client, **params):
    """All rows over all pages."""
    rows, page = [], 1
    while True:
        response = client.get(reverse("review_inbox"), {**params, "page": page})
        rows += listed(response)
        if "Next</a>" not in response.content.decode():
            return rows
        page += 1


def test_inbox_lists_every_submission_and_never_a_draft(reviewer):
    rows = everything(reviewer)

    expected = Assessment.objects.exclude(status="draft").count()
    assert len(rows) == expected
    assert "draft" not in {status for _, _, status in rows}
    current = current_cycle().name
    assert ("Estonia", current) not in {(n, c) for n, c, _ in rows}
    assert ("Latvia", current, "submitted") in rows


def test_inbox_shows_submitted_date_completeness_and_score(reviewer):
    lva = assessment_of("LVA")
    card = selectors.scorecard(lva)

    body = reviewer.get(reverse("review_inbox"), {"nation": "LVA", "cycle": lva.cycle_id}).content.decode()

    row = body[body.index(">Latvia <") :]
    row = row[: row.index("</tr>")]
    assert lva.submitted_at.strftime("%-d %b %Y") in row
    assert f">{round(card.completeness * 100)}%<" in row
    assert f">{card.overall:.1f}<" in row
    assert reverse("review_assessment", args=[lva.pk]) in row


@pytest.mark.parametrize(
    "params, check",
    [
        ({"status": "submitted"}, lambda n, c, s: s == "submitted"),
        ({"status": "accepted"}, lambda n, c, s: s == "accepted"),
        ({"nation": "EST"}, lambda n, c, s: n == "Estonia"),
    ],
)
def test_inbox_filters(reviewer, params, check):
    rows = everything(reviewer, **params)
    assert rows and all(check(*row) for row in rows)


def test_inbox_filters_by_cycle(reviewer):
    rows = everything(reviewer, cycle=current_cycle().pk)
    assert {c for _, c, _ in rows} == {current_cycle().name}
    assert len(rows) == Assessment.objects.filter(cycle=current_cycle(), status="submitted").count()


def test_inbox_shows_returned_assessments(reviewer):
    lva = assessment_of("LVA")
    reviewer.post(reverse("review_return", args=[lva.pk]), {"reason": "Please complete."})
    assert everything(reviewer, status="returned") == [("Latvia", lva.cycle.name, "returned")]


def test_inbox_sorts_by_nation_both_ways(reviewer):
    params = {"cycle": previous_cycle().pk, "sort": "nation"}
    ascending = [n for n, _, _ in everything(reviewer, **params, dir="asc")]
    descending = [n for n, _, _ in everything(reviewer, **params, dir="desc")]
    assert ascending == sorted(ascending) and len(ascending) > 25
    assert descending == ascending[::-1]


def test_inbox_sorts_by_submitted_date_newest_first_by_default(reviewer):
    rows = listed(reviewer.get(reverse("review_inbox")))
    # The current cycle's submissions are the newest.
    assert {c for _, c, _ in rows[:8]} == {current_cycle().name}


def test_inbox_is_paginated(reviewer):
    first = reviewer.get(reverse("review_inbox"))
    total = Assessment.objects.exclude(status="draft").count()
    assert len(listed(first)) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = reviewer.get(reverse("review_inbox"), {"page": 2})
    assert len(listed(second)) == total - 25
    assert set(listed(first)).isdisjoint(listed(second))
    beyond = reviewer.get(reverse("review_inbox"), {"page": 99})
    assert listed(beyond) == listed(second)  # past the end: the last page, not an error


def test_pagination_keeps_the_filters(reviewer):
    body = reviewer.get(reverse("review_inbox"), {"status": "accepted", "sort": "nation"}).content.decode()
    assert "status=accepted" in body[body.index("Next</a>") - 200 : body.index("Next</a>")]


@pytest.mark.parametrize(
    "field, value", [("status", "draft"), ("cycle", "nope"), ("nation", "ZZZ"), ("sort", "x")]
)
def test_bad_filters_get_a_message_and_are_ignored(reviewer, field, value):
    response = reviewer.get(reverse("review_inbox"), {field: value})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "draft" not in {s for _, _, s in listed(response)}
    assert len(listed(response)) == 25
