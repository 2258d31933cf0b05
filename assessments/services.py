"""Writes that span models. Every service takes the acting user (`by`) so history records who.
Views, the admin, management commands and the seed all call these."""

from __future__ import annotations

import hashlib
import math

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from baselines.models import MAX_LEVEL, Indicator

from . import selectors, uploads
from .models import (
    Answer,
    Assessment,
    Comment,
    Cycle,
    Evidence,
    ImplementationPlan,
    Nation,
    NationalGoal,
    PlanAction,
    Scenario,
    Submission,
)


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


class ConflictError(Exception):
    """Someone else saved the answer after it was loaded. `current` is the stored answer, so that
    the page can show their value beside the one just refused."""

    def __init__(self, current: Answer):
        super().__init__(_("Someone else changed this answer after you loaded it."))
        self.current = current


def _lock_editable(assessment: Assessment) -> None:
    """Lock the assessment's row for the rest of the transaction (PostgreSQL; SQLite serialises
    writers anyway) and refuse when it is no longer a draft or returned. Every planner write starts
    here, so a submit and a save cannot interleave."""
    status = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status not in Assessment.EDITABLE:
        raise ValidationError(
            _("This assessment is %(status)s and can no longer be changed.")
            % {"status": Assessment.Status(status).label.lower() if status else _("gone")}
        )


def _answer_values(indicator, level, value, justification, confidence) -> dict:
    """The fields of an answer, checked as the model would, before anything is written."""
    errors = {}
    justification = (justification or "").strip()
    confidence = confidence or ""
    if indicator.is_maturity:
        value = None
        if level is not None and not (isinstance(level, int) and 0 <= level <= MAX_LEVEL):
            errors["level"] = _("Choose a level from 0 to 5.")
    else:
        level = None
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
            errors["value"] = _("Enter a number.")
    if len(justification) > 10000:
        errors["justification"] = _("Keep the justification under 10,000 characters.")
    if confidence not in ("", *Answer.Confidence.values):
        errors["confidence"] = _("Choose low, medium or high.")
    if errors:
        raise ValidationError(errors)
    return {"level": level, "value": value, "justification": justification, "confidence": confidence}


@transaction.atomic
def answer_save(
    *, answer: Answer, loaded_version: int, level, value, justification, confidence, by
) -> Answer:
    """Save one answer if nobody saved it since `loaded_version` was read.

    The guard is a conditional UPDATE (`... WHERE version = loaded_version`), which works on every
    database; when it touches no row, ConflictError carries the answer as stored now and nothing
    changes. Otherwise the new values are saved on the instance (version = loaded + 1) so that the
    history records who changed what."""
    fields = _answer_values(answer.indicator, level, value, justification, confidence)
    _lock_editable(answer.assessment)
    if not Answer.objects.filter(pk=answer.pk, version=loaded_version).update(version=F("version") + 1):
        raise ConflictError(Answer.objects.select_related("updated_by").get(pk=answer.pk))
    for name, new in fields.items():
        setattr(answer, name, new)
    answer.version = loaded_version + 1
    answer.updated_by = by
    answer.updated_at = timezone.now()
    answer._history_user = by
    answer.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    return answer


@transaction.atomic
def evidence_add(*, answer: Answer, by, file=None, citation: str = "") -> Evidence:
    """Attach evidence to an answer: an uploaded file (checked by content and size, stored in
    private storage under a generated name) or a cited document, one or the other."""
    citation = (citation or "").strip()
    if (file is None) == (not citation):
        raise ValidationError(_("Attach a file or cite a document."))
    if len(citation) > 500:
        raise ValidationError({"citation": _("Keep the citation under 500 characters.")})
    info = uploads.inspect_upload(file) if file is not None else None
    _lock_editable(answer.assessment)
    evidence = Evidence(answer=answer, uploaded_by=by, citation=citation)
    evidence._history_user = by
    if info is None:
        evidence.save()
        return evidence
    evidence.original_name = info.display_name
    evidence.content_type = info.content_type
    evidence.size = file.size
    evidence.file.save(info.stored_name, file, save=False)
    stored = evidence.file.name
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by) -> None:
    """Remove evidence from an answer; a stored file is deleted once the removal is committed."""
    _lock_editable(evidence.answer.assessment)
    stored, storage = evidence.file.name, evidence.file.storage
    evidence._history_user = by
    evidence.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def answers_copy_previous(*, assessment: Assessment, by) -> int:
    """Pre-fill the unanswered answers from the same nation's answers in the previous cycle,
    matched by indicator code (so a revised framework still carries over where the questions
    did), with their cited documents. Never overwrites an answer. Returns how many were filled."""
    _lock_editable(assessment)
    previous_cycle = assessment.cycle.previous()
    if previous_cycle is None:
        return 0
    previous = {
        a.indicator.code: a
        for a in Answer.objects.filter(
            assessment__nation_id=assessment.nation_id, assessment__cycle=previous_cycle
        )
        .select_related("indicator")
        .prefetch_related("evidence")
        if a.is_answered
    }
    now = timezone.now()
    filled, citations = [], []
    for answer in assessment.answers.select_related("indicator").filter(
        level__isnull=True, value__isnull=True
    ):
        source = previous.get(answer.indicator.code)
        if source is None or source.indicator.kind != answer.indicator.kind:
            continue
        answer.level, answer.value = source.level, source.value
        answer.justification, answer.confidence = source.justification, source.confidence
        answer.updated_by, answer.updated_at = by, now
        answer.version += 1
        filled.append(answer)
        citations += [
            Evidence(answer=answer, citation=e.citation, uploaded_by=by, uploaded_at=now)
            for e in source.evidence.all()
            if e.citation
        ]
    if filled:
        # Only rows still unanswered are written, in case someone answered one meanwhile.
        still_empty = set(
            Answer.objects.filter(
                pk__in=[a.pk for a in filled], level__isnull=True, value__isnull=True
            ).values_list("pk", flat=True)
        )
        filled = [a for a in filled if a.pk in still_empty]
        citations = [c for c in citations if c.answer.pk in still_empty]
        bulk_update_with_history(
            filled,
            Answer,
            ["level", "value", "justification", "confidence", "updated_by", "updated_at", "version"],
            default_user=by,
        )
        bulk_create_with_history(citations, Evidence, default_user=by)
    return len(filled)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by) -> Submission:
    """Submit an assessment to the reviewers: re-check what blocks it, lock it, and archive an
    immutable Submission (the snapshot of every answer, the PDF report of that moment and its
    SHA-256), all or nothing."""
    from .reports import national_report_pdf  # WeasyPrint is loaded only when a report is made

    _lock_editable(assessment)
    assessment.refresh_from_db()
    problems = selectors.blockers(assessment)
    if problems:
        raise ValidationError([p.message for p in problems])
    now = timezone.now()
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at, assessment.submitted_by = now, by
    assessment._history_user = by
    assessment.save()
    number = (assessment.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    pdf = national_report_pdf(assessment)
    submission = Submission(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=by,
        snapshot=selectors.snapshot_of(assessment),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    name = f"{assessment.nation.code}-{assessment.cycle.name}-{number}.pdf"
    submission.pdf.save(name, ContentFile(pdf), save=False)
    try:
        submission.save()
    except Exception:
        submission.pdf.storage.delete(submission.pdf.name)
        raise
    return submission


def _check_objective(assessment: Assessment, objective) -> None:
    if objective is None or objective.requirement.framework_id != assessment.cycle.framework_id:
        raise ValidationError({"objective": _("Choose an objective of this cycle's framework.")})


GOAL_FIELDS = ("objective", "title", "description", "baseline", "target", "unit", "target_date", "status")


@transaction.atomic
def goal_create(*, assessment: Assessment, by, **fields) -> NationalGoal:
    """Add a national goal under an objective of the cycle's framework."""
    _lock_editable(assessment)
    _check_objective(assessment, fields.get("objective"))
    goal = NationalGoal(assessment=assessment, **{k: fields[k] for k in GOAL_FIELDS if k in fields})
    goal.full_clean(exclude=["assessment"])
    goal._history_user = by
    goal.save()
    return goal


@transaction.atomic
def goal_update(*, goal: NationalGoal, by, **fields) -> NationalGoal:
    """Change a national goal."""
    _lock_editable(goal.assessment)
    _check_objective(goal.assessment, fields.get("objective", goal.objective))
    for name in GOAL_FIELDS:
        if name in fields:
            setattr(goal, name, fields[name])
    goal.full_clean(exclude=["assessment"])
    goal._history_user = by
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, goal: NationalGoal, by) -> None:
    """Remove a national goal (plan actions stop serving it)."""
    _lock_editable(goal.assessment)
    goal._history_user = by
    goal.delete()


@transaction.atomic
def plan_save(*, assessment: Assessment, by, title: str, summary: str = "") -> ImplementationPlan:
    """Create or change the assessment's implementation plan."""
    _lock_editable(assessment)
    plan = ImplementationPlan.objects.filter(assessment=assessment).first() or ImplementationPlan(
        assessment=assessment
    )
    plan.title, plan.summary = (title or "").strip(), (summary or "").strip()
    plan.full_clean(exclude=["assessment"])
    plan._history_user = by
    plan.save()
    return plan


ACTION_FIELDS = (
    "title",
    "description",
    "lead_organisation",
    "sector",
    "start_date",
    "due_date",
    "status",
    "progress",
)


def _save_action(action: PlanAction, by, fields: dict) -> PlanAction:
    goals = fields.get("goals")
    if goals is not None and any(g.assessment_id != action.plan.assessment_id for g in goals):
        raise ValidationError({"goals": _("Choose goals of this assessment.")})
    for name in ACTION_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    action.full_clean(exclude=["plan"])
    action._history_user = by
    action.save()
    if goals is not None:
        action.goals.set(goals)
    return action


@transaction.atomic
def plan_action_create(*, plan: ImplementationPlan, by, **fields) -> PlanAction:
    """Add an action to an implementation plan; `goals` are goals of the same assessment."""
    _lock_editable(plan.assessment)
    return _save_action(PlanAction(plan=plan), by, fields)


@transaction.atomic
def plan_action_update(*, action: PlanAction, by, **fields) -> PlanAction:
    """Change a plan action (its dates, status, progress, the goals it serves...)."""
    _lock_editable(action.plan.assessment)
    return _save_action(action, by, fields)


@transaction.atomic
def plan_action_delete(*, action: PlanAction, by) -> None:
    """Remove a plan action."""
    _lock_editable(action.plan.assessment)
    action._history_user = by
    action.delete()


# Stress tests --------------------------------------------------------------------------------


@transaction.atomic
def scenario_save(
    *,
    assessment: Assessment,
    by,
    name: str,
    overrides: dict[int, float],
    level,
    description: str = "",
    include_in_report: bool = False,
    visibility: str = Scenario.Visibility.SHARED,
) -> Scenario:
    """Save a stress test by name: requirement numbers mapped to their score (0–100) in the
    scenario, and the level to check against. It changes no answer, so it may be saved whatever
    the assessment's status. Only shared scenarios go into the national report. Names are unique
    per assessment (ignoring case) among the scenarios the same audience sees."""
    name = name.strip()
    if Scenario.objects.filter(assessment=assessment, visibility=visibility, name__iexact=name).exists():
        raise ValidationError({"name": _("A scenario called “%(name)s” exists already.") % {"name": name}})
    scenario = Scenario(
        assessment=assessment,
        name=name,
        description=description.strip(),
        overrides={str(number): score for number, score in sorted(overrides.items(), key=str)},
        level=level,
        include_in_report=include_in_report and visibility == Scenario.Visibility.SHARED,
        visibility=visibility,
        created_by=by,
    )
    scenario.full_clean()
    scenario.overrides = {number: float(score) for number, score in scenario.overrides.items()}
    scenario._history_user = by
    scenario.save()
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: Scenario, by) -> None:
    """Remove a saved stress test (its history keeps who removed it)."""
    scenario._history_user = by
    scenario.delete()
