"""Writes that span models. Every service takes the acting user (`by`) so history records who.
Views, the admin, management commands and the seed all call these."""

from __future__ import annotations

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from baselines.models import Indicator

from .models import Answer, Assessment, Cycle, Nation


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
