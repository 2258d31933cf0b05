"""Shared test ground: the demo data is seeded once per session (the same `seed_demo` users rely on),
each test runs in a transaction rolled back afterwards, and the personas of DESIGN section 2 log in
as `client` fixtures.

Transactional tests (`transactional_db`) truncate the tables when they finish; pytest-django runs
them after the others, and they must seed what they need themselves (`seeded` fixture)."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from assessments.models import Assessment

PERSONAS = ["admin", "reviewer", "planner-est", "contrib-est", "planner-nor"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _language_reset():
    """The test client runs requests in this thread: a French request (LocaleMiddleware) must not leave
    French active for the tests that follow."""
    yield
    translation.deactivate()


@pytest.fixture
def seeded(transactional_db):
    """For transactional tests: the demo data again, since their tables start empty."""
    call_command("seed_demo", verbosity=0)


def client_for(username):
    """A client logged in as that user; reviewers and administrators have also passed the second
    factor (their session holds a TOTP device, as after the OTP page)."""
    from django.contrib.auth import get_user_model

    from accounts.otp import otp_required_for, otp_session_for_tests

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    if otp_required_for(user):
        otp_session_for_tests(client, user)
    return client


@pytest.fixture
def personas(db):
    """A logged-in client per demo user, plus `anonymous`."""
    clients = {name: client_for(name) for name in PERSONAS}
    clients["anonymous"] = Client()
    return clients


@pytest.fixture
def planner_est(db):
    return client_for("planner-est")


@pytest.fixture
def contrib_est(db):
    return client_for("contrib-est")


@pytest.fixture
def planner_nor(db):
    return client_for("planner-nor")


@pytest.fixture
def reviewer(db):
    return client_for("reviewer")


@pytest.fixture
def admin_client_demo(db):
    return client_for("admin")


@pytest.fixture
def est_current(db):
    """Estonia's assessment in the open cycle (a draft, partly answered)."""
    return Assessment.objects.get(
        nation__code="EST", cycle__closes_on__gte="2000-01-01", status=Assessment.Status.DRAFT
    )


@pytest.fixture
def nor_current(db):
    return Assessment.objects.get(nation__code="NOR", status=Assessment.Status.DRAFT)
