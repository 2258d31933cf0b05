"""The report's database work is fixed whatever the data, and `render_report` writes the PDF."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from assessments.models import Comment, Evidence, ImplementationPlan, NationalGoal, PlanAction
from assessments.reports.national import TEMPLATE, national_report_context
from assessments.reports.pdf import render_html
from tests.reports_support import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read English text; another test's French request must not leak into them."""
    with translation.override("en"):
        yield


# 1 the assessment with nation, cycle, framework; 3 its scorecard (requirements, indicators,
# answers); 1 answers with indicators, requirements and authors; 1 level descriptors; 1 evidence;
# 1 open queries with authors; 1 previous cycle; 1 previous cycle's answers; 1 goals with
# objectives; 1 plan actions; 1 the goals each action serves; 1 the plan; 1 dependencies (effective
# scores); 1 the stress scenarios included in the report.
REPORT_QUERIES = 16


def render(assessment):
    return render_html(TEMPLATE, national_report_context(assessment))


def test_report_queries_do_not_grow_with_evidence_comments_goals_and_actions(
    est_current, django_assert_num_queries
):
    with django_assert_num_queries(REPORT_QUERIES):
        render(est_current)

    reviewer = get_user_model().objects.get(username="reviewer")
    answers = list(est_current.answers.all())
    bulk_create_with_history(
        [Evidence(answer=a, citation=f"Plan {a.pk}, part {k}") for a in answers for k in range(3)], Evidence
    )
    Comment.objects.bulk_create(
        Comment(assessment=est_current, answer=a, author=reviewer, body=f"Query on {a.pk}") for a in answers
    )
    plan = ImplementationPlan.objects.get(assessment=est_current)
    objective = NationalGoal.objects.filter(assessment=est_current).first().objective
    goals = NationalGoal.objects.bulk_create(
        NationalGoal(assessment=est_current, objective=objective, title=f"Goal {n}") for n in range(10)
    )
    first = PlanAction.objects.filter(plan=plan).first()
    for n in range(10):
        action = PlanAction.objects.create(
            plan=plan,
            title=f"Drill number {n}",
            lead_organisation="Agency",
            sector=PlanAction.Sector.CIVIL_SOCIETY,
            start_date=first.start_date,
            due_date=first.due_date,
        )
        action.goals.set(goals[:3])

    with django_assert_num_queries(REPORT_QUERIES):
        html = render(est_current)
    assert html.count("Query on") == len(answers)
    assert html.count("Drill number") == 10


def test_render_report_writes_the_pdf(tmp_path, est_current):
    target = tmp_path / "est-2026.pdf"
    call_command("render_report", "est", "2026", "-o", str(target), verbosity=0)
    pages = pdf_pages(target.read_bytes())
    assert "Estonia" in pages[0] and "2026" in pages[0]


@pytest.mark.parametrize(
    ("nation", "cycle", "message"),
    [
        ("XYZ", "2026", "Unknown nation 'XYZ'"),
        ("EST", "1999", "Unknown cycle '1999'. Cycles: 2026, 2025."),
    ],
)
def test_render_report_explains_unknown_nations_and_cycles(tmp_path, nation, cycle, message):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call_command("render_report", nation, cycle, "-o", str(target))
    assert not target.exists()


def test_render_report_explains_a_nation_without_assessment(tmp_path):
    # Partners take no part in the cycles.
    with pytest.raises(CommandError, match="Austria has no assessment in the 2026 cycle"):
        call_command("render_report", "AUT", "2026", "-o", str(tmp_path / "x.pdf"))
