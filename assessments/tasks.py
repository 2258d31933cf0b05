"""Background tasks (django-tasks; the database backend in production, `make run` starts one
worker and `python manage.py db_worker` starts more). Work too long for a request goes here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone, translation
from django.utils.text import slugify
from django_tasks import task

from . import permissions
from .models import Cycle
from .reports.alliance import alliance_report_pdf

ALLIANCE_FOLDER = "alliance"


@task()
def render_alliance_report(cycle_id: int, requested_by_id: int, language: str | None = None) -> str:
    """Render the alliance comparative report of a cycle into private storage and return the
    file's storage name, in the language of the request that asked for it (a worker has no
    request of its own). Only a reviewer may have asked for it."""
    user = get_user_model().objects.get(pk=requested_by_id)
    if not permissions.is_reviewer(user):
        raise PermissionDenied("Only reviewers receive the alliance report.")
    cycle = Cycle.objects.select_related("framework").get(pk=cycle_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        pdf = alliance_report_pdf(cycle, requested_by=user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{ALLIANCE_FOLDER}/alliance-report-{slugify(cycle.name)}-{stamp}.pdf"
    return storages["private"].save(name, ContentFile(pdf))
