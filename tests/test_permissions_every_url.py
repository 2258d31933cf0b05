"""Every URL of the application, for every persona, against real objects of several nations.

The URL list comes from the resolver: a route added without an entry in ROUTES fails
`test_every_url_is_covered`, so whoever adds a page adds its rule here too. A rule is a function
(relation of the persona to the object's nation, target) -> expected status, built from the access
rules of DESIGN section 2: another nation's data answers 404 (existence never leaks), something
visible but not allowed 403, a wrong method 405, anonymous users go to the login page (302).

Targets: Estonia's and Norway's open-cycle drafts, Latvia's submitted assessment (visible to
reviewers) and Estonia's accepted assessment of the previous cycle (locked).

To extend: add a Route(name, params, get=..., post=...) to ROUTES. `params` maps the URL's
keyword arguments to object kinds of `Target` (see `targets`). `post` is checked only where the
rule refuses (302 for anonymous, 403, 404, 405), so the walk never changes data; successful writes
are tested per view. `heavy=True` skips allowed GETs that render PDFs (tested in their modules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import services
from assessments.models import Assessment, Comment, Evidence, PlanAction

PERSONAS = ["admin", "reviewer", "planner-est", "contrib-est", "planner-nor", "anonymous"]

# Relations of a persona to a target's nation.
COORDINATOR, CONTRIBUTOR, REVIEWER, STRANGER, ANONYMOUS = (
    "coordinator",
    "contributor",
    "reviewer",
    "stranger",
    "anonymous",
)
ALLOWED = "allowed"  # a successful request: checked for GET, not sent for POST
MEMBERS = {
    "planner-est": ("EST", COORDINATOR),
    "contrib-est": ("EST", CONTRIBUTOR),
    "planner-nor": ("NOR", COORDINATOR),
}


@dataclass
class Target:
    label: str
    assessment: Assessment
    objects: dict = field(default_factory=dict)

    @property
    def draft(self) -> bool:
        return self.assessment.status == Assessment.Status.DRAFT

    @property
    def editable(self) -> bool:
        return self.assessment.is_editable


def relation(persona: str, target: Target) -> str:
    if persona == "anonymous":
        return ANONYMOUS
    if persona == "reviewer":
        return REVIEWER
    nation, role = MEMBERS.get(persona, (None, None))
    return role if nation == target.assessment.nation.code else STRANGER


# Rules ----------------------------------------------------------------------------------------


def nation_read(rel, target):
    """Pages of one assessment: its nation's users; reviewers once it is not a draft."""
    if rel == ANONYMOUS:
        return 302
    if rel in (COORDINATOR, CONTRIBUTOR) or (rel == REVIEWER and not target.draft):
        return 200
    return 404


def _visible_then(rel, target, allowed_when):
    seen = nation_read(rel, target)
    if seen != 200:
        return seen
    return ALLOWED if allowed_when else 403


def coordinator_manage(rel, target):
    """Goals, plan, copy, submit: the coordinator of an editable assessment."""
    return _visible_then(rel, target, rel == COORDINATOR and target.editable)


def coordinator_page(rel, target):
    """The submit page: the coordinator, whatever the status (it shows the status when locked)."""
    return _visible_then(rel, target, rel == COORDINATOR)


def requirement_one_edit(rel, target):
    """Answers and evidence of BLR-1: the coordinator, not the contributor (who holds 2 and 6)."""
    return _visible_then(rel, target, rel == COORDINATOR and target.editable)


def evidence_page(rel, target):
    return nation_read(rel, target)


def nation_queries(rel, target):
    """The nation's queries page; reviewers are sent to their review page instead."""
    seen = nation_read(rel, target)
    return 302 if seen == 200 and rel == REVIEWER else seen


def post_only(rel, target):
    """A GET on a POST-only page, once signed in."""
    return 302 if rel == ANONYMOUS else 405


def reviewer_only(rel, target=None):
    if rel == ANONYMOUS:
        return 302
    return 200 if rel == REVIEWER and (target is None or not target.draft) else 404


def reviewer_post_only(rel, target=None):
    """A GET on a reviewer's POST-only page: 404 to non-reviewers first, then 405."""
    if rel == ANONYMOUS:
        return 302
    return 405 if rel == REVIEWER else 404


def reviewer_write(rel, target=None):
    if rel == ANONYMOUS:
        return 302
    return ALLOWED if rel == REVIEWER and (target is None or not target.draft) else 404


def reviewer_unknown_id(rel, target=None):
    return 302 if rel == ANONYMOUS else 404


def signed_in(rel, target=None):
    return 302 if rel == ANONYMOUS else 200


def public(rel, target=None):
    return 200


def home(rel, target=None):
    return 200 if rel == ANONYMOUS else 302


def comment_reply(rel, target):
    return _visible_then(rel, target, True)


def comment_resolve(rel, target):
    return _visible_then(rel, target, rel == REVIEWER)


def scenario_save(rel, target):
    return _visible_then(rel, target, rel in (COORDINATOR, REVIEWER))


def scenario_delete(rel, target):
    # The walked scenario is the nation's (shared): its coordinator deletes it.
    return _visible_then(rel, target, rel == COORDINATOR)


def submission_read(rel, target):
    """An archived submission: its nation's users, and reviewers whatever became of it."""
    if rel == ANONYMOUS:
        return 302
    return 200 if rel in (COORDINATOR, CONTRIBUTOR, REVIEWER) else 404


def start(rel, target):
    """Starting the nation's assessment of a cycle: its coordinator."""
    if rel == ANONYMOUS:
        return 302
    if rel == COORDINATOR:
        return ALLOWED
    return 403 if rel == CONTRIBUTOR else 404


def account_page(rel, target=None):
    """Per-user account pages: signed-in users; a page may send them on (OTP flows)."""
    return 302 if rel == ANONYMOUS else {200, 302}


@dataclass
class Route:
    name: str
    params: dict[str, str] = field(default_factory=dict)
    get: Callable | None = None
    post: Callable | None = None
    heavy: bool = False

    @property
    def per_target(self) -> bool:
        return bool(self.params)


ROUTES = [
    # Core
    Route("home", get=home),
    Route("healthz", get=public),
    Route("dashboard", get=signed_in),
    Route("assessment_start", {"code": "nation_code", "cycle_id": "cycle"}, get=post_only, post=start),
    # Planner (views/planner.py)
    Route("assessment_overview", {"pk": "assessment"}, get=nation_read, post=post_only),
    Route(
        "requirement_page",
        {"pk": "assessment", "number": "requirement_one"},
        get=nation_read,
        post=requirement_one_edit,
    ),
    Route("answers_copy_previous", {"pk": "assessment"}, get=post_only, post=coordinator_manage),
    Route("assessment_submit", {"pk": "assessment"}, get=coordinator_page, post=coordinator_manage),
    Route("goal_list", {"pk": "assessment"}, get=nation_read, post=post_only),
    Route("goal_create", {"pk": "assessment"}, get=coordinator_manage, post=coordinator_manage),
    Route(
        "goal_update",
        {"pk": "assessment", "goal_pk": "goal"},
        get=coordinator_manage,
        post=coordinator_manage,
    ),
    Route(
        "goal_delete",
        {"pk": "assessment", "goal_pk": "goal"},
        get=coordinator_manage,
        post=coordinator_manage,
    ),
    Route("plan_detail", {"pk": "assessment"}, get=nation_read, post=post_only),
    Route("plan_edit", {"pk": "assessment"}, get=coordinator_manage, post=coordinator_manage),
    Route("action_create", {"pk": "assessment"}, get=coordinator_manage, post=coordinator_manage),
    Route(
        "action_update",
        {"pk": "assessment", "action_pk": "action"},
        get=coordinator_manage,
        post=coordinator_manage,
    ),
    Route(
        "action_delete",
        {"pk": "assessment", "action_pk": "action"},
        get=coordinator_manage,
        post=coordinator_manage,
    ),
    Route("answer_history", {"pk": "answer"}, get=nation_read, post=post_only),
    Route("answer_evidence", {"pk": "answer"}, get=evidence_page, post=post_only),
    Route("evidence_upload", {"pk": "answer"}, get=post_only, post=requirement_one_edit),
    Route("evidence_cite", {"pk": "answer"}, get=post_only, post=requirement_one_edit),
    Route("evidence_download", {"pk": "evidence"}, get=nation_read, post=post_only),
    Route("evidence_delete", {"pk": "evidence"}, get=post_only, post=requirement_one_edit),
    # Reports (views/reports.py)
    Route("assessment_report_pdf", {"pk": "assessment"}, get=nation_read, post=post_only, heavy=True),
    Route("submission_pdf", {"pk": "submission"}, get=submission_read, post=post_only, heavy=True),
    # Stress tests (views/stress.py)
    Route("stress_test", {"pk": "assessment"}, get=nation_read, post=scenario_save),
    Route(
        "stress_scenario", {"pk": "assessment", "scenario_pk": "scenario"}, get=nation_read, post=post_only
    ),
    Route(
        "stress_scenario_delete",
        {"pk": "assessment", "scenario_pk": "scenario"},
        get=post_only,
        post=scenario_delete,
    ),
    # Reviewer workspace (views/reviewer.py) and comment threads (views/comments.py)
    Route("review_inbox", get=reviewer_only),
    Route("review_assessment", {"pk": "assessment"}, get=reviewer_only),
    Route("review_accept", {"pk": "assessment"}, get=reviewer_post_only, post=reviewer_write),
    Route("review_return", {"pk": "assessment"}, get=reviewer_post_only, post=reviewer_write),
    Route("review_comment_add", {"pk": "assessment"}, get=reviewer_post_only, post=reviewer_write),
    Route("comment_reply", {"pk": "comment"}, get=post_only, post=comment_reply),
    Route("comment_resolve", {"pk": "comment"}, get=post_only, post=comment_resolve),
    Route("assessment_queries", {"pk": "assessment"}, get=nation_queries),
    Route("compare", get=reviewer_only),
    Route("compare_collective", get=reviewer_only),
    Route("compare_side_by_side", get=reviewer_only),
    Route("compare_trend", get=reviewer_only),
    Route("compare_diff", get=reviewer_only),
    Route("compare_export_xlsx", get=reviewer_only),
    Route("compare_export_csv", get=reviewer_only),
    Route("alliance_report_request", get=reviewer_post_only),
    Route("alliance_report_status", {"result_id": "unknown_result"}, get=reviewer_unknown_id),
    Route("alliance_report_download", {"result_id": "unknown_result"}, get=reviewer_unknown_id),
    # Accounts (accounts/urls.py)
    Route("account-security", get=account_page),
    Route("otp-enrol", get=account_page),
    Route("otp-verify", get=account_page),
    Route("otp-recovery", get=post_only),
    Route("otp-remove", get=post_only),
    Route("login", get=home),
]

# Not walked, with the reason.
EXEMPT = {
    "logout": "POST-only sign-out of the current user: no object, tested with authentication",
    "set_language": "Django's language switch: no data",
}


def route_names() -> set[str]:
    """Every named URL of the project outside the Django admin."""
    names = set()

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace is None:
                names.add(entry.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_covered():
    known = {route.name for route in ROUTES} | set(EXEMPT)
    missing = sorted(route_names() - known)
    assert not missing, f"Add a Route for each new URL to ROUTES in this module: {missing}"
    stale = sorted({route.name for route in ROUTES} - route_names())
    assert not stale, f"Routes no longer in the URLconf: {stale}"


# Objects --------------------------------------------------------------------------------------


def _target(label: str, assessment: Assessment) -> Target:
    reviewer = get_user_model().objects.get(username="reviewer")
    answer = assessment.answers.select_related("indicator").get(indicator__code="BLR-1.1")
    evidence = Evidence(answer=answer, original_name="walk.pdf", content_type="application/pdf", size=9)
    evidence.file.save("walk.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    comment = Comment.objects.create(assessment=assessment, author=reviewer, body="Walking query")
    scenario = services.scenario_save(
        assessment=assessment, by=reviewer, name=f"Walk {label}", overrides={2: 20.0}, level=3
    )
    submission = assessment.submissions.order_by("-number").first()
    return Target(
        label,
        assessment,
        {
            "assessment": assessment.pk,
            "requirement_one": 1,
            "answer": answer.pk,
            "evidence": evidence.pk,
            "goal": assessment.goals.first().pk,
            "action": PlanAction.objects.filter(plan__assessment=assessment).first().pk,
            "submission": submission.pk if submission else None,
            "comment": comment.pk,
            "scenario": scenario.pk,
            "nation_code": assessment.nation.code,
            "cycle": assessment.cycle_id,
        },
    )


@pytest.fixture
def targets(db, est_current, nor_current) -> list[Target]:
    latvia = Assessment.objects.get(nation__code="LVA", cycle=est_current.cycle)
    previous = Assessment.objects.get(nation__code="EST", cycle=est_current.cycle.previous())
    assert (latvia.status, previous.status) == ("submitted", "accepted")
    return [
        _target("EST draft", est_current),
        _target("NOR draft", nor_current),
        _target("LVA submitted", latvia),
        _target("EST accepted", previous),
    ]


def _url(route: Route, target: Target | None) -> str | None:
    if not route.per_target:
        return reverse(route.name)
    kwargs = {}
    for param, kind in route.params.items():
        value = "no-such-result" if kind == "unknown_result" else target.objects.get(kind)
        if value is None:
            return None  # the target has no such object (a draft's submission)
        kwargs[param] = value
    return reverse(route.name, kwargs=kwargs)


def _matches(expected, status) -> bool:
    if expected == ALLOWED:
        return status in (200, 302)
    if isinstance(expected, set):
        return status in expected
    return status == expected


def _walk(route: Route, method: str, personas, targets):
    rule = route.get if method == "get" else route.post
    wrong = []
    for persona in PERSONAS:
        client = personas[persona]
        for target in targets if route.per_target else [None]:
            url = _url(route, target)
            if url is None:
                continue
            rel = (
                relation(persona, target)
                if target
                else (
                    ANONYMOUS if persona == "anonymous" else REVIEWER if persona == "reviewer" else STRANGER
                )
            )
            expected = rule(rel, target)
            if method == "post" and expected == ALLOWED:
                continue  # a real write: tested in the view's own module
            if method == "get" and expected in (ALLOWED, 200) and route.heavy:
                continue
            status = getattr(client, method)(url).status_code
            if not _matches(expected, status):
                wrong.append(
                    f"{method.upper()} {url} as {persona} ({target.label if target else '-'}): "
                    f"expected {expected}, got {status}"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.get], ids=lambda r: r.name)
def test_get(route, personas, request):
    _walk(route, "get", personas, request.getfixturevalue("targets") if route.per_target else [])


@pytest.mark.parametrize("route", [r for r in ROUTES if r.post], ids=lambda r: r.name)
def test_post_refusals(route, personas, request):
    _walk(route, "post", personas, request.getfixturevalue("targets") if route.per_target else [])
