"""Bad input (issue 6): generated junk posted to every form. Whatever arrives (huge strings, NUL bytes,
control characters, right-to-left marks, emoji, negative and enormous numbers, wrong types, missing and
duplicated fields, forged ids of other objects and other nations), the answer is never a 500; a form
that fails validation comes back with a message on the page, and the database is unchanged.

Each example takes the form as a browser would post it, scribbles junk over some fields, and always
adds one thing that must be refused (the "poison"), so "unchanged" is the only right outcome."""

import hashlib
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import (
    Answer,
    Assessment,
    Comment,
    Evidence,
    ImplementationPlan,
    NationalGoal,
    PlanAction,
    Scenario,
    Submission,
)

from .conftest import client_for
from .planner_utils import form_data
from .test_no_lost_data import make_submittable

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MESSAGE = re.compile(r'is-invalid|invalid-feedback|alert-danger|alert-warning|errorlist|role="alert"')

# Characters people and attackers paste: controls, bidi overrides, zero-width, emoji, combining marks.
NASTY = "\x00\x01\x07\x08\x0b\x1b\x7f\u200b\u200e\u200f\u202a\u202e\u2066\ufeff\ufffd😀👩‍👩‍👧🇪🇪\u0301"
junk_text = st.one_of(
    st.text(alphabet=st.sampled_from(NASTY) | st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(alphabet=st.sampled_from(NASTY), min_size=1, max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "-99999999999999999999",
            "1e308",
            "1e999",
            "NaN",
            "inf",
            "-inf",
            "0x10",
            "3.14.15",
            "true",
            "null",
            "[]",
            "{}",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "%00",
            "١٢٣",
            "２",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=5000, max_value=60_000).map(lambda n: "A" * n),
)
junk_value = st.one_of(junk_text, st.lists(junk_text, min_size=2, max_size=3))  # a list duplicates the field


@dataclass
class Spec:
    """A form: where it posts, who posts it, a valid post, and what in it can be made invalid."""

    who: str
    url: str
    base: dict
    poisons: list = field(default_factory=list)  # (field name, invalid value or None for "missing")


def snapshot():
    """A digest of everything a form could change."""
    digest = hashlib.sha256()
    tables = [
        Answer.objects.values_list("pk", "level", "value", "justification", "confidence", "version"),
        Evidence.objects.values_list("pk", "citation", "file"),
        NationalGoal.objects.values_list(
            "pk",
            "objective_id",
            "title",
            "description",
            "baseline",
            "target",
            "unit",
            "target_date",
            "status",
        ),
        ImplementationPlan.objects.values_list("pk", "title", "summary"),
        PlanAction.objects.values_list(
            "pk",
            "title",
            "description",
            "lead_organisation",
            "sector",
            "start_date",
            "due_date",
            "status",
            "progress",
        ),
        PlanAction.goals.through.objects.values_list("pk", "planaction_id", "nationalgoal_id"),
        Comment.objects.values_list("pk", "body", "kind", "resolved", "answer_id", "parent_id"),
        Scenario.objects.values_list("pk", "name", "overrides"),
        Assessment.objects.values_list("pk", "status", "return_reason"),
        Submission.objects.values_list("pk"),
    ]
    for rows in tables:
        digest.update(repr(list(rows.order_by("pk"))).encode())
    digest.update(
        repr([Answer.history.count(), NationalGoal.history.count(), PlanAction.history.count()]).encode()
    )
    return digest.hexdigest()


def text_poisons(name, max_length, required=True):
    found = [(name, "bad\x00byte"), (name, "x" * (max_length + 1)), (name, "Z" * (max_length + 50_000))]
    if required:
        found += [(name, None), (name, "   ")]
    return found


NUMBER_POISONS = ["abc", "nan", "inf", "-inf", "1e400", "--1", "1,5", "0x1A", "1e"]


def number_poisons(name, below=None, above=None):
    found = [(name, value) for value in NUMBER_POISONS]
    found += [(name, value) for value in (below, above) if value is not None]
    return found


def choice_poisons(name, *extra):
    return [(name, "bogus-✓"), (name, "'; DROP TABLE x; --"), *[(name, e) for e in extra]]


def date_poisons(name):
    return [(name, v) for v in ["2026-13-45", "31/12/2026", "0000-00-00", "tomorrow", "9999999-01-01"]]


@pytest.fixture
def world(est_current, nor_current):
    """EST's draft (the planner's), NOR's goal and answer (forged ids), LVA's submission (the reviewer's)."""
    goal = est_current.goals.select_related("objective").first()
    nor_goal = nor_current.goals.first()
    action = PlanAction.objects.filter(plan__assessment=est_current).first()
    latvia = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    thread = Comment.objects.create(assessment=latvia, kind="query", body="Why level 2?", author=None)
    answer = est_current.answers.order_by("pk").first()
    make_submittable(est_current)  # so that the submit form is there to be fuzzed, not only the checklist
    return {
        "est": est_current,
        "nor": nor_current,
        "goal": goal,
        "nor_goal": nor_goal,
        "action": action,
        "answer": answer,
        "nor_answer": nor_current.answers.order_by("pk").first(),
        "latvia": latvia,
        "thread": thread,
        "objective": goal.objective,
    }


def requirement_spec(w):
    base = form_data(w["est"], 2)
    poisons = []
    for key in [k for k in base if k.endswith("-justification")]:
        poisons += text_poisons(key, 10000, required=False)
    for key in [k for k in base if k.endswith("-version")]:
        poisons += [(key, None), (key, "abc"), (key, "-1"), (key, "1e3")]
    for answer in Answer.objects.filter(assessment=w["est"], indicator__requirement__number=2).select_related(
        "indicator"
    ):
        prefix = f"a{answer.pk}-"
        if answer.indicator.is_maturity:
            poisons += choice_poisons(prefix + "level", "6", "-1", "3.5")
        else:
            poisons += number_poisons(prefix + "value", "-1e16", "1e16")
        poisons += choice_poisons(prefix + "confidence")
    # Forged: another nation's answer riding along, with an invalid version so the post must fail.
    forged = f"a{w['nor_answer'].pk}-"
    poisons += [((forged + "level", forged + "version"), ("5", "x"))]
    return Spec("planner-est", f"/assessments/{w['est'].pk}/requirements/2/", base, poisons)


def goal_base(w):
    return {
        "objective": str(w["objective"].pk),
        "title": "Fuel stocks for 90 days",
        "description": "",
        "baseline": "60",
        "target": "90",
        "unit": "days",
        "target_date": "2028-12-31",
        "status": "on_track",
    }


def goal_poisons(w):
    return [
        *choice_poisons("objective", "987654321", "-1", "1 OR 1=1", "9223372036854775808", "9" * 40),
        *text_poisons("title", 300),
        *number_poisons("baseline", "-1e16", "1e16"),
        *number_poisons("target"),
        *date_poisons("target_date"),
        *choice_poisons("status"),
    ]


def action_base(w):
    return {
        "title": "Exercise the fuel distribution plan",
        "description": "",
        "lead_organisation": "Ministry of Economic Affairs",
        "sector": "government",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "status": "planned",
        "progress": "10",
        "goals": [str(w["goal"].pk)],
    }


def action_poisons(w):
    return [
        *text_poisons("title", 300),
        *text_poisons("lead_organisation", 200),
        *choice_poisons("sector"),
        *choice_poisons("status"),
        *number_poisons("progress", "-1", "101"),
        *date_poisons("start_date"),
        *date_poisons("due_date"),
        ("goals", [str(w["nor_goal"].pk)]),  # another nation's goal
        ("goals", ["987654321"]),
        ("goals", ["abc"]),
        ("goals", ["9223372036854775808"]),  # past any database integer
        ("goals", [str(w["goal"].pk), "9" * 40]),
    ]


def scenario_base(w):
    base = {"name": "Grid down for 72 hours", "description": "", "check_level": "3"}
    base.update({f"score_{n}": "" for n in range(1, 8)})
    base.update({f"level_{n}": "" for n in range(1, 8)})
    base["level_2"] = "1"
    return base


def scenario_poisons(w):
    return [
        *text_poisons("name", 120),
        *text_poisons("description", 2000, required=False),
        *number_poisons("check_level", "-1", "5.5"),
        *number_poisons("score_2", "-0.1", "100.1"),
        *choice_poisons("level_3", "6", "-1"),
    ]


SPECS = {
    "requirement page": requirement_spec,
    "new goal": lambda w: Spec(
        "planner-est", f"/assessments/{w['est'].pk}/goals/new/", goal_base(w), goal_poisons(w)
    ),
    "edit goal": lambda w: Spec(
        "planner-est", f"/assessments/{w['est'].pk}/goals/{w['goal'].pk}/edit/", goal_base(w), goal_poisons(w)
    ),
    "edit plan": lambda w: Spec(
        "planner-est",
        f"/assessments/{w['est'].pk}/plan/edit/",
        {"title": "National resilience plan", "summary": ""},
        [*text_poisons("title", 300), *text_poisons("summary", 10000, required=False)],
    ),
    "new action": lambda w: Spec(
        "planner-est", f"/assessments/{w['est'].pk}/plan/actions/new/", action_base(w), action_poisons(w)
    ),
    "edit action": lambda w: Spec(
        "planner-est",
        f"/assessments/{w['est'].pk}/plan/actions/{w['action'].pk}/edit/",
        action_base(w),
        action_poisons(w),
    ),
    "cite evidence": lambda w: Spec(
        "contrib-est",
        f"/answers/{Answer.objects.get(assessment=w['est'], indicator__code='BLR-2.1').pk}/evidence/cite/",
        {"citation": "National oil stocks report 2025"},
        text_poisons("citation", 500),
    ),
    "submit": lambda w: Spec(
        "planner-est",
        f"/assessments/{w['est'].pk}/submit/",
        {"confirm": "on"},
        [("confirm", None), ("confirm", "")],
    ),
    "stress scenario": lambda w: Spec(
        "planner-est", f"/assessments/{w['est'].pk}/stress/", scenario_base(w), scenario_poisons(w)
    ),
    "return to nation": lambda w: Spec(
        "reviewer",
        f"/review/{w['latvia'].pk}/return/",
        {"reason": "Evidence missing for BLR-2.1."},
        text_poisons("reason", 5000),
    ),
    "reviewer comment": lambda w: Spec(
        "reviewer",
        f"/review/{w['latvia'].pk}/comments/",
        {"body": "Please explain level 2.", "kind": "query", "answer": ""},
        [
            *text_poisons("body", 5000),
            *choice_poisons("kind", "QUERY"),
            ("answer", str(w["answer"].pk)),  # an answer of another nation's draft
            ("answer", "987654321"),
            ("answer", "-5"),
            ("answer", "abc"),
            ("answer", "9223372036854775808"),
        ],
    ),
    "reply": lambda w: Spec(
        "reviewer", f"/comments/{w['thread'].pk}/reply/", {"body": "Thank you."}, text_poisons("body", 5000)
    ),
}


def post(client, url, data):
    return client.post(url, {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("form", sorted(SPECS))
def test_junk_never_breaks_a_form_and_changes_nothing(form, world):
    spec = SPECS[form](world)
    client = client_for(spec.who)
    assert spec.poisons, form

    @FUZZ
    @given(data=st.data())
    def run(data):
        posted = dict(spec.base)
        for name in data.draw(
            st.lists(st.sampled_from(sorted(spec.base)), max_size=4, unique=True), label="junked"
        ):
            posted[name] = data.draw(junk_value, label=name)
        for _ in range(data.draw(st.integers(0, 2), label="extra fields")):
            posted[data.draw(junk_text.filter(bool), label="extra name")[:100]] = data.draw(junk_value)
        names, value = data.draw(st.sampled_from(spec.poisons), label="poison")
        for name, v in zip(
            *((names, value) if isinstance(names, tuple) else ((names,), (value,))), strict=True
        ):
            posted[name] = v
        before = snapshot()
        response = post(client, spec.url, posted)
        assert response.status_code in (200, 400), response.status_code
        assert MESSAGE.search(response.content.decode()), "no message on the page"
        assert snapshot() == before, "the database changed"

    run()


def test_the_poisons_are_refused_when_posted_alone(world):
    """The fuzz's premise: each form's valid post is accepted, so the refusals above come from the junk."""
    for form in ["new goal", "edit plan", "cite evidence", "reply"]:
        spec = SPECS[form](world)
        before = snapshot()
        response = post(client_for(spec.who), spec.url, spec.base)
        assert response.status_code == 302, form
        assert snapshot() != before, form


@FUZZ
@given(username=junk_text, password=junk_text)
def test_junk_at_the_login_form_is_refused_with_a_message(username, password, db):
    response = Client().post("/login/", {"username": username, "password": password})
    assert response.status_code in (200, 429)
    assert MESSAGE.search(response.content.decode())


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["cycle", "level", "nation", "old", "new", "nations", "status", "sort", "dir", "page"]
        ),
        junk_value,
        max_size=4,
    )
)
def test_junk_in_reviewer_filters_is_never_a_server_error(query, db):
    reviewer = client_for("reviewer")
    for url in [
        "/review/",
        "/compare/",
        "/compare/collective/",
        "/compare/side-by-side/",
        "/compare/trend/",
        "/compare/diff/",
        "/compare/export.csv",
    ]:
        response = reviewer.get(url, query)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
