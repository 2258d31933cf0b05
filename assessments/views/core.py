"""Pages every visitor meets: home, health check, dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import permissions, selectors, services
from ..models import Cycle, Nation


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def dashboard(request):
    context = selectors.dashboard(request.user)
    context["is_reviewer"] = permissions.is_reviewer(request.user)
    return render(request, "assessments/dashboard.html", context)


@login_required
@require_POST
def assessment_start(request, code, cycle_id):
    nation = get_object_or_404(Nation, code=code)
    permissions.require_coordinator(request.user, nation.pk)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    try:
        services.assessment_start(nation=nation, cycle=cycle, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("dashboard")
