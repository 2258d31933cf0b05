"""National planner pages: the assessment overview, one page per requirement, evidence, answer
history, goals, the implementation plan, and submission.

Thin views: `permissions` decides who may (404 for what the user may not see, 403 for what they
may see but not change), forms validate, `services` write, `selectors` read."""

from __future__ import annotations

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baselines.models import Requirement

from .. import interdependence, permissions, scoring, selectors, services
from ..forms import (
    AnswerForm,
    EvidenceCitationForm,
    EvidenceUploadForm,
    GoalForm,
    PlanActionForm,
    PlanForm,
    SubmitForm,
    answer_display,
)
from ..models import Answer, Assessment, Comment, Evidence, ImplementationPlan, NationalGoal

GET_POST = require_http_methods(["GET", "POST"])


def _posted(request):
    """The POST data to bind a form to (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _crumbs(assessment: Assessment, *tail):
    overview = reverse("assessment_overview", args=[assessment.pk])
    head = [
        (_("Dashboard"), reverse("dashboard")),
        (f"{assessment.nation.t_name} {assessment.cycle.name}", overview),
    ]
    return head + list(tail)


def _report_url(assessment: Assessment) -> str | None:
    """The PDF report's address, once the reports area provides it."""
    try:
        return reverse("assessment_report_pdf", args=[assessment.pk])
    except NoReverseMatch:
        return None


def _context(access, **extra) -> dict:
    return {"access": access, "assessment": access.assessment, **extra}


# Overview ---------------------------------------------------------------------------------------


@login_required
@require_GET
def assessment_overview(request, pk):
    access = permissions.assessment_for_user(request, pk)
    assessment = access.assessment
    previous_cycle = assessment.cycle.previous()
    previous = (
        Assessment.objects.filter(nation_id=assessment.nation_id, cycle=previous_cycle)
        .select_related("cycle")
        .first()
        if previous_cycle
        else None
    )
    cards = selectors.scorecards([a for a in (assessment, previous) if a is not None])
    card = cards[assessment.pk]
    previous_scores = (
        {c.requirement.number: c.result.score for c in cards[previous.pk].requirements} if previous else {}
    )
    # Own and effective (dependency-adjusted) scores side by side: one query for the dependencies.
    cascade = interdependence.cascade_for(assessment, card).by_number()
    blocked = {}
    for blocker in selectors.blockers(assessment):
        blocked.setdefault(blocker.requirement_number, []).append(blocker)
    rows = [
        {
            "card": c,
            "previous": previous_scores.get(c.requirement.number),
            "trend": scoring.trend(c.result.score, previous_scores.get(c.requirement.number)),
            "blockers": blocked.get(c.requirement.number, []),
            "can_edit": access.can_edit_requirement(c.requirement.number),
            "cascade": cascade[c.requirement.number],
        }
        for c in card.requirements
    ]
    return render(
        request,
        "assessments/overview.html",
        _context(
            access,
            card=card,
            rows=rows,
            previous=previous,
            previous_overall=cards[previous.pk].overall if previous else None,
            overall_trend=scoring.trend(card.overall, cards[previous.pk].overall) if previous else None,
            blocker_count=sum(len(b) for b in blocked.values()),
            can_copy=access.can_manage and previous is not None and card.answered < card.total,
            submissions=selectors.submissions_of(assessment),
            report_url=_report_url(assessment),
            crumbs=_crumbs(assessment),
        ),
    )


@login_required
@require_POST
def answers_copy_previous(request, pk):
    access = permissions.assessment_for_user(request, pk)
    access.require_manage()
    try:
        copied = services.answers_copy_previous(assessment=access.assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if copied:
            messages.success(
                request,
                ngettext(
                    "%(count)d answer copied from the previous cycle. Review it before you submit.",
                    "%(count)d answers copied from the previous cycle. Review them before you submit.",
                    copied,
                )
                % {"count": copied},
            )
        else:
            messages.info(
                request, _("There was nothing to copy: no unanswered indicator has a previous answer.")
            )
    return redirect("assessment_overview", pk=access.assessment.pk)


# Requirement page -------------------------------------------------------------------------------


def _requirement_answers(assessment: Assessment, requirement: Requirement) -> list[Answer]:
    """The requirement's answers with everything the page shows: rubric, evidence, open queries."""
    answers = list(
        Answer.objects.filter(assessment=assessment, indicator__requirement=requirement)
        .select_related("indicator", "updated_by")
        .prefetch_related(
            "indicator__levels",
            "evidence",
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(parent__isnull=True, kind=Comment.Kind.QUERY, resolved=False)
                .select_related("author")
                .order_by("created_at"),
                to_attr="open_queries",
            ),
        )
    )
    for answer in answers:
        answer.assessment = assessment  # loaded already; saving an answer reads it (services.answer_save)
    return answers


def _previous_answers(assessment: Assessment, answers: list[Answer]) -> dict[str, Answer]:
    """Last cycle's answers of the same nation, by indicator code (two queries)."""
    previous_cycle = assessment.cycle.previous()
    if previous_cycle is None:
        return {}
    codes = [a.indicator.code for a in answers]
    rows = Answer.objects.filter(
        assessment__nation_id=assessment.nation_id,
        assessment__cycle=previous_cycle,
        indicator__code__in=codes,
    ).select_related("indicator")
    return {a.indicator.code: a for a in rows}


@login_required
@GET_POST
def requirement_page(request, pk, number):
    access = permissions.assessment_for_user(request, pk)
    assessment = access.assessment
    requirements = list(
        Requirement.objects.filter(framework_id=assessment.cycle.framework_id).order_by("number")
    )
    requirement = next((r for r in requirements if r.number == number), None)
    if requirement is None:
        raise Http404
    editable = access.can_edit_requirement(number)
    if request.method == "POST":
        access.require_edit_requirement(number)
    answers = _requirement_answers(assessment, requirement)
    forms = [AnswerForm(_posted(request), answer=a) for a in answers] if editable else []

    strangers = _foreign_prefixes(request, forms)
    if strangers:
        # Answers that are not on this page (another requirement's, another nation's): a tampered
        # or stale form. Nothing is saved, and the page says so.
        messages.error(
            request, _("Nothing was saved: this form does not match the page. Reload it and try again.")
        )
    elif request.method == "POST" and all(f.is_valid() for f in forms):
        outcomes = [(f, f.save(request.user)) for f in forms]
        saved = sum(1 for _f, outcome in outcomes if outcome == "saved")
        troubled = [f for f, outcome in outcomes if outcome in ("conflict", "invalid")]
        if not troubled:
            if saved:
                messages.success(
                    request,
                    ngettext("%(count)d answer saved.", "%(count)d answers saved.", saved) % {"count": saved},
                )
            else:
                messages.info(request, _("There were no changes to save."))
            if request.POST.get("save") == "next":
                following = next((r for r in requirements if r.number > number), None)
                if following is None:
                    return redirect("assessment_overview", pk=assessment.pk)
                return redirect("requirement_page", pk=assessment.pk, number=following.number)
            return redirect("requirement_page", pk=assessment.pk, number=number)
        if saved:
            messages.success(
                request,
                ngettext("%(count)d answer saved.", "%(count)d answers saved.", saved) % {"count": saved},
            )
        messages.warning(
            request,
            _(
                "Not saved: %(codes)s. Someone else changed these answers after you loaded the page; "
                "compare their answer and yours below."
            )
            % {"codes": ", ".join(f.indicator.code for f in troubled)},
        )
        forms = _forms_after_conflict(request, assessment, requirement, troubled)
        answers = [f.answer for f in forms]
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: correct the answers marked below."))

    return render(
        request,
        "assessments/requirement.html",
        _context(
            access,
            requirement=requirement,
            requirements=requirements,
            editable=editable,
            items=_items(answers, forms, _previous_answers(assessment, answers)),
            crumbs=_crumbs(assessment, (f"{requirement.code} {requirement.t_title}", None)),
        ),
    )


ANSWER_PREFIX = re.compile(r"^(a\d+)-")


def _foreign_prefixes(request, forms) -> set[str]:
    """Answer prefixes posted that belong to no form of this page."""
    if request.method != "POST":
        return set()
    posted = {m.group(1) for key in request.POST if (m := ANSWER_PREFIX.match(key))}
    return posted - {f.prefix for f in forms}


def _forms_after_conflict(request, assessment, requirement, troubled):
    """The page again after a partial save: answers as stored now; the refused ones keep the
    user's input, beside the stored answer, and carry the current version so that saving again
    deliberately replaces it."""
    by_pk = {f.answer.pk: f for f in troubled}
    forms = []
    for answer in _requirement_answers(assessment, requirement):
        old = by_pk.get(answer.pk)
        if old is None:
            forms.append(AnswerForm(answer=answer))
            continue
        data = request.POST.copy()
        data[old.add_prefix("version")] = str(answer.version)
        form = AnswerForm(data, answer=answer)
        form.is_valid()
        form.conflict = old.conflict
        for error in old.non_field_errors():
            form.add_error(None, error)
        forms.append(form)
    return forms


def _items(answers, forms, previous):
    by_answer = {f.answer.pk: f for f in forms}
    items = []
    for answer in answers:
        indicator = answer.indicator
        descriptors = {d.level: d for d in indicator.levels.all()}
        evidence = list(answer.evidence.all())
        needs = indicator.evidence_from_level if indicator.is_maturity else None
        before = previous.get(indicator.code)
        items.append(
            {
                "answer": answer,
                "indicator": indicator,
                "form": by_answer.get(answer.pk),
                "display": answer_display(indicator, answer.level, answer.value, descriptors),
                "evidence": evidence,
                "evidence_missing": needs is not None
                and answer.level is not None
                and answer.level >= needs
                and not evidence,
                "previous": answer_display(before.indicator, before.level, before.value, descriptors)
                if before and before.is_answered and before.indicator.kind == indicator.kind
                else None,
            }
        )
    return items


# Evidence ---------------------------------------------------------------------------------------


def _evidence_page(request, answer, access, upload_form=None, citation_form=None):
    number = answer.indicator.requirement.number
    editable = access.can_edit_requirement(number)
    return render(
        request,
        "assessments/evidence.html",
        _context(
            access,
            answer=answer,
            indicator=answer.indicator,
            requirement=answer.indicator.requirement,
            evidence=list(answer.evidence.select_related("uploaded_by")),
            editable=editable,
            upload_form=upload_form or EvidenceUploadForm(),
            citation_form=citation_form or EvidenceCitationForm(),
            crumbs=_crumbs(
                access.assessment,
                (
                    answer.indicator.requirement.code,
                    reverse("requirement_page", args=[access.assessment.pk, number]),
                ),
                (_("Evidence for %(code)s") % {"code": answer.indicator.code}, None),
            ),
        ),
    )


@login_required
@require_GET
def answer_evidence(request, pk):
    answer, access = permissions.answer_for_user(request, pk)
    return _evidence_page(request, answer, access)


def _add_evidence(request, pk, form_class, field):
    answer, access = permissions.answer_for_user(request, pk)
    access.require_edit_requirement(answer.indicator.requirement.number)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(answer=answer, by=request.user, **{field: form.cleaned_data[field]})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Evidence added to %(code)s.") % {"code": answer.indicator.code})
            return redirect("answer_evidence", pk=answer.pk)
    forms = {"upload_form": form} if field == "file" else {"citation_form": form}
    return _evidence_page(request, answer, access, **forms)


@login_required
@require_POST
def evidence_upload(request, pk):
    return _add_evidence(request, pk, EvidenceUploadForm, "file")


@login_required
@require_POST
def evidence_cite(request, pk):
    return _add_evidence(request, pk, EvidenceCitationForm, "citation")


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence, access = permissions.evidence_for_user(request, pk)
    access.require_edit_requirement(evidence.answer.indicator.requirement.number)
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Evidence removed."))
    return redirect("answer_evidence", pk=evidence.answer_id)


@login_required
@require_GET
def evidence_download(request, pk):
    evidence, _access = permissions.evidence_for_user(request, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# History ----------------------------------------------------------------------------------------

HISTORY_FIELDS = ["level", "value", "justification", "confidence"]


@login_required
@require_GET
def answer_history(request, pk):
    answer, access = permissions.answer_for_user(request, pk)
    indicator = answer.indicator
    descriptors = {d.level: d for d in indicator.levels.all()}
    records = list(answer.history.select_related("history_user").order_by("history_date", "history_id"))
    shown = {
        "level": lambda v: answer_display(indicator, v, None, descriptors),
        "value": lambda v: answer_display(indicator, None, v, descriptors),
        "confidence": lambda v: dict(Answer.Confidence.choices).get(v, _("Not stated")),
        "justification": lambda v: v or "—",
    }
    labels = {name: Answer._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
    entries = []
    for older, newer in zip([None, *records], records, strict=False):
        if older is None:
            changes = [
                (labels[f], None, shown[f](getattr(newer, f)))
                for f in HISTORY_FIELDS
                if getattr(newer, f) not in (None, "")
            ]
        else:
            delta = newer.diff_against(older, included_fields=HISTORY_FIELDS)
            changes = [(labels[c.field], shown[c.field](c.old), shown[c.field](c.new)) for c in delta.changes]
        if changes or older is None:
            entries.append({"record": newer, "changes": changes, "created": older is None})
    entries.reverse()
    evidence_events = list(
        Evidence.history.filter(answer_id=answer.pk).select_related("history_user").order_by("-history_date")
    )
    return render(
        request,
        "assessments/answer_history.html",
        _context(
            access,
            answer=answer,
            indicator=indicator,
            entries=entries,
            evidence_events=[e for e in evidence_events if e.history_type in ("+", "-")],
            crumbs=_crumbs(
                access.assessment,
                (
                    indicator.requirement.code,
                    reverse("requirement_page", args=[access.assessment.pk, indicator.requirement.number]),
                ),
                (_("What changed in %(code)s") % {"code": indicator.code}, None),
            ),
        ),
    )


# Submit -----------------------------------------------------------------------------------------


@login_required
@GET_POST
def assessment_submit(request, pk):
    access = permissions.assessment_for_user(request, pk)
    if not access.is_coordinator:
        raise PermissionDenied
    assessment = access.assessment
    form = SubmitForm(_posted(request))
    if request.method == "POST":
        access.require_manage()
        if form.is_valid():
            try:
                services.assessment_submit(assessment=assessment, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The assessment is submitted to the NATO reviewers. It is locked until they decide."),
                )
                return redirect("assessment_overview", pk=assessment.pk)
    blockers = selectors.blockers(assessment) if assessment.is_editable else []
    if request.method == "POST" and blockers:
        messages.error(
            request,
            ngettext(
                "Not submitted: %(count)d item still blocks submission.",
                "Not submitted: %(count)d items still block submission.",
                len(blockers),
            )
            % {"count": len(blockers)},
        )
    return render(
        request,
        "assessments/submit.html",
        _context(
            access,
            form=form,
            blockers=blockers,
            crumbs=_crumbs(assessment, (_("Submit"), None)),
        ),
    )


# Goals ------------------------------------------------------------------------------------------


@login_required
@require_GET
def goal_list(request, pk):
    access = permissions.assessment_for_user(request, pk)
    goals = access.assessment.goals.select_related("objective__requirement").prefetch_related("actions")
    return render(
        request,
        "assessments/goal_list.html",
        _context(access, goals=list(goals), crumbs=_crumbs(access.assessment, (_("National goals"), None))),
    )


def _save_form(request, form, save, message) -> bool:
    """For a valid POST, call the service `save(**cleaned_data)`; its ValidationError lands on the form.
    True when saved (with a success message)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, message)
    return True


def _form_page(request, access, form, *, title, section, section_url_name):
    """A goal, plan or action form under its section (goals, plan); Cancel goes back to the section."""
    section_url = reverse(section_url_name, args=[access.assessment.pk])
    return render(
        request,
        "assessments/object_form.html",
        _context(
            access,
            form=form,
            title=title,
            cancel_url=section_url,
            crumbs=_crumbs(access.assessment, (section, section_url), (title, None)),
        ),
    )


def _goal_form_page(request, access, form, editing=False):
    title = _("Edit goal") if editing else _("New goal")
    return _form_page(
        request, access, form, title=title, section=_("National goals"), section_url_name="goal_list"
    )


@login_required
@GET_POST
def goal_create(request, pk):
    access = permissions.assessment_for_user(request, pk)
    access.require_manage()
    form = GoalForm(_posted(request), assessment=access.assessment)
    save = partial(services.goal_create, assessment=access.assessment, by=request.user)
    if _save_form(request, form, save, _("Goal added.")):
        return redirect("goal_list", pk=access.assessment.pk)
    return _goal_form_page(request, access, form)


@login_required
@GET_POST
def goal_update(request, pk, goal_pk):
    goal, access = permissions.goal_for_user(request, pk, goal_pk)
    access.require_manage()
    form = GoalForm(_posted(request), instance=goal, assessment=access.assessment)
    save = partial(services.goal_update, goal=goal, by=request.user)
    if _save_form(request, form, save, _("Goal saved.")):
        return redirect("goal_list", pk=access.assessment.pk)
    return _goal_form_page(request, access, form, editing=True)


@login_required
@GET_POST
def goal_delete(request, pk, goal_pk):
    goal, access = permissions.goal_for_user(request, pk, goal_pk)
    access.require_manage()
    if request.method == "POST":
        try:
            services.goal_delete(goal=goal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Goal deleted."))
        return redirect("goal_list", pk=access.assessment.pk)
    return render(
        request,
        "assessments/confirm_delete.html",
        _context(
            access,
            object=goal,
            kind=_("goal"),
            cancel_url=reverse("goal_list", args=[access.assessment.pk]),
            crumbs=_crumbs(
                access.assessment,
                (_("National goals"), reverse("goal_list", args=[access.assessment.pk])),
                (_("Delete goal"), None),
            ),
        ),
    )


# Implementation plan ----------------------------------------------------------------------------


def _plan_of(assessment) -> ImplementationPlan | None:
    return ImplementationPlan.objects.filter(assessment=assessment).first()


@login_required
@require_GET
def plan_detail(request, pk):
    access = permissions.assessment_for_user(request, pk)
    plan = _plan_of(access.assessment)
    actions = (
        list(plan.actions.prefetch_related(Prefetch("goals", queryset=_goals_with_objective())))
        if plan
        else []
    )
    return render(
        request,
        "assessments/plan.html",
        _context(
            access,
            plan=plan,
            actions=actions,
            crumbs=_crumbs(access.assessment, (_("Implementation plan"), None)),
        ),
    )


def _goals_with_objective():
    return NationalGoal.objects.select_related("objective")


@login_required
@GET_POST
def plan_edit(request, pk):
    access = permissions.assessment_for_user(request, pk)
    access.require_manage()
    plan = _plan_of(access.assessment)
    form = PlanForm(_posted(request), instance=plan)
    save = partial(services.plan_save, assessment=access.assessment, by=request.user)
    if _save_form(request, form, save, _("Plan saved.")):
        return redirect("plan_detail", pk=access.assessment.pk)
    title = _("Edit plan") if plan else _("Start the plan")
    return _form_page(
        request, access, form, title=title, section=_("Implementation plan"), section_url_name="plan_detail"
    )


def _action_form_page(request, access, form, editing=False):
    title = _("Edit action") if editing else _("New action")
    return _form_page(
        request, access, form, title=title, section=_("Implementation plan"), section_url_name="plan_detail"
    )


@login_required
@GET_POST
def action_create(request, pk):
    access = permissions.assessment_for_user(request, pk)
    access.require_manage()
    plan = _plan_of(access.assessment)
    if plan is None:
        messages.info(request, _("Give the implementation plan a title first."))
        return redirect("plan_edit", pk=access.assessment.pk)
    form = PlanActionForm(_posted(request), assessment=access.assessment)
    save = partial(services.plan_action_create, plan=plan, by=request.user)
    if _save_form(request, form, save, _("Action added.")):
        return redirect("plan_detail", pk=access.assessment.pk)
    return _action_form_page(request, access, form)


@login_required
@GET_POST
def action_update(request, pk, action_pk):
    action, access = permissions.action_for_user(request, pk, action_pk)
    access.require_manage()
    form = PlanActionForm(_posted(request), instance=action, assessment=access.assessment)
    save = partial(services.plan_action_update, action=action, by=request.user)
    if _save_form(request, form, save, _("Action saved.")):
        return redirect("plan_detail", pk=access.assessment.pk)
    return _action_form_page(request, access, form, editing=True)


@login_required
@GET_POST
def action_delete(request, pk, action_pk):
    action, access = permissions.action_for_user(request, pk, action_pk)
    access.require_manage()
    plan_url = reverse("plan_detail", args=[access.assessment.pk])
    if request.method == "POST":
        try:
            services.plan_action_delete(action=action, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Action deleted."))
        return redirect(plan_url)
    return render(
        request,
        "assessments/confirm_delete.html",
        _context(
            access,
            object=action,
            kind=_("action"),
            cancel_url=plan_url,
            crumbs=_crumbs(
                access.assessment, (_("Implementation plan"), plan_url), (_("Delete action"), None)
            ),
        ),
    )
