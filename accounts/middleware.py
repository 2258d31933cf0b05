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
    """After the password, reviewers and administrators, and everyone who set up an authenticator, go to
    the second factor before anything else (the Django admin included): reviewers and administrators
    without an authenticator yet go to enrolment first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith(OTP_EXEMPT_PREFIXES) and otp.must_verify(request):
            if otp.has_totp(user):
                target = "otp-verify"
            elif otp.otp_required_for(user):
                target = "otp-enrol"
            else:
                # Their authenticator was removed since they logged in (an administrator reset it).
                otp.remember_devices(request)
                return self.get_response(request)
            return redirect(
                f"{reverse(target)}?next={request.get_full_path()}"
                if request.method == "GET"
                else reverse(target)
            )
        return self.get_response(request)


# Routes whose successful use is a security event: data leaving the application, and the decisions.
DOWNLOADS = {
    "compare_export_xlsx": "export.xlsx",
    "compare_export_csv": "export.csv",
    "alliance_report_download": "export.alliance_report",
    "assessment_report_pdf": "download.report_pdf",
    "submission_pdf": "download.submission_pdf",
    "evidence_download": "download.evidence",
}
# POST routes that change an assessment's status: the event is named by the status it ends in, so that
# a refused decision (which also redirects, with a message) is not logged as made.
DECISIONS = {
    "assessment_submit": {"submitted": "assessment.submitted"},
    "review_accept": {"accepted": "decision.accepted"},
    "review_return": {"returned": "decision.returned"},
}


class SecurityEventsMiddleware:
    """The security log of what happens through views: denied access (a 403 from the permission
    helpers, a 404 for a signed-in user, which is how a forged id of another nation's object
    answers), exports and downloads, submissions and decisions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or not match.url_name:
            return response
        name = match.url_name
        if name in DOWNLOADS and response.status_code == 200:
            log_event(request, DOWNLOADS[name], **match.kwargs)
        elif name in DECISIONS and request.method == "POST" and response.status_code == 302:
            from assessments.models import Assessment

            status = (
                Assessment.objects.filter(pk=match.kwargs.get("pk")).values_list("status", flat=True).first()
            )
            if status in DECISIONS[name]:
                log_event(request, DECISIONS[name][status], assessment=match.kwargs.get("pk"))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            log_event(request, "access.denied", status=403)
        elif isinstance(exception, Http404) and request.user.is_authenticated:
            log_event(request, "access.not_found", status=404)
        elif isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request)
        return None
