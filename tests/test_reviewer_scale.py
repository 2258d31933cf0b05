"""Every reviewer page runs the same number of queries with the 32 Allies as with many more nations,
answers and cycles (DESIGN section 7). Each page is requested on the seeded data, then again after
adding 60 nations with full answers in two cycles and an older cycle for Estonia and Norway.

Every request starts with four queries: session, user, the second-factor device, memberships."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Answer, Assessment, Cycle, Nation

from .reviewer_support import assessment_of, current_cycle, grow, previous_cycle, submit, user

pytestmark = pytest.mark.django_db
START = 4  # session, user, OTP device, memberships


def older_cycle_for(codes):
    """A cycle before the others, with accepted, fully answered assessments of `codes`."""
    first = Cycle.objects.order_by("opens_on").first()
    opens = first.opens_on - datetime.timedelta(days=365)
    cycle = Cycle.objects.create(
        name=f"{opens.year}-old",
        framework=first.framework,
        opens_on=opens,
        due_on=opens + datetime.timedelta(days=100),
        closes_on=opens + datetime.timedelta(days=150),
    )
    when = timezone.now()
    created = Assessment.objects.bulk_create(
        Assessment(nation=n, cycle=cycle, status="accepted", submitted_at=when, decided_at=when)
        for n in Nation.objects.filter(code__in=codes)
    )
    template = assessment_of("EST", previous_cycle()).answers.all()
    Answer.objects.bulk_create(
        Answer(assessment=a, indicator_id=t.indicator_id, level=t.level, value=t.value, justification="older")
        for a in created
        for t in template
    )


def make_larger():
    grow(60, cycle=previous_cycle(), status=Assessment.Status.ACCEPTED, seed=1)
    grow(60, cycle=current_cycle(), status=Assessment.Status.SUBMITTED, seed=2)
    older_cycle_for(["EST", "NOR", "LVA"])


@pytest.fixture
def ground(est_current):
    """Estonia submitted with a query thread, Latvia returned (so a returned row is on the inbox's
    first page in both runs)."""
    submit(est_current, by=user("planner-est"))
    answer = est_current.answers.first()
    thread = services.comment_add(assessment=est_current, answer=answer, by=user("reviewer"), body="q")
    services.comment_add(assessment=est_current, parent=thread, by=user("planner-est"), body="a")
    services.comment_add(assessment=est_current, by=user("reviewer"), body="general", kind="note")
    lva = assessment_of("LVA")
    services.assessment_return(assessment=lva, by=user("reviewer"), reason="r")
    return est_current


# (name, URL maker, queries after the START ones: what they are)
PAGES = [
    (
        "inbox",
        lambda est: reverse("review_inbox"),
        # cycles, nations (filters); count, page; the returned rows' last submission; early
        # warnings (9): cycles, previous assessments, scorecards of both (3, which the rows reuse),
        # dependencies, goals off track, overdue actions, missing evidence
        14,
    ),
    (
        "inbox filtered and sorted",
        lambda est: (
            reverse("review_inbox")
            + f"?cycle={previous_cycle().pk}&status=accepted&nation=EST&sort=nation&dir=asc"
        ),
        # cycles, nations; count, page; no returned row on this page; early warnings (9, as above)
        13,
    ),
    (
        "review",
        lambda est: reverse("review_assessment", args=[est.pk]),
        # assessment; indicators, descriptors; answers, evidence; comments; decision history;
        # the submissions with their archived reports
        8,
    ),
    (
        "review of a returned assessment",
        lambda est: reverse("review_assessment", args=[assessment_of("LVA").pk]),
        # as above, plus the last submission's snapshot
        9,
    ),
    (
        "heatmap",
        lambda est: reverse("compare") + f"?cycle={previous_cycle().pk}&sort=BLR-4&dir=desc",
        # cycles; assessments; scorecards (3)
        5,
    ),
    (
        "collective",
        lambda est: reverse("compare_collective") + f"?cycle={previous_cycle().pk}&level=3",
        # cycles; assessments; scorecards (3)
        5,
    ),
    (
        "side by side",
        lambda est: reverse("compare_side_by_side") + "?nation_1=EST&nation_2=NOR&nation_3=LVA&nation_4=DEU",
        # cycles, nations; the nations' assessments in every cycle; indicators; answers
        5,
    ),
    (
        "trend",
        lambda est: reverse("compare_trend") + "?nation=EST",
        # cycles, nations; the nation's assessments; indicators; answers
        5,
    ),
    (
        "diff",
        lambda est: reverse("compare_diff") + "?nation=EST",
        # cycles, nations; the nation's cycles; the two assessments; indicators; answers
        6,
    ),
    (
        "export XLSX",
        lambda est: reverse("compare_export_xlsx") + f"?cycle={previous_cycle().pk}",
        # cycles; matrix: assessments + scorecards (3); answers sheet: indicators, answers
        7,
    ),
    (
        "export CSV",
        lambda est: reverse("compare_export_csv") + f"?cycle={previous_cycle().pk}",
        # cycles; indicators; answers
        3,
    ),
]


@pytest.mark.parametrize("name, url, expected", PAGES, ids=[p[0] for p in PAGES])
def test_reviewer_page_queries_do_not_grow_with_data(
    reviewer, ground, django_assert_num_queries, name, url, expected
):
    target = url(ground)
    with django_assert_num_queries(START + expected):
        assert reviewer.get(target).status_code == 200

    make_larger()

    with django_assert_num_queries(START + expected):
        assert reviewer.get(target).status_code == 200


def test_nation_queries_page_queries_do_not_grow_with_threads(planner_est, ground, django_assert_num_queries):
    url = reverse("assessment_queries", args=[ground.pk])
    # session, user, memberships (no second factor for national users); assessment; comments
    with django_assert_num_queries(5):
        assert planner_est.get(url).status_code == 200

    reviewer = user("reviewer")
    answers = list(ground.answers.all())
    for answer in answers:
        thread = services.comment_add(assessment=ground, answer=answer, by=reviewer, body="more?")
        services.comment_add(assessment=ground, parent=thread, by=user("planner-est"), body="yes")

    with django_assert_num_queries(5):
        response = planner_est.get(url)
    assert response.content.decode().count('class="thread card') == len(answers) + 1
