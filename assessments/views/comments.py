"""Comment threads: reviewers raise queries (and keep notes) on an assessment or one answer; the
nation reads its queries on the "Queries" page and replies there. Who may see, reply and resolve
is decided by `permissions.comment_for_user`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import comparisons, permissions, services
from ..review_forms import ReplyForm
from .reviewer import render_review


def render_queries(request, access, *, reply=None):
    """The nation's page of reviewer queries on one of its assessments."""
    assessment = access.assessment
    threads = comparisons.threads_of(assessment, include_notes=False)
    ordered = threads.get(None, []) + [t for key, group in threads.items() if key is not None for t in group]
    for thread in ordered:
        thread.can_reply = permissions.can_reply(request.user, access, thread.root)
    return render(
        request,
        "reviewer/queries.html",
        {
            "assessment": assessment,
            "access": access,
            "threads": ordered,
            "open_count": sum(1 for t in ordered if not t.root.resolved),
            "reply": reply or (None, None),
            "crumbs": [
                (_("Dashboard"), reverse("dashboard")),
                (
                    f"{assessment.nation.t_name} {assessment.cycle.name}",
                    reverse("assessment_overview", args=[assessment.pk]),
                ),
                (_("Queries"), ""),
            ],
        },
    )


@login_required
@require_GET
def queries(request, pk):
    access = permissions.assessment_for_user(request, pk)
    if access.is_reviewer:
        return redirect("review_assessment", pk=access.assessment.pk)
    return render_queries(request, access)


def _thread_url(access, thread) -> str:
    name = "review_assessment" if access.is_reviewer else "assessment_queries"
    return reverse(name, args=[access.assessment.pk]) + f"#thread-{thread.pk}"


@login_required
@require_POST
def reply(request, pk):
    """A reply to a thread, by a reviewer or by the nation (see `permissions.can_reply`)."""
    target = permissions.comment_for_user(request, pk)
    target.require_reply()
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                assessment=target.access.assessment,
                parent=target.thread,
                by=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reply is added."))
            return redirect(_thread_url(target.access, target.thread))
    if target.access.is_reviewer:
        return render_review(request, target.access, reply=(target.thread.pk, form))
    return render_queries(request, target.access, reply=(target.thread.pk, form))


@login_required
@require_POST
def resolve(request, pk):
    """A reviewer marks a query resolved, or open again (`resolved=0`)."""
    target = permissions.comment_for_user(request, pk)
    target.require_resolve()
    resolved = request.POST.get("resolved", "1") != "0"
    try:
        services.comment_resolve(comment=target.thread, by=request.user, resolved=resolved)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The query is marked resolved.") if resolved else _("The query is open again.")
        )
    return redirect(_thread_url(target.access, target.thread))
