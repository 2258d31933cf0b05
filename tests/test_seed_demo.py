"""seed_demo is the contract of DESIGN section 8: idempotent, with the documented users and data."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from assessments.models import Answer, Assessment, Cycle, Evidence, Membership, Nation, PlanAction, Submission
from baselines.models import Framework


def counts():
    return [
        m.objects.count()
        for m in (Framework, Nation, Cycle, Assessment, Answer, Evidence, PlanAction, Submission, Membership)
    ] + [Answer.history.count()]


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


@pytest.mark.django_db
def test_the_demo_users_and_roles():
    # django-axes checks every authentication against the request it comes with.
    request = RequestFactory().post("/login/")
    for username in ["admin", "reviewer", "planner-est", "contrib-est", "planner-nor"]:
        assert authenticate(request, username=username, password="demo") is not None, username
    assert authenticate(request, username="admin", password="demo").is_superuser
    contributor = Membership.objects.get(user__username="contrib-est")
    assert (contributor.nation.code, contributor.role, sorted(contributor.requirement_numbers)) == (
        "EST",
        "contributor",
        [2, 6],
    )
    assert Membership.objects.get(user__username="planner-nor").nation.code == "NOR"
    assert Membership.objects.get(user__username="reviewer").role == "reviewer"


@pytest.mark.django_db
def test_the_32_allies_a_closed_cycle_of_accepted_assessments_and_an_open_cycle():
    assert Nation.objects.filter(kind="ally").count() == 32
    open_cycle = Cycle.objects.open_on().get()
    previous = open_cycle.previous()
    assert previous is not None and not previous.is_open
    accepted = Assessment.objects.filter(cycle=previous)
    assert accepted.count() == 32 and set(accepted.values_list("status", flat=True)) == {"accepted"}
    answered = Answer.objects.filter(assessment__cycle=previous, justification__gt="")
    assert answered.count() > 32 * 30
    assert Assessment.objects.get(nation__code="EST", cycle=open_cycle).status == "draft"


@pytest.mark.django_db
def test_scale_options_add_nations_and_cycles():
    call_command("seed_demo", nations=40, cycles=3, verbosity=0)
    assert Nation.objects.count() >= 40
    assert Cycle.objects.count() == 3
    oldest = Cycle.objects.order_by("opens_on").first()
    assert (
        Assessment.objects.filter(cycle=oldest, status="accepted").count()
        == Nation.objects.filter(kind="ally").count()
    )
    before = counts()
    call_command("seed_demo", nations=40, cycles=3, verbosity=0)
    assert counts() == before
