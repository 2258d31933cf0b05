"""Writes that span models. Every service takes the acting user (`by`) so history records who.
Views, the admin, management commands and the seed all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from baselines.models import Indicator

from .models import Answer, Assessment, Cycle, Nation


def assessment_start(*, nation: Nation, cycle: Cycle, by) -> Assessment:
    """The nation's assessment for an open cycle, created on first request (idempotent)."""
    if not cycle.is_open:
        raise ValidationError(_("The %(cycle)s cycle is not open.") % {"cycle": cycle.name})
    existing = Assessment.objects.filter(nation=nation, cycle=cycle).first()
    return existing or assessment_create(nation=nation, cycle=cycle, by=by)


def assessments_open_for_allies(*, cycle: Cycle, by=None) -> int:
    """Create the draft assessment of every Ally that has none in `cycle`; returns how many."""
    have = Assessment.objects.filter(cycle=cycle).values_list("nation_id", flat=True)
    created = 0
    for nation in Nation.objects.filter(kind=Nation.Kind.ALLY).exclude(pk__in=have):
        assessment_create(nation=nation, cycle=cycle, by=by)
        created += 1
    return created


@transaction.atomic
def assessment_create(*, nation: Nation, cycle: Cycle, by=None) -> Assessment:
    """Open a nation's assessment for a cycle, with one empty answer per indicator of the
    cycle's framework, so that every later save is a versioned update."""
    assessment = Assessment(nation=nation, cycle=cycle)
    assessment._history_user = by
    assessment.save()
    indicators = Indicator.objects.filter(framework_id=cycle.framework_id).only("pk")
    bulk_create_with_history(
        [Answer(assessment=assessment, indicator=indicator) for indicator in indicators],
        Answer,
        default_user=by,
    )
    return assessment
