"""Writes that span models. Every service takes the acting user (`by`) so history records who.
Views, the admin, management commands and the seed all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from baselines.models import Indicator

from .models import Answer, Assessment, Comment, Cycle, Nation


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


# Review: decisions and comment threads ------------------------------------------------------


def _assessment_decide(*, assessment: Assessment, by, status: str, reason: str) -> Assessment:
    now = timezone.now()
    # A conditional update: of two reviewers deciding at once, the second finds the assessment no
    # longer submitted and is told so, instead of overwriting the first decision.
    changed = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.SUBMITTED).update(
        status=status, return_reason=reason, decided_at=now, decided_by=by, updated_at=now
    )
    if not changed:
        raise ValidationError(_("Only a submitted assessment can be accepted or returned."))
    assessment.refresh_from_db()
    Assessment.history.bulk_history_create([assessment], update=True, default_user=by)
    return assessment


@transaction.atomic
def assessment_accept(*, assessment: Assessment, by) -> Assessment:
    """Accept a submitted assessment. Who and when are recorded on it and in its history."""
    return _assessment_decide(assessment=assessment, by=by, status=Assessment.Status.ACCEPTED, reason="")


@transaction.atomic
def assessment_return(*, assessment: Assessment, by, reason: str) -> Assessment:
    """Return a submitted assessment to its nation, which sees `reason` and may edit again.
    A reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the nation a reason for returning the assessment.")})
    return _assessment_decide(assessment=assessment, by=by, status=Assessment.Status.RETURNED, reason=reason)


@transaction.atomic
def comment_add(
    *,
    assessment: Assessment,
    by,
    body: str,
    kind: str = Comment.Kind.QUERY,
    answer: Answer | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Start a thread on an assessment or one of its answers, or reply to a thread. A reply joins
    its thread's first comment and takes that thread's answer and kind; a resolved thread takes
    no more replies. Who may write where is decided by `permissions`, not here."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if parent is not None:
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if parent.assessment_id != assessment.pk:
            raise ValidationError(_("That thread belongs to another assessment."))
        if parent.resolved:
            raise ValidationError({"body": _("This query is resolved and takes no more replies.")})
        answer_id, kind = parent.answer_id, parent.kind
    else:
        if answer is not None and answer.assessment_id != assessment.pk:
            raise ValidationError(_("That answer belongs to another assessment."))
        answer_id = answer.pk if answer is not None else None
    if kind not in Comment.Kind.values:
        raise ValidationError({"kind": _("Choose a query or a note.")})
    comment = Comment(
        assessment=assessment, answer_id=answer_id, parent=parent, author=by, kind=kind, body=body
    )
    comment.full_clean(exclude=["assessment", "answer", "parent", "author"])
    comment._history_user = by
    comment.save()
    return comment


@transaction.atomic
def comment_resolve(*, comment: Comment, by, resolved: bool = True) -> Comment:
    """Mark a query thread resolved (or open it again)."""
    if comment.parent_id is not None:
        raise ValidationError(_("Only a whole thread can be resolved."))
    if comment.kind != Comment.Kind.QUERY:
        raise ValidationError(_("Only a query can be resolved."))
    comment.resolved = resolved
    comment._history_user = by
    comment.save(update_fields=["resolved"])
    return comment


# Planner: answers, evidence, copy from the previous cycle, goals, plan, submit ---------------
