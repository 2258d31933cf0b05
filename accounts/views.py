"""Second-factor pages (enrol, verify, recovery codes), the lock-out page of django-axes and the page of a
form refused by the CSRF check."""

import logging
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from . import otp
from .forms import TokenForm
from .security_log import log_event


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_GET
def security(request):
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": otp.has_totp(request.user),
            "verified": request.user.is_verified(),
            "required": otp.otp_required_for(request.user),
            "recovery_left": otp.recovery_codes_left(request.user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Show a new secret as a QR code and as text; a correct code from it confirms the device."""
    user = request.user
    if otp.has_totp(user) and not user.is_verified():
        # Adding a device must not be a way round the existing one.
        return redirect(f"{reverse('otp-verify')}?next={reverse('otp-enrol')}")
    device = otp.pending_totp(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            replaced = otp.confirm_totp(device)
            otp_login(request, device)
            otp.remember_devices(request)
            codes = otp.recovery_codes_reset(user=user)
            log_event(request, "otp.enrolled", device=device.persistent_id, replaced=replaced or None)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        log_event(request, "otp.enrol_failed", level=logging.WARNING)
        form.add_error("token", _("That code does not match. Check the time on your device and try again."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
        "required": otp.otp_required_for(user),
        "next": _next(request),
    }
    return render(request, "accounts/otp_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    if not otp.has_totp(user):
        return redirect(f"{reverse('otp-enrol')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            log_event(request, "otp.verified", device=device.persistent_id)
            return HttpResponseRedirect(_next(request))
        log_event(request, "otp.failed", level=logging.WARNING)
        form.add_error("token", _("That code is not valid, or too many tries were made: wait and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_POST
def otp_recovery(request):
    """New recovery codes, for a session that passed the second factor."""
    if not request.user.is_verified():
        return redirect(f"{reverse('otp-verify')}?next={reverse('account-security')}")
    codes = otp.recovery_codes_reset(user=request.user)
    log_event(request, "otp.recovery_codes_reset")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("account-security")}
    )


@never_cache
@login_required
@require_POST
def otp_remove(request):
    """Turn the second factor off, for a verified session of a user whose role does not require it."""
    if otp.otp_required_for(request.user):
        raise PermissionDenied
    if not request.user.is_verified():
        return redirect(f"{reverse('otp-verify')}?next={reverse('account-security')}")
    otp.remove_all(request.user)
    otp.remember_devices(request)
    log_event(request, "otp.removed")
    messages.success(request, _("Two-factor authentication is off. You can set it up again at any time."))
    return redirect("account-security")


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page with the reason, answered 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form posted without this application's token (a stale page, or another site
    posting on the user's behalf). Nothing was done; the security log records it as denied access."""
    log_event(request, "access.csrf_failed", level=logging.WARNING, status=403, reason=reason)
    return render(request, "403_csrf.html", status=403)
