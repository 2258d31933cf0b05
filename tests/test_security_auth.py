"""Sign-in hardening (issue 6): login throttling, the second factor, session lifetime, password rules,
and the security log of sign-in events and denied access."""

import json
import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from accounts.security_log import client_ip
from accounts.sessions import LOGIN_AT, SEEN_AT
from assessments.models import Answer, Cycle, Membership

from .conftest import client_for

pytestmark = pytest.mark.django_db


def events(caplog, name=None):
    found = [r.security_event for r in caplog.records if hasattr(r, "security_event")]
    return [e for e in found if name is None or e["event"] == name]


def log_in(client, username, password="demo"):  # noqa: S107 - the documented demo password
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="192.0.2.7")


def code_for(device, offset=0):
    """The TOTP code an authenticator app would show now (or `offset` steps away)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def wait_out_throttle(user):
    """django-otp delays the next try after a wrong code (1 s, then 2, 4...): let that time pass."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )


# Login throttling ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(caplog):
    client = Client()
    caplog.set_level(logging.INFO, logger="security")
    for _ in range(4):
        response = log_in(client, "planner-est", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = log_in(client, "planner-est", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed login attempts" in page
    assert "After 5 failed attempts" in page and "Try again in 15 minutes" in page
    # Even the right password is refused during the cool-off.
    response = log_in(client, "planner-est", "demo")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    failed = events(caplog, "login.failed")
    assert len(failed) >= 5
    assert failed[0]["username"] == "planner-est" and failed[0]["ip"] == "192.0.2.7"
    assert failed[0]["path"] == "/login/" and failed[0]["at"]
    locked = events(caplog, "login.locked_out")
    assert locked and locked[0]["username"] == "planner-est"


def test_after_the_cool_off_the_right_password_works_again():
    client = Client()
    for _ in range(5):
        log_in(client, "planner-est", "wrong")
    assert log_in(client, "planner-est", "demo").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = log_in(client, "planner-est", "demo")
    assert response.status_code == 302 and response.url == "/dashboard/"


def test_a_lock_out_is_per_user_and_address_so_others_still_log_in():
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "planner-est", "wrong")
    other_user = log_in(Client(), "planner-nor")
    assert other_user.status_code == 302
    from_elsewhere = Client().post(
        "/login/", {"username": "planner-est", "password": "demo"}, REMOTE_ADDR="198.51.100.9"
    )
    assert from_elsewhere.status_code == 302


def test_a_successful_login_clears_the_failure_count():
    client = Client()
    for _ in range(4):
        log_in(client, "planner-est", "wrong")
    assert log_in(client, "planner-est").status_code == 302
    other = Client()
    for _ in range(4):
        assert log_in(other, "planner-est", "wrong").status_code == 200


def test_passwords_are_stored_with_argon2id_and_older_hashes_upgrade_at_login():
    from resilience import settings as production

    user = get_user_model().objects.get(username="planner-est")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user.password = make_password("demo", hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        assert log_in(Client(), "planner-est").status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert log_in(Client(), "planner-est").status_code == 302
        assert log_in(Client(), "planner-est", "not the password").status_code == 200


def test_argon2_uses_64_mib_two_passes_one_lane_and_upgrades_djangos_default_hashes():
    from resilience import settings as production

    user = get_user_model().objects.get(username="planner-est")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        # A hash made by Django's own Argon2 hasher (eight lanes), as an earlier release stored it.
        djangos = Argon2PasswordHasher()
        user.password = djangos.encode("demo", djangos.salt())
        user.save(update_fields=["password"])
        assert "$m=102400,t=2,p=8$" in user.password
        assert log_in(Client(), "planner-est").status_code == 302
        user.refresh_from_db()
        assert "$m=65536,t=2,p=1$" in user.password
        assert log_in(Client(), "planner-est").status_code == 302


# Second factor ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["reviewer", "admin"])
def test_reviewers_and_administrators_must_pass_the_second_factor(username):
    client = Client()
    assert log_in(client, username).status_code == 302
    for page in ["/dashboard/", "/admin/", "/admin/baselines/framework/"]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url == f"/account/otp/verify/?next={page}"
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)

    response = client.post("/account/otp/verify/", {"token": "000000", "next": "/admin/"})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    # Straight after a wrong code even the right one waits (throttling), then it passes.
    assert client.post("/account/otp/verify/", {"token": code_for(device)}).status_code == 200
    wait_out_throttle(device.user)

    response = client.post("/account/otp/verify/", {"token": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/admin/").status_code == (200 if username == "admin" else 302)


def test_a_used_code_cannot_be_replayed_in_another_session():
    device = TOTPDevice.objects.get(user__username="reviewer", confirmed=True)
    code = code_for(device)
    first, second = Client(), Client()
    log_in(first, "reviewer")
    log_in(second, "reviewer")
    assert first.post("/account/otp/verify/", {"token": code}).status_code == 302
    assert second.post("/account/otp/verify/", {"token": code}).status_code == 200


def test_logout_is_reachable_before_the_second_factor():
    client = Client()
    log_in(client, "reviewer")
    response = client.post("/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_reviewer_without_authenticator_enrols_and_receives_recovery_codes(caplog):
    caplog.set_level(logging.INFO, logger="security")
    user = get_user_model().objects.create_user("reviewer2", password="a-long-password-123")
    Membership.objects.create(user=user, role=Membership.Role.REVIEWER)
    client = Client()
    log_in(client, "reviewer2", "a-long-password-123")
    response = client.get("/dashboard/")
    assert response.url == "/account/otp/enrol/?next=/dashboard/"

    page = client.get(response.url)
    html = page.content.decode()
    assert "Your role requires a second factor" in html
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post("/account/otp/enrol/", {"token": "123", "next": "/dashboard/"})
    assert "That code does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    wait_out_throttle(user)

    done = client.post("/account/otp/enrol/", {"token": code_for(device), "next": "/dashboard/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert "shown only once" in done.content.decode()
    assert client.get("/dashboard/").status_code == 200
    assert events(caplog, "otp.enrolled")[0]["user"] == "reviewer2"

    # A recovery code lets the user in once, from a new session.
    later = Client()
    log_in(later, "reviewer2", "a-long-password-123")
    assert later.post("/account/otp/verify/", {"token": codes[0]}).status_code == 302
    assert later.get("/dashboard/").status_code == 200
    again = Client()
    log_in(again, "reviewer2", "a-long-password-123")
    assert again.post("/account/otp/verify/", {"token": codes[0]}).status_code == 200
    assert otp.recovery_codes_left(user) == 9


def test_enrolling_again_needs_the_existing_factor_first():
    client = Client()
    log_in(client, "reviewer")
    response = client.get("/account/otp/enrol/")
    assert response.status_code == 302 and response.url.startswith("/account/otp/verify/")


def test_planners_may_enrol_but_are_not_required_to():
    client = client_for("planner-est")
    assert client.get("/dashboard/").status_code == 200
    page = client.get("/account/security/").content.decode()
    assert "optional for your role" in page and "Set up an authenticator app" in page
    assert client.get("/account/otp/enrol/").status_code == 200


def _planner_with_authenticator() -> TOTPDevice:
    user = get_user_model().objects.get(username="planner-est")
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_a_planner_who_set_up_an_authenticator_must_pass_it_after_the_password():
    device = _planner_with_authenticator()
    client = Client()
    assert log_in(client, "planner-est").status_code == 302
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url == "/account/otp/verify/?next=/dashboard/"
    assert client.post("/account/otp/verify/", {"token": code_for(device)}).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    # Planners without one still log in with their password alone.
    other = Client()
    log_in(other, "planner-nor")
    assert other.get("/dashboard/").status_code == 200


def test_a_planner_whose_authenticator_an_administrator_removed_carries_on_with_the_password():
    device = _planner_with_authenticator()
    client = Client()
    log_in(client, "planner-est")
    assert client.get("/dashboard/").status_code == 302
    device.delete()  # reset in the admin
    assert client.get("/dashboard/").status_code == 200


def test_a_new_authenticator_replaces_the_old_one_and_gives_new_recovery_codes(caplog):
    caplog.set_level(logging.INFO, logger="security")
    old = TOTPDevice.objects.get(user__username="reviewer", confirmed=True)
    client = Client()
    log_in(client, "reviewer")
    assert client.post("/account/otp/verify/", {"token": code_for(old)}).status_code == 302
    page = client.get("/account/security/").content.decode()
    assert "Replace the authenticator app" in page
    assert "Turn off two-factor authentication" not in page  # the role requires it

    client.get("/account/otp/enrol/")
    new = TOTPDevice.objects.get(user=old.user, confirmed=False)
    done = client.post("/account/otp/enrol/", {"token": code_for(new)})
    assert len(done.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=old.user).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert events(caplog, "otp.enrolled")[0]["replaced"] == 1
    # The old app's codes no longer open the account.
    later = Client()
    log_in(later, "reviewer")
    assert later.post("/account/otp/verify/", {"token": code_for(old)}).status_code == 200
    assert later.get("/dashboard/").status_code == 302


def test_a_planner_may_turn_the_second_factor_off_from_a_verified_session_only(caplog):
    caplog.set_level(logging.INFO, logger="security")
    device = _planner_with_authenticator()
    otp.recovery_codes_reset(user=device.user)
    client = Client()
    log_in(client, "planner-est")
    response = client.post("/account/otp/remove/")
    assert response.status_code == 302 and response.url.startswith("/account/otp/verify/")
    assert TOTPDevice.objects.filter(user=device.user).exists()

    client.post("/account/otp/verify/", {"token": code_for(device)})
    page = client.get("/account/security/").content.decode()
    assert "Turn off two-factor authentication" in page
    response = client.post("/account/otp/remove/", follow=True)
    assert "Two-factor authentication is off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=device.user).exists()
    assert otp.recovery_codes_left(device.user) == 0
    assert events(caplog, "otp.removed")[0]["user"] == "planner-est"
    again = Client()
    log_in(again, "planner-est")
    assert again.get("/dashboard/").status_code == 200


def test_a_reviewer_cannot_turn_the_second_factor_off():
    reviewer = client_for("reviewer")
    assert reviewer.post("/account/otp/remove/").status_code == 403
    assert TOTPDevice.objects.filter(user__username="reviewer", confirmed=True).exists()
    assert reviewer.get("/account/otp/remove/").status_code == 405


def test_new_recovery_codes_need_a_verified_session():
    verified = client_for("reviewer")
    response = verified.post("/account/otp/recovery/")
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert verified.get("/account/otp/recovery/").status_code == 405


@override_settings(OTP_REQUIRED_FOR_STAFF=False)
def test_with_the_requirement_off_the_demo_reviewer_logs_in_with_a_password_only():
    client = Client()
    log_in(client, "reviewer")
    assert client.get("/dashboard/").status_code == 200


def test_the_persona_clients_of_the_suite_are_verified():
    assert client_for("reviewer").get("/dashboard/").status_code == 200
    assert client_for("admin").get("/admin/").status_code == 200


# Session lifetime ---------------------------------------------------------------------------


def age_session(client, *, login_ago, seen_ago):
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_an_idle_session_ends_after_30_minutes(caplog):
    caplog.set_level(logging.INFO, logger="security")
    client = client_for("planner-est")
    age_session(client, login_ago=3600, seen_ago=29 * 60)
    assert client.get("/dashboard/").status_code == 200
    age_session(client, login_ago=3600, seen_ago=31 * 60)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url == "/login/?next=/dashboard/"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "logged out after a period of inactivity" in page
    assert events(caplog, "session.expired")[0]["reason"] == "idle"


def test_a_session_ends_12_hours_after_login_however_active():
    client = client_for("planner-est")
    age_session(client, login_ago=11 * 3600, seen_ago=10)
    assert client.get("/dashboard/").status_code == 200
    age_session(client, login_ago=12 * 3600 + 60, seen_ago=10)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "maximum length" in client.get(response.url).content.decode()


@override_settings(SESSION_IDLE_TIMEOUT=60, SESSION_ABSOLUTE_LIFETIME=600)
def test_both_limits_are_settings():
    client = client_for("planner-est")
    age_session(client, login_ago=300, seen_ago=61)
    assert client.get("/dashboard/").status_code == 302


def test_reading_pages_does_not_rewrite_the_session_every_time():
    client = client_for("planner-est")
    age_session(client, login_ago=100, seen_ago=5)
    before = client.session[SEEN_AT]
    client.get("/dashboard/")
    assert client.session[SEEN_AT] == before
    age_session(client, login_ago=100, seen_ago=120)
    client.get("/dashboard/")
    assert client.session[SEEN_AT] >= int(time.time()) - 2


# Passwords -----------------------------------------------------------------------------------


def test_weak_passwords_are_refused():
    user = get_user_model()(username="someone")
    for weak in ["demo", "password1234", "123456789012", "someone12345"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("blue-otter-mountain-71", user)


def test_the_admin_refuses_a_weak_password_for_a_new_user():
    admin = client_for("admin")
    response = admin.post(
        "/admin/auth/user/add/",
        {"username": "newplanner", "password1": "demo", "password2": "demo", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="newplanner").exists()


# Security log --------------------------------------------------------------------------------


def test_denied_access_is_logged_with_who_what_and_where(caplog):
    caplog.set_level(logging.INFO, logger="security")
    cycle = Cycle.objects.order_by("-opens_on").first()
    contributor = client_for("contrib-est")
    assert (
        contributor.post(f"/nations/EST/cycles/{cycle.pk}/start/", REMOTE_ADDR="203.0.113.5").status_code
        == 403
    )
    stranger = client_for("planner-nor")
    assert stranger.post(f"/nations/EST/cycles/{cycle.pk}/start/").status_code == 404
    denied = events(caplog, "access.denied")[0]
    assert (denied["user"], denied["ip"], denied["status"]) == ("contrib-est", "203.0.113.5", 403)
    assert denied["path"] == f"/nations/EST/cycles/{cycle.pk}/start/" and denied["method"] == "POST"
    hidden = events(caplog, "access.not_found")[0]
    assert (hidden["user"], hidden["status"]) == ("planner-nor", 404)
    # One JSON object per line, for whoever collects the log.
    line = next(r.getMessage() for r in caplog.records if "access.denied" in r.getMessage())
    assert json.loads(line)["event"] == "access.denied"


def test_a_form_posted_without_its_csrf_token_is_refused_logged_and_changes_nothing(caplog, est_current):
    caplog.set_level(logging.INFO, logger="security")
    target = Answer.objects.filter(assessment=est_current, indicator__code="BLR-2.4").get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="planner-est"))
    url = f"/assessments/{est_current.pk}/requirements/2/"
    data = {f"a{target.pk}-level": "1", f"a{target.pk}-version": str(target.version), "save": "stay"}
    response = client.post(url, data, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be accepted" in page and "Nothing was saved" in page
    assert Answer.objects.get(pk=target.pk).version == target.version
    refused = events(caplog, "access.csrf_failed")[0]
    assert (refused["user"], refused["ip"], refused["path"], refused["status"]) == (
        "planner-est",
        "198.51.100.9",
        url,
        403,
    )
    # The same form with the page's token goes through.
    token = client.get(url).cookies["csrftoken"].value
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code in (200, 302)


def test_the_forwarded_address_is_believed_only_behind_our_own_proxies():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44")
    assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "192.0.2.44"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "6.6.6.6"


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_an_overlong_username_is_refused_with_a_message_not_a_server_error(url):
    response = Client().post(url, {"username": "A" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "A username has at most 150 characters." in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="AAAA").exists()
