"""Receivers writing sign-in events to the security log, and stamping the start of each session (and
whether its user has an authenticator to pass)."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import otp
from .security_log import log_event
from .sessions import stamp_login


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    stamp_login(request)
    if request is not None and hasattr(request, "session"):
        otp.remember_devices(request, user)
    log_event(request, "login.succeeded", user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(request, "logout", user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    log_event(request, "login.failed", level=logging.WARNING, username=credentials.get("username", ""))


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log_event(request, "login.locked_out", level=logging.WARNING, username=username or "")
