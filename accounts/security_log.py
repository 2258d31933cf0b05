"""The security log: one line per security event on the "security" logger, saying who, what, when and
from where. Call `log_event(request, "export.xlsx", cycle=3)` from any view or service that has the
request; events without a request (management commands) pass `request=None` and `user=`.

The client address is REMOTE_ADDR, or the X-Forwarded-For entry added by our own proxies when
`TRUSTED_PROXY_COUNT` says how many there are (a client can write anything in that header, so it is
only believed that far)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("security")


def client_ip(request) -> str:
    """The caller's address as our outermost trusted proxy saw it."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Each trusted proxy appends the address it received from; the client is `proxies` from the end.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def _short(value, limit=200):
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "…"
    return value


def _who(request, user) -> str:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return ""


def log_event(request, what: str, *, user=None, level: int = logging.INFO, **details) -> dict:
    """Record one security event and return it (as logged).

    `what` is a dotted name ("login.failed", "access.denied", "submission.created", "export.csv",
    "decision.accepted"); `details` are extra facts (ids, usernames tried), never passwords or tokens."""
    event = {
        "event": what,
        "user": _who(request, user),
        "ip": client_ip(request),
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    if request is not None and request.method:
        event["method"] = request.method
        event["path"] = request.path
    # Details come from user input too (a username tried at the login form): keep each one short.
    event.update({key: _short(value) for key, value in details.items() if value is not None})
    logger.log(level, json.dumps(event, default=str, ensure_ascii=False), extra={"security_event": event})
    return event
