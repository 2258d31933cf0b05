"""Helpers shared by the planner tests: the requirement form as a browser would post it, and
quick ways to put an assessment in a given state."""

from __future__ import annotations

from django.utils import timezone

from assessments.models import Answer, Assessment


def requirement_answers(assessment: Assessment, number: int) -> list[Answer]:
    return list(
        Answer.objects.filter(assessment=assessment, indicator__requirement__number=number).select_related(
            "indicator"
        )
    )


def form_data(assessment: Assessment, number: int, changes: dict | None = None, save: str = "stay") -> dict:
    """The requirement page's form as loaded now, with `changes` applied:
    {indicator code: {"level": 3, "justification": "..."}}."""
    data = {"save": save}
    changes = changes or {}
    for answer in requirement_answers(assessment, number):
        prefix = f"a{answer.pk}-"
        values = {
            "level": answer.level,
            "value": answer.value,
            "justification": answer.justification,
            "confidence": answer.confidence,
            "version": answer.version,
        }
        values.update(changes.get(answer.indicator.code, {}))
        field = "level" if answer.indicator.is_maturity else "value"
        if values[field] is not None:
            data[prefix + field] = str(values[field])
        data[prefix + "justification"] = values["justification"]
        data[prefix + "confidence"] = values["confidence"]
        data[prefix + "version"] = str(values["version"])
    return data


def answer(assessment: Assessment, code: str) -> Answer:
    return Answer.objects.select_related("indicator").get(assessment=assessment, indicator__code=code)


def set_status(assessment: Assessment, status: str, reason: str = "") -> Assessment:
    """Put an assessment in a status directly (the review workflow is tested elsewhere)."""
    Assessment.objects.filter(pk=assessment.pk).update(
        status=status,
        return_reason=reason,
        submitted_at=timezone.now() if status != Assessment.Status.DRAFT else None,
    )
    assessment.refresh_from_db()
    return assessment


def answer_everything(assessment: Assessment) -> None:
    """Answer every indicator (level 1, below every evidence threshold in the shipped framework,
    or the target value), so that nothing blocks submission."""
    rows = Answer.objects.filter(assessment=assessment).select_related("indicator")
    for row in rows:
        if row.indicator.is_maturity:
            row.level, row.value = 1, None
        else:
            row.level, row.value = None, row.indicator.target
        row.justification = row.justification or "Checked."
        row.version += 1
        row.save()


def content(response) -> str:
    return response.content.decode()
