"""Exports of a cycle for reviewers: XLSX (sheets "Matrix" and "Answers") and CSV (the answers in
long form). Only submitted and accepted assessments; text that a spreadsheet would run as a
formula is neutralised."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import selectors
from assessments.exports import ANSWER_COLUMNS
from assessments.models import Answer

from .reviewer_support import assessment_of, current_cycle

pytestmark = pytest.mark.django_db
SUBMITTED_NOW = {"LVA", "LTU", "FIN", "POL", "DNK", "NLD", "CAN", "DEU"}


def xlsx(client, cycle):
    response = client.get(reverse("compare_export_xlsx"), {"cycle": cycle.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def csv_rows(client, cycle):
    response = client.get(reverse("compare_export_csv"), {"cycle": cycle.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_xlsx_has_the_matrix_and_the_answers_of_submitted_assessments_only(reviewer, est_current):
    cycle = current_cycle()
    lva = assessment_of("LVA")
    answer = lva.answers.filter(level__isnull=False).select_related("indicator__requirement").first()

    book = xlsx(reviewer, cycle)

    assert book.sheetnames == ["Matrix", "Answers"]
    matrix = list(book["Matrix"].values)
    assert matrix[0][:2] == ("Nation code", "Nation") and matrix[0][2] == "BLR-1"
    assert {row[0] for row in matrix[1:]} == SUBMITTED_NOW
    card = selectors.scorecard(lva)
    latvia = next(row for row in matrix if row[0] == "LVA")
    assert latvia[2] == pytest.approx(round(card.requirements[0].result.score, 1))
    assert latvia[9] == pytest.approx(round(card.overall, 1))

    answers = list(book["Answers"].values)
    assert list(answers[0]) == ANSWER_COLUMNS
    indicators = lva.answers.count()
    assert len(answers) - 1 == len(SUBMITTED_NOW) * indicators
    assert {row[0] for row in answers[1:]} == SUBMITTED_NOW  # no draft: EST and NOR are absent
    row = next(r for r in answers if r[0] == "LVA" and r[3] == answer.indicator.code)
    assert row[1] == cycle.name and row[2] == answer.indicator.requirement.code
    assert row[4] == answer.level and row[6] == pytest.approx(answer.level * 20)
    assert row[7] == answer.justification


def test_csv_is_the_same_long_form(reviewer):
    cycle = current_cycle()
    rows = csv_rows(reviewer, cycle)
    book_rows = list(xlsx(reviewer, cycle)["Answers"].values)

    assert rows[0] == ANSWER_COLUMNS
    assert len(rows) == len(book_rows)
    assert [r[:4] for r in rows[1:]] == [list(r[:4]) for r in book_rows[1:]]


def test_returned_assessments_are_not_exported(reviewer):
    lva = assessment_of("LVA")
    reviewer.post(reverse("review_return", args=[lva.pk]), {"reason": "Redo BLR-5."})

    assert "LVA" not in {row[0] for row in csv_rows(reviewer, lva.cycle)[1:]}
    assert "LVA" not in {row[0] for row in list(xlsx(reviewer, lva.cycle)["Matrix"].values)[1:]}


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_formulas_in_nation_text_are_neutralised(reviewer, text):
    lva = assessment_of("LVA")
    answer = lva.answers.select_related("indicator").first()
    Answer.objects.filter(pk=answer.pk).update(justification=text)

    row = next(r for r in csv_rows(reviewer, lva.cycle) if r[0] == "LVA" and r[3] == answer.indicator.code)
    assert row[7] == "'" + text

    sheet = xlsx(reviewer, lva.cycle)["Answers"]
    cell = next(
        r[7]
        for r in sheet.iter_rows(min_row=2)
        if r[0].value == "LVA" and r[3].value == answer.indicator.code
    )
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_negative_numbers_stay_numbers(reviewer):
    lva = assessment_of("LVA")
    answer = lva.answers.filter(indicator__kind="quantitative").select_related("indicator").first()
    Answer.objects.filter(pk=answer.pk).update(value=-4.5, level=None)

    row = next(r for r in csv_rows(reviewer, lva.cycle) if r[0] == "LVA" and r[3] == answer.indicator.code)
    assert row[5] == "-4.5"


def test_export_of_an_unknown_cycle_is_404(reviewer):
    assert reviewer.get(reverse("compare_export_xlsx"), {"cycle": "99999"}).status_code == 404
    assert reviewer.get(reverse("compare_export_csv"), {"cycle": "abc"}).status_code == 404


@pytest.mark.parametrize("name", ["compare_export_xlsx", "compare_export_csv"])
@pytest.mark.parametrize("persona", ["planner-est", "contrib-est", "planner-nor", "admin"])
def test_exports_are_for_reviewers_only(personas, name, persona):
    assert personas[persona].get(reverse(name)).status_code == 404
