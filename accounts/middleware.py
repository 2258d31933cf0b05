"""Request guards: the second factor, the security log of denied access, and the database outage page."""

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from . import otp
from .outage import database_unavailable
from .security_log import log_event

# Reachable before the second factor: the OTP pages themselves, logging out, and what needs no user.
OTP_EXEMPT_PREFIXES = ("/account/otp/", "/logout/", "/static/", "/healthz", "/i18n/", "/login/")


class OTPRequiredMiddleware:
    """After the password, reviewers and administrators go to the second factor before anything else
    (the Django admin included): enrolment first if they have no authenticator yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OTP_EXEMPT_PREFIXES)
            and otp.otp_required_for(user)
            and not user.is_verified()
        ):
            target = "otp-verify" if otp.has_totp(user) else "otp-enrol"
            return redirect(
                f"{reverse(target)}?next={request.get_full_path()}"
                if request.method == "GET"
                else reverse(target)
            )
        return self.get_response(request)


class SecurityEventsMiddleware:
    """Denied access goes to the security log: a 403 from the permission helpers, and a 404 for a
    signed-in user (which is how a forged id of another nation's object answers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            log_event(request, "access.denied", status=403)
        elif isinstance(exception, Http404) and request.user.is_authenticated:
            log_event(request, "access.not_found", status=404)
        elif isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request)
        return None
