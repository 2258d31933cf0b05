"""Helpers for the reviewer tests: the seeded assessments they use, and cheap extra data (many
nations or cycles) built with bulk_create, so that query counts can be compared on small and
large data without slowing the suite."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from assessments.models import Answer, Assessment, Cycle, Nation
from baselines.models import Indicator


def current_cycle() -> Cycle:
    return Cycle.objects.open_on().get()


def previous_cycle() -> Cycle:
    return current_cycle().previous()


def assessment_of(code: str, cycle: Cycle | None = None) -> Assessment:
    return Assessment.objects.select_related("nation", "cycle").get(
        nation__code=code, cycle=cycle or current_cycle()
    )


def grow(
    nations: int, *, cycle: Cycle | None = None, status=Assessment.Status.ACCEPTED, seed=7
) -> list[Nation]:
    """Add `nations` synthetic nations, each with a fully answered assessment of `status` in
    `cycle` (default: the previous, closed cycle). Four bulk inserts whatever the numbers."""
    cycle = cycle or previous_cycle()
    rng = random.Random(seed)  # noqa: S311 - test data
    taken = set(Nation.objects.values_list("code", flat=True))
    codes = []
    for first in "QX":
        for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            for third in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                code = first + second + third
                if code not in taken and len(codes) < nations:
                    codes.append(code)
    created = Nation.objects.bulk_create(Nation(code=c, name=f"Testland {c}") for c in codes)
    when = timezone.now() - datetime.timedelta(days=1)
    assessments = Assessment.objects.bulk_create(
        Assessment(nation=n, cycle=cycle, status=status, submitted_at=when, decided_at=when) for n in created
    )
    indicators = list(Indicator.objects.filter(framework_id=cycle.framework_id))
    answers = []
    for assessment in assessments:
        for indicator in indicators:
            if indicator.is_maturity:
                answers.append(
                    Answer(
                        assessment=assessment, indicator=indicator, level=rng.randint(0, 5), justification="x"
                    )
                )
            else:
                span = indicator.target - indicator.threshold
                answers.append(
                    Answer(
                        assessment=assessment,
                        indicator=indicator,
                        value=indicator.threshold + span * rng.random(),
                        justification="x",
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return created


def submit(assessment: Assessment, by=None) -> Assessment:
    """Hand an assessment to the reviewers the way the seed does (a snapshot, then "submitted"),
    without the planner's completeness checks and PDF: enough for reviewer tests."""
    from assessments.models import Submission
    from assessments.selectors import snapshot_of

    now = timezone.now()
    number = assessment.submissions.count() + 1
    Submission.objects.create(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=by,
        snapshot=snapshot_of(assessment),
    )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at, assessment.submitted_by = now, by
    assessment.save()
    return assessment


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
