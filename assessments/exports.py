"""Reviewer exports of one cycle: an XLSX workbook (sheet "Matrix": nations x requirements; sheet
"Answers": one row per nation and indicator) and a CSV of the same answers. Only submitted and
accepted assessments are read (`comparisons.COMPARED`).

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, so text written by nations never reaches a file in that form: such text is prefixed with
an apostrophe (OWASP's advice), in the CSV and in the XLSX alike, where it is also stored as a
string cell (never a formula) so that a copy to CSV stays safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from baselines.models import Indicator

from . import comparisons, scoring, selectors
from .models import Answer, Cycle

ANSWER_COLUMNS = ["nation", "cycle", "requirement", "indicator", "level", "value", "score", "justification"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text that no spreadsheet runs as a formula; numbers and empty values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def answer_rows(cycle: Cycle) -> Iterator[list]:
    """The long form: nation, cycle, requirement, indicator, level, value, score, justification,
    ordered by nation, then indicator. Two queries (indicators, answers)."""
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(framework_id=cycle.framework_id).select_related("requirement")
    }
    rows = (
        Answer.objects.filter(assessment__cycle=cycle, assessment__status__in=comparisons.COMPARED)
        .order_by(
            "assessment__nation__code",
            "indicator__requirement__number",
            "indicator__order",
            "indicator__code",
        )
        .values_list("assessment__nation__code", "indicator_id", "level", "value", "justification")
    )
    for nation, indicator_id, level, value, justification in rows.iterator(chunk_size=2000):
        indicator = indicators[indicator_id]
        score = scoring.answer_score(selectors.indicator_input(indicator, level, value))
        yield [
            nation,
            cycle.name,
            indicator.requirement.code,
            indicator.code,
            level,
            value,
            _rounded(score),
            justification,
        ]


def matrix_header(m: comparisons.Matrix) -> list[str]:
    return [
        _("Nation code"),
        _("Nation"),
        *(r.code for r in m.requirements),
        _("Overall"),
        _("Level"),
        _("Completeness (%)"),
    ]


def matrix_rows(m: comparisons.Matrix) -> Iterator[list]:
    for row in m.rows:
        yield [
            row.nation.code,
            row.nation.t_name,
            *(_rounded(c.score) for c in row.cells),
            _rounded(row.overall),
            row.overall_level,
            round(row.completeness * 100, 1),
        ]


def xlsx(cycle: Cycle) -> bytes:
    """The workbook: sheet "Matrix" (scores per nation and requirement, overall, level,
    completeness) and sheet "Answers" (the long form). Written in openpyxl's streaming mode."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet, names):
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    def write(sheet, values):
        # openpyxl stores a string as a formula only when it starts with "=": after `safe_text`
        # none does, so plain values (faster than cell objects) are stored as text.
        sheet.append([safe_text(v) for v in values])

    m = comparisons.matrix(cycle)
    sheet = workbook.create_sheet("Matrix")
    sheet.freeze_panes = "C2"
    header(sheet, matrix_header(m))
    for values in matrix_rows(m):
        write(sheet, values)

    sheet = workbook.create_sheet("Answers")
    sheet.freeze_panes = "A2"
    header(sheet, ANSWER_COLUMNS)
    for values in answer_rows(cycle):
        write(sheet, values)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(cycle: Cycle) -> str:
    """The long form as CSV (UTF-8 with a byte-order mark, so that Excel reads accents)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(ANSWER_COLUMNS)
    for values in answer_rows(cycle):
        writer.writerow(["" if v is None else safe_text(v) for v in values])
    return out.getvalue()
