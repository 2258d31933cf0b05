"""A plain 503 page when the database is unreachable, rendered without touching the database."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("django.request")


def database_unavailable(request) -> HttpResponse:
    if request is not None and request.path == "/healthz":
        # The health check keeps its JSON contract even when the failure came before its view.
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    # No request in the context: context processors would ask the database who the user is.
    body = loader.render_to_string("503.html", {})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request):
    """handler500: database errors raised outside views (sessions, middleware) still answer 503."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    try:
        body = loader.render_to_string("500.html", {})
    except Exception:  # the error page must not fail in turn
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
