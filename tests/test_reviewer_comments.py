"""Comment threads: reviewers raise queries on an assessment or one answer; the nation sees them on
its "Queries" page and replies (coordinator anywhere, contributor on assessment-wide threads and on
the answers of the requirements they hold); reviewers' notes stay with reviewers; nobody of another
nation sees or writes anything."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Comment

from .reviewer_support import submit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def est_submitted(est_current):
    return submit(est_current, by=user("planner-est"))


def answer_in(assessment, number):
    return (
        assessment.answers.filter(indicator__requirement__number=number).select_related("indicator").first()
    )


def raise_query(client, assessment, body, answer=None, kind="query"):
    data = {"body": body, "kind": kind}
    if answer is not None:
        data["answer"] = answer.pk
    return client.post(reverse("review_comment_add", args=[assessment.pk]), data)


def queries_page(client, assessment):
    return client.get(reverse("assessment_queries", args=[assessment.pk]))


def test_query_on_an_answer_reaches_the_nation_and_its_reply_reaches_the_reviewer(
    reviewer, planner_est, est_submitted
):
    answer = answer_in(est_submitted, 2)
    response = raise_query(reviewer, est_submitted, "Where does the 90-day stock figure come from?", answer)
    thread = Comment.objects.get(assessment=est_submitted)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#thread-{thread.pk}")
    assert (thread.answer, thread.author, thread.kind) == (answer, user("reviewer"), "query")

    page = queries_page(planner_est, est_submitted)
    assert page.status_code == 200
    assert "Where does the 90-day stock figure come from?" in page.content.decode()
    assert answer.indicator.code in page.content.decode()

    reply = planner_est.post(
        reverse("comment_reply", args=[thread.pk]), {"body": "From the 2025 IEA return."}
    )
    assert reply.status_code == 302
    assert reply["Location"].endswith(
        reverse("assessment_queries", args=[est_submitted.pk]) + f"#thread-{thread.pk}"
    )
    assert thread.replies.get().author == user("planner-est")
    review = reviewer.get(reverse("review_assessment", args=[est_submitted.pk])).content.decode()
    assert "From the 2025 IEA return." in review


def test_reviewer_notes_stay_with_reviewers(reviewer, planner_est, est_submitted):
    raise_query(reviewer, est_submitted, "Internal: compare with the 2024 peer review.", kind="note")
    note = Comment.objects.get(assessment=est_submitted)

    assert "Internal: compare" not in queries_page(planner_est, est_submitted).content.decode()
    assert planner_est.post(reverse("comment_reply", args=[note.pk]), {"body": "?"}).status_code == 404
    assert (
        "Internal: compare"
        in reviewer.get(reverse("review_assessment", args=[est_submitted.pk])).content.decode()
    )


def test_contributor_replies_on_their_requirements_and_on_the_whole_assessment_only(
    contrib_est, est_submitted
):
    reviewer_user = user("reviewer")
    held = services.comment_add(
        assessment=est_submitted, answer=answer_in(est_submitted, 2), by=reviewer_user, body="BLR-2?"
    )
    other = services.comment_add(
        assessment=est_submitted, answer=answer_in(est_submitted, 1), by=reviewer_user, body="BLR-1?"
    )
    general = services.comment_add(assessment=est_submitted, by=reviewer_user, body="Overall?")

    page = queries_page(contrib_est, est_submitted).content.decode()
    assert "BLR-1?" in page  # sees every query of the nation...
    assert page.count('name="body"') == 2  # ...but the reply form only where they may answer

    assert contrib_est.post(reverse("comment_reply", args=[held.pk]), {"body": "Yes."}).status_code == 302
    assert contrib_est.post(reverse("comment_reply", args=[general.pk]), {"body": "Yes."}).status_code == 302
    assert contrib_est.post(reverse("comment_reply", args=[other.pk]), {"body": "No."}).status_code == 403
    assert not other.replies.exists()


def test_another_nation_sees_and_writes_nothing(planner_nor, est_submitted):
    thread = services.comment_add(assessment=est_submitted, by=user("reviewer"), body="Secret question")

    assert queries_page(planner_nor, est_submitted).status_code == 404
    assert planner_nor.post(reverse("comment_reply", args=[thread.pk]), {"body": "x"}).status_code == 404
    assert planner_nor.post(reverse("comment_resolve", args=[thread.pk])).status_code == 404
    assert not thread.replies.exists()


def test_empty_reply_gets_a_message_next_to_the_field(planner_est, est_submitted):
    thread = services.comment_add(assessment=est_submitted, by=user("reviewer"), body="Why level 4?")

    response = planner_est.post(reverse("comment_reply", args=[thread.pk]), {"body": "   "})

    assert response.status_code == 200
    assert f'id="reply-{thread.pk}-error"' in response.content.decode()
    assert "Write a reply first." in response.content.decode()
    assert not thread.replies.exists()


def test_empty_or_misdirected_reviewer_comment_is_refused(reviewer, est_submitted):
    lva_answer = answer_in(
        est_submitted.__class__.objects.get(nation__code="LVA", cycle=est_submitted.cycle), 1
    )
    empty = raise_query(reviewer, est_submitted, "")
    forged = raise_query(reviewer, est_submitted, "Wrong place", answer=lva_answer)

    assert empty.status_code == 200 and "Write a message first." in empty.content.decode()
    assert forged.status_code == 200
    assert "That answer is not part of this assessment." in forged.content.decode()
    assert not Comment.objects.exists()


def test_reviewer_resolves_a_query_and_it_takes_no_more_replies(reviewer, planner_est, est_submitted):
    thread = services.comment_add(assessment=est_submitted, by=user("reviewer"), body="Please confirm.")

    assert planner_est.post(reverse("comment_resolve", args=[thread.pk])).status_code == 403
    response = reviewer.post(reverse("comment_resolve", args=[thread.pk]), {"resolved": "1"})

    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.resolved
    page = queries_page(planner_est, est_submitted).content.decode()
    assert "Resolved" in page and 'name="body"' not in page
    assert planner_est.post(reverse("comment_reply", args=[thread.pk]), {"body": "late"}).status_code == 403
    reviewer.post(reverse("comment_resolve", args=[thread.pk]), {"resolved": "0"})
    thread.refresh_from_db()
    assert not thread.resolved


def test_nation_replies_after_acceptance_too(reviewer, planner_est, est_submitted):
    thread = services.comment_add(assessment=est_submitted, by=user("reviewer"), body="For next year?")
    reviewer.post(reverse("review_accept", args=[est_submitted.pk]))

    assert planner_est.post(reverse("comment_reply", args=[thread.pk]), {"body": "Noted."}).status_code == 302


def test_reviewer_opening_the_queries_page_goes_to_the_review(reviewer, est_submitted):
    response = queries_page(reviewer, est_submitted)
    assert response.status_code == 302
    assert response["Location"] == reverse("review_assessment", args=[est_submitted.pk])


def test_reviewer_never_sees_queries_of_a_draft(reviewer, est_current):
    # A thread on an assessment that went back to draft: the reviewer's links lead nowhere.
    thread = services.comment_add(assessment=est_current, by=user("reviewer"), body="old")
    assert reviewer.post(reverse("comment_reply", args=[thread.pk]), {"body": "x"}).status_code == 404
    assert queries_page(reviewer, est_current).status_code == 404


@pytest.mark.parametrize("name", ["comment_reply", "comment_resolve"])
def test_comment_actions_reject_get(reviewer, est_submitted, name):
    thread = services.comment_add(assessment=est_submitted, by=user("reviewer"), body="q")
    assert reviewer.get(reverse(name, args=[thread.pk])).status_code == 405


def test_queries_page_rejects_post(planner_est, est_submitted):
    assert planner_est.post(reverse("assessment_queries", args=[est_submitted.pk])).status_code == 405


def test_empty_query_on_an_answer_comes_back_under_that_answer(reviewer, est_submitted):
    answer = answer_in(est_submitted, 3)

    response = raise_query(reviewer, est_submitted, "", answer)

    body = response.content.decode()
    under_answer = body[body.index(f'id="answer-{answer.pk}"') :]
    assert "Write a message first." in under_answer[: under_answer.index("</article>")]


def test_nation_finds_the_queries_from_its_assessment_pages(planner_est, contrib_est, est_submitted):
    link = reverse("assessment_queries", args=[est_submitted.pk])
    for client in (planner_est, contrib_est):
        overview = client.get(reverse("assessment_overview", args=[est_submitted.pk]))
        assert f'href="{link}"' in overview.content.decode()
