"""The reviewer workspace: inbox, read-only review with "Accept" and "Return to nation", the compare
pages (heatmap, collective view, side by side, one nation over cycles, two-cycle diff), exports and
the alliance comparative report prepared in the background.

Every view starts with `permissions.require_reviewer` (through `reviewer_view`): national users get
404, as if the pages did not exist. Drafts are never loaded: reviewer reads go through
`permissions.reviewable_assessment` and the `comparisons` selectors."""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from .. import charts, comparisons, exports, permissions, selectors, services, tasks
from ..models import Answer, Assessment, Cycle, Nation
from ..reports.alliance import spread_chart
from ..review_forms import CommentForm, CompareForm, InboxFilterForm, ReturnForm
from ..warnings import early_warnings

PAGE_SIZE = 25


def reviewer_view(view):
    """Signed-in reviewers only; everyone else signed in gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        permissions.require_reviewer(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _query(params: dict, **changes) -> str:
    """A query string from `params` with `changes` applied (None removes a key)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged, doseq=True)


# Inbox -----------------------------------------------------------------------------------------


@reviewer_view
@require_GET
def inbox(request):
    cycles = list(Cycle.objects.order_by("-opens_on"))
    nations = list(Nation.objects.order_by("name"))
    form = InboxFilterForm(request.GET or None, cycles=cycles, nations=nations)
    nation_ids = {n.code: n.pk for n in nations}
    sort = form.value("sort", "submitted")
    descending = form.value("dir", "desc") == "desc"
    queryset = comparisons.inbox(
        cycle_id=form.value("cycle") or None,
        status=form.value("status") or None,
        nation_id=nation_ids.get(form.value("nation")),
        sort=sort,
        descending=descending,
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: form.value(k) for k in ("cycle", "status", "nation", "sort", "dir")}
    headers = []
    for key, label in (
        ("nation", _("Nation")),
        ("cycle", _("Cycle")),
        ("status", _("Status")),
        ("submitted", _("Submitted")),
    ):
        active = key == sort
        next_dir = "asc" if active and descending else "desc"
        headers.append(
            {
                "label": label,
                "url": _query(params, sort=key, dir=next_dir, page=None),
                "aria_sort": ("descending" if descending else "ascending") if active else "",
            }
        )
    return render(
        request,
        "reviewer/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": _rows_with_warnings(list(page.object_list)),
            "headers": headers,
            "page_query": _query(params, page=None).lstrip("?"),
        },
    )


def _rows_with_warnings(assessments):
    """The page's rows with their early warnings (a fixed number of queries). A returned assessment is
    being edited by its nation: the inbox shows its last submission, so no live warnings for it. The
    rows reuse the scorecards the warnings computed."""
    live = [a for a in assessments if a.status != Assessment.Status.RETURNED]
    cards = {}
    found = early_warnings(live, for_reviewer=True, scored=cards)
    rows = comparisons.inbox_rows(assessments, cards=cards)
    for row in rows:
        row.warnings = found.get(row.assessment.pk, [])
    return rows


# Review ---------------------------------------------------------------------------------------


def render_review(
    request, access, *, status=200, return_form=None, comment_form=None, comment_answer="", reply=None
):
    """The review page; a form that failed comes back bound, next to where it was sent from."""
    assessment = access.assessment
    review = comparisons.review_of(assessment)
    return render(
        request,
        "reviewer/review.html",
        {
            "assessment": assessment,
            "review": review,
            "decisions": comparisons.decisions_of(assessment),
            "submissions": selectors.submissions_of(assessment),
            "can_decide": assessment.status == assessment.Status.SUBMITTED,
            "live": permissions.reviewers_see_live(assessment),
            "return_form": return_form or ReturnForm(),
            "comment_form": comment_form,
            "comment_answer": comment_answer,
            "reply": reply or (None, None),
            "crumbs": [
                (_("Inbox"), reverse("review_inbox")),
                (f"{assessment.nation.t_name} {assessment.cycle.name}", ""),
            ],
        },
        status=status,
    )


@reviewer_view
@require_GET
def review(request, pk):
    return render_review(request, permissions.reviewable_assessment(request, pk))


@reviewer_view
@require_POST
def accept(request, pk):
    access = permissions.reviewable_assessment(request, pk)
    try:
        services.assessment_accept(assessment=access.assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The %(cycle)s assessment of %(nation)s is accepted.")
            % {"cycle": access.assessment.cycle.name, "nation": access.assessment.nation.t_name},
        )
    return redirect("review_assessment", pk=access.assessment.pk)


@reviewer_view
@require_POST
def return_to_nation(request, pk):
    access = permissions.reviewable_assessment(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_return(
                assessment=access.assessment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The %(cycle)s assessment is returned to %(nation)s with your reason.")
                % {"cycle": access.assessment.cycle.name, "nation": access.assessment.nation.t_name},
            )
            return redirect("review_assessment", pk=access.assessment.pk)
    return render_review(request, access, return_form=form)


@reviewer_view
@require_POST
def comment_add(request, pk):
    """A reviewer starts a thread on the assessment or on one of its answers."""
    access = permissions.reviewable_assessment(request, pk)
    form = CommentForm(request.POST)
    answer = None
    form.is_valid()
    answer_pk = form.cleaned_data.get("answer")
    if answer_pk:
        answer = Answer.objects.filter(assessment=access.assessment, pk=answer_pk).first()
        if answer is None:
            form.add_error(None, _("That answer is not part of this assessment."))
    if form.is_valid():
        try:
            comment = services.comment_add(
                assessment=access.assessment,
                answer=answer,
                by=request.user,
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(
                reverse("review_assessment", args=[access.assessment.pk]) + f"#thread-{comment.pk}"
            )
    # The form comes back where it was sent from: under its answer, or under the whole assessment.
    where = str(answer.pk) if answer is not None else ""
    return render_review(request, access, comment_form=form, comment_answer=where)


# Compare --------------------------------------------------------------------------------------


def _show(form, name, value) -> None:
    """Let a select show the value a page chose by default."""
    if form.is_bound:
        if not form.data.get(name):
            form.data = form.data.copy()
            form.data[name] = str(value)
    else:
        form.initial[name] = str(value)


def _compare(request, *, with_nations=False):
    """What every compare page starts from: the cycles, the nations (when the page chooses
    some), the bound form and the chosen cycle (the newest with submissions by default)."""
    cycles = comparisons.cycles_for_comparison()
    nations = list(Nation.objects.order_by("name")) if with_nations else []
    form = CompareForm(request.GET or None, cycles=cycles, nations=nations)
    if form.is_bound:
        form.is_valid()
    data = getattr(form, "cleaned_data", {})
    by_id = {str(c.pk): c for c in cycles}
    cycle = by_id.get(data.get("cycle") or "") or comparisons.default_cycle(cycles)
    if cycle is not None:
        _show(form, "cycle", cycle.pk)
    return {
        "form": form,
        "cycles": cycles,
        "cycles_by_id": by_id,
        "nations_by_code": {n.code: n for n in nations},
        "cycle": cycle,
        "data": data,
        "recent_reports": _recent_reports(request),
    }


@reviewer_view
@require_GET
def compare(request):
    """The heatmap: nations x requirements for a cycle, sortable by any column."""
    context = _compare(request)
    cycle = context["cycle"]
    sort = request.GET.get("sort", "nation")
    descending = request.GET.get("dir") == "desc"
    matrix = comparisons.matrix(cycle, sort=sort, descending=descending) if cycle else None
    headers = []
    if matrix:
        params = {"cycle": cycle.pk}
        labels = {"nation": _("Nation"), "overall": _("Overall"), "completeness": _("Completeness")}
        titles = {r.code: r.t_title for r in matrix.requirements}
        for key in comparisons.sort_keys(matrix.requirements):
            active = key == matrix.sort
            next_dir = "asc" if active and matrix.descending else "desc"
            if key == "nation" and not active:
                next_dir = "asc"
            headers.append(
                {
                    "key": key,
                    "label": labels.get(key, key),
                    "title": titles.get(key, ""),
                    "url": _query(params, sort=key, dir=next_dir),
                    "aria_sort": ("descending" if matrix.descending else "ascending") if active else "",
                }
            )
    context.update(
        {
            "page": "heatmap",
            "matrix": matrix,
            "headers": headers,
            "bands": range(6),
            # "/review/<pk>/" built by hand: reversing the URL for each of 200 rows costs more.
            "review_prefix": reverse("review_inbox"),
        }
    )
    return render(request, "reviewer/compare_heatmap.html", context)


@reviewer_view
@require_GET
def compare_collective(request):
    context = _compare(request)
    cycle = context["cycle"]
    level = context["data"].get("level") or 3
    _show(context["form"], "level", level)  # the level used, also when the link carried only a cycle
    rows = chart = None
    if cycle:
        rows = comparisons.collective_view(comparisons.matrix(cycle), at_level=level)
        chart = spread_chart(cycle, rows, level)
    context.update({"page": "collective", "rows": rows, "chart": chart, "level": level})
    return render(request, "reviewer/compare_collective.html", context)


@reviewer_view
@require_GET
def compare_side_by_side(request):
    context = _compare(request, with_nations=True)
    form = context["form"]
    codes = form.side_codes() if form.is_bound and form.is_valid() else []
    result = None
    if codes and len(codes) < comparisons.MIN_SIDE:
        form.add_error("nation_2", _("Choose at least two nations."))
    elif codes:
        nations = [context["nations_by_code"][c] for c in codes]
        explicit = context["cycle"] if context["data"].get("cycle") else None
        result = comparisons.side_by_side(explicit, nations, context["cycles"])
        context["cycle"] = result.cycle
        if explicit is None and result.cycle is not None:
            form.data = form.data.copy()
            form.data["cycle"] = str(result.cycle.pk)
    context.update({"page": "side", "result": result})
    return render(request, "reviewer/compare_side_by_side.html", context)


@reviewer_view
@require_GET
def compare_trend(request):
    context = _compare(request, with_nations=True)
    nation = context["nations_by_code"].get(context["data"].get("nation") or "")
    trend = chart = None
    if nation:
        trend = comparisons.nation_trend(nation)
        if trend.cycles:
            chart = charts.trend_chart(
                _("Scores of %(nation)s by cycle") % {"nation": nation.t_name},
                [c.name for c in trend.cycles],
                [(s.code, s.scores) for s in trend.requirements] + [(_("Overall"), trend.overall)],
            )
    context.update({"page": "trend", "nation": nation, "trend": trend, "chart": chart})
    return render(request, "reviewer/compare_trend.html", context)


@reviewer_view
@require_GET
def compare_diff(request):
    context = _compare(request, with_nations=True)
    data, by_id = context["data"], context["cycles_by_id"]
    nation = context["nations_by_code"].get(data.get("nation") or "")
    diff = note = None
    if nation:
        new, old = by_id.get(data.get("new") or ""), by_id.get(data.get("old") or "")
        if new is None or old is None:
            # By default the nation's two latest compared cycles.
            ids = [str(i) for i in comparisons.nation_cycles(nation)]
            new = new or (by_id[ids[0]] if ids else context["cycle"])
            old = old or next((by_id[i] for i in ids if by_id[i].opens_on < new.opens_on), None)
        if new is not None:
            _show(context["form"], "new", new.pk)
        if old is not None:
            _show(context["form"], "old", old.pk)
        if old is None or new is None:
            note = _(
                "%(nation)s has no earlier submitted or accepted assessment to compare with. "
                "Choose two cycles."
            ) % {"nation": nation.t_name}
        elif old.pk == new.pk:
            context["form"].add_error("new", _("Choose two different cycles."))
        else:
            diff = comparisons.cycle_diff(nation, old, new)
    context.update({"page": "diff", "nation": nation, "diff": diff, "note": note})
    return render(request, "reviewer/compare_diff.html", context)


# Exports --------------------------------------------------------------------------------------


def _export_cycle(request) -> Cycle:
    cycles = comparisons.cycles_for_comparison()
    chosen = request.GET.get("cycle")
    if chosen:
        cycle = next((c for c in cycles if str(c.pk) == chosen), None)
        if cycle is None:
            raise Http404
        return cycle
    cycle = comparisons.default_cycle(cycles)
    if cycle is None:
        raise Http404
    return cycle


@reviewer_view
@require_GET
def export_xlsx(request):
    cycle = _export_cycle(request)
    response = HttpResponse(
        exports.xlsx(cycle), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="resilience-{slugify(cycle.name)}.xlsx"'
    return response


@reviewer_view
@require_GET
def export_csv(request):
    cycle = _export_cycle(request)
    response = HttpResponse(exports.csv_text(cycle), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resilience-answers-{slugify(cycle.name)}.csv"'
    return response


# Alliance report (background task) ------------------------------------------------------------

SESSION_KEY = "alliance_reports"
KEEP_REPORTS = 10
# A request no worker has picked up for this long gets a warning; one running this long has died.
WAITING_WARNING = datetime.timedelta(minutes=5)
RUNNING_LIMIT = datetime.timedelta(minutes=30)
FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def _recent_reports(request) -> list[dict]:
    reports = request.session.get(SESSION_KEY, {})
    return sorted(
        (
            {"id": key, "requested": datetime.datetime.fromisoformat(value["requested_at"]), **value}
            for key, value in reports.items()
        ),
        key=lambda r: r["requested_at"],
        reverse=True,
    )


def _remember(request, result, cycle) -> None:
    """The requests of this session: a reviewer follows (and downloads) only their own."""
    reports = request.session.get(SESSION_KEY, {})
    reports[str(result.id)] = {
        "cycle": cycle.pk,
        "cycle_name": cycle.name,
        "status": str(result.status),
        "name": result.return_value if result.status == TaskResultStatus.SUCCESSFUL else "",
        "requested_at": timezone.now().isoformat(),
    }
    for old in sorted(reports, key=lambda k: reports[k]["requested_at"])[:-KEEP_REPORTS]:
        del reports[old]
    request.session[SESSION_KEY] = reports


def _report(request, result_id) -> dict:
    """This session's report request, brought up to date from the task backend; 404 if unknown."""
    reports = request.session.get(SESSION_KEY, {})
    entry = reports.get(str(result_id))
    if entry is None:
        raise Http404
    if entry["status"] not in FINISHED and tasks.render_alliance_report.get_backend().supports_get_result:
        try:
            result = tasks.render_alliance_report.get_result(str(result_id))
        except (TaskResultDoesNotExist, TaskResultMismatch):
            entry["status"] = str(TaskResultStatus.FAILED)
        else:
            entry["status"] = str(result.status)
            if result.status == TaskResultStatus.SUCCESSFUL:
                entry["name"] = result.return_value
        reports[str(result_id)] = entry
        request.session[SESSION_KEY] = reports
    return entry


@reviewer_view
@require_POST
def alliance_report_request(request):
    cycles = comparisons.cycles_for_comparison()
    cycle = next((c for c in cycles if str(c.pk) == request.POST.get("cycle", "")), None)
    if cycle is None:
        messages.error(request, _("Choose a cycle for the alliance report."))
        return redirect("compare")
    result = tasks.render_alliance_report.enqueue(cycle.pk, request.user.pk, get_language())
    _remember(request, result, cycle)
    return redirect("alliance_report_status", result_id=result.id)


@never_cache
@reviewer_view
@require_GET
def alliance_report_status(request, result_id):
    entry = _report(request, result_id)
    age = timezone.now() - datetime.datetime.fromisoformat(entry["requested_at"])
    state = {
        TaskResultStatus.SUCCESSFUL: "ready",
        TaskResultStatus.FAILED: "failed",
        TaskResultStatus.RUNNING: "running",
    }.get(entry["status"], "waiting")
    if state == "running" and age > RUNNING_LIMIT:
        state = "failed"
    return render(
        request,
        "reviewer/alliance_report.html",
        {
            "entry": entry,
            "result_id": result_id,
            "state": state,
            "slow": state == "waiting" and age > WAITING_WARNING,
            "crumbs": [(_("Compare"), reverse("compare")), (_("Alliance report"), "")],
        },
    )


@reviewer_view
@require_GET
def alliance_report_download(request, result_id):
    entry = _report(request, result_id)
    if entry["status"] != TaskResultStatus.SUCCESSFUL or not entry.get("name"):
        raise Http404
    storage = storages["private"]
    try:
        handle = storage.open(entry["name"], "rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"alliance-report-{slugify(entry['cycle_name'])}.pdf",
        content_type="application/pdf",
    )
