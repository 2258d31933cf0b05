"""Session lifetime: a session ends after `SESSION_IDLE_TIMEOUT` seconds without a request and, whatever
the activity, `SESSION_ABSOLUTE_LIFETIME` seconds after login. Both are settings (README, Configuration)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from .security_log import log_event

LOGIN_AT = "rb_login_at"
SEEN_AT = "rb_seen_at"
# The last-seen stamp is rewritten at most this often, so that reading pages does not write the session
# on every request; the idle timeout is therefore honoured to within this many seconds.
SEEN_RESOLUTION = 60


def stamp_login(request) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """Logs out a user whose session has been idle or alive too long, with a message saying so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            if login_at is None or seen_at is None:
                stamp_login(request)
            elif now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                return self.expire(request, "idle", _("You were logged out after a period of inactivity."))
            elif now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
                return self.expire(request, "lifetime", _("Your session reached its maximum length."))
            elif now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)

    def expire(self, request, reason, message):
        log_event(request, "session.expired", reason=reason)
        path = request.get_full_path()
        logout(request)
        messages.info(request, message + " " + _("Please log in again."))
        return redirect_to_login(path)
