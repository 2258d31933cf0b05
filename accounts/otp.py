"""Second factor (django-otp): who must use it, and the devices behind it.

TOTP devices (an authenticator app) are the factor; a static device holds the single-use recovery
codes. When `OTP_REQUIRED_FOR_STAFF` is on (the default outside debug), reviewers and administrators must
have one, and everyone who has set one up must pass it after their password; everyone else may enrol."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import permissions

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"
# Whether the signed-in user had an authenticator when they logged in (or set one up since): read by the
# middleware on every request, so it is kept in the session rather than asked of the database each time.
SESSION_HAS_TOTP = "rb_has_totp"
# Fixed secrets for the demo users only (seed_demo): printed in the README so the demo can be tried
# with any authenticator app. Never use them, or seed_demo, on a production database.
DEMO_TOTP_KEYS = {
    "reviewer": "3132333435363738393031323334353637383930",  # base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
    "admin": "3031323334353637383930313233343536373839",  # base32 GAYTEMZUGU3DOOBZGAYTEMZUGU3DOOBZ
}


def otp_required_for(user) -> bool:
    """Reviewers and administrators must pass the second factor (when the setting is on)."""
    if not settings.OTP_REQUIRED_FOR_STAFF or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or permissions.is_reviewer(user)


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(request) -> bool:
    """Whether this session must pass the second factor before anything else: the role requires it, or
    the user set up an authenticator (which would otherwise protect nothing)."""
    user = request.user
    if not settings.OTP_REQUIRED_FOR_STAFF or not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(SESSION_HAS_TOTP)) or otp_required_for(user)


def remember_devices(request, user=None) -> None:
    """Note in the session whether its user has an authenticator (at login, and when it changes)."""
    request.session[SESSION_HAS_TOTP] = has_totp(user or request.user)


@transaction.atomic
def confirm_totp(device: TOTPDevice) -> int:
    """Confirm a newly enrolled device; it replaces the user's other authenticators. Returns how many
    it replaced."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    replaced, _ = TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return replaced


@transaction.atomic
def remove_all(user) -> None:
    """Turn the second factor off: every authenticator and the recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (its secret shown until a code from it is entered)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def verify(user, token: str):
    """The confirmed device (TOTP or a recovery code) that accepts the token, or None.

    Every device counts the failure and throttles further tries (django-otp's ThrottlingMixin)."""
    token = "".join(token.split())
    if not token or len(token) > 16:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def recovery_codes_reset(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones and return them (shown once, stored as given)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def demo_devices_ensure(users) -> list[tuple[str, str]]:
    """Give the demo reviewer and admin their fixed TOTP secret (idempotent); returns (user, base32)."""
    from base64 import b32encode
    from binascii import unhexlify

    given = []
    for user in users:
        key = DEMO_TOTP_KEYS.get(user.get_username())
        if key is None:
            continue
        TOTPDevice.objects.update_or_create(
            user=user, name="demo authenticator", defaults={"key": key, "confirmed": True}
        )
        given.append((user.get_username(), b32encode(unhexlify(key)).decode()))
    return given


def otp_session_for_tests(client, user) -> None:
    """Mark a test client's session as verified by the user's TOTP device (creating one if needed)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
