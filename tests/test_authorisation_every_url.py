"""Every URL, every role, every nation (issue 6, "Authorisation").

Each route of the application is listed here with the objects it is called on; a test fails when a new
route appears without being added, so no view escapes. The promises checked:
- another nation's objects answer 404 to national users, GET and POST alike (existence never leaks);
- a reviewer never reaches a draft, by any route;
- anonymous visitors are sent to the login page; reviewer pages do not exist (404) for national users;
- downloads (evidence files, archived and rendered PDFs, exports) follow the same rules;
- the Django admin is for administrators only;
- nothing answers 500."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import services
from assessments.models import Assessment, Comment, ImplementationPlan, PlanAction, Scenario, Submission

from .conftest import client_for

pytestmark = pytest.mark.django_db

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Routes that are not about one nation's data: reachable by anyone or any signed-in user.
OPEN = {"home", "healthz", "login", "logout", "set_language", "dashboard"}
ACCOUNT = {"account-security", "otp-enrol", "otp-verify", "otp-recovery", "otp-remove"}
# Reviewer-only routes with no nation object in the URL.
REVIEWER_ONLY = {
    "review_inbox": "/review/",
    "compare": "/compare/",
    "compare_collective": "/compare/collective/",
    "compare_side_by_side": "/compare/side-by-side/",
    "compare_trend": "/compare/trend/",
    "compare_diff": "/compare/diff/",
    "compare_export_xlsx": "/compare/export.xlsx",
    "compare_export_csv": "/compare/export.csv",
    "alliance_report_request": "/compare/alliance-report/",
}


def object_routes(world):
    """Every route about one assessment's data, called on the objects of `world`."""
    a, ans, ev = world["assessment"].pk, world["answer"].pk, world["evidence"].pk
    routes = {
        "assessment_overview": ("assessment_overview", {"pk": a}),
        "requirement_page": ("requirement_page", {"pk": a, "number": 2}),
        "answers_copy_previous": ("answers_copy_previous", {"pk": a}),
        "assessment_submit": ("assessment_submit", {"pk": a}),
        "assessment_report_pdf": ("assessment_report_pdf", {"pk": a}),
        "goal_list": ("goal_list", {"pk": a}),
        "goal_create": ("goal_create", {"pk": a}),
        "goal_update": ("goal_update", {"pk": a, "goal_pk": world["goal"].pk}),
        "goal_delete": ("goal_delete", {"pk": a, "goal_pk": world["goal"].pk}),
        "plan_detail": ("plan_detail", {"pk": a}),
        "plan_edit": ("plan_edit", {"pk": a}),
        "action_create": ("action_create", {"pk": a}),
        "action_update": ("action_update", {"pk": a, "action_pk": world["action"].pk}),
        "action_delete": ("action_delete", {"pk": a, "action_pk": world["action"].pk}),
        "stress_test": ("stress_test", {"pk": a}),
        "stress_scenario": ("stress_scenario", {"pk": a, "scenario_pk": world["scenario"].pk}),
        "stress_scenario_delete": ("stress_scenario_delete", {"pk": a, "scenario_pk": world["scenario"].pk}),
        "answer_history": ("answer_history", {"pk": ans}),
        "answer_evidence": ("answer_evidence", {"pk": ans}),
        "evidence_upload": ("evidence_upload", {"pk": ans}),
        "evidence_cite": ("evidence_cite", {"pk": ans}),
        "evidence_download": ("evidence_download", {"pk": ev}),
        "evidence_delete": ("evidence_delete", {"pk": ev}),
        "assessment_queries": ("assessment_queries", {"pk": a}),
        "comment_reply": ("comment_reply", {"pk": world["comment"].pk}),
        "comment_resolve": ("comment_resolve", {"pk": world["comment"].pk}),
        "review_assessment": ("review_assessment", {"pk": a}),
        "review_accept": ("review_accept", {"pk": a}),
        "review_return": ("review_return", {"pk": a}),
        "review_comment_add": ("review_comment_add", {"pk": a}),
    }
    urls = {name: reverse(route, kwargs=kwargs) for name, (route, kwargs) in routes.items()}
    if world.get("submission"):
        urls["submission_pdf"] = reverse("submission_pdf", kwargs={"pk": world["submission"].pk})
    return urls


def all_route_names():
    names = set()

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    names.add("admin")
                    continue
                walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(entry.name)

    walk(get_resolver())
    return names


def make_world(assessment, author):
    """One of everything on `assessment`: an answer, an evidence file, a goal, an action, a comment,
    a saved stress scenario."""
    answer = assessment.answers.select_related("indicator", "assessment").order_by("pk").first()
    evidence = (
        services.evidence_add(
            answer=answer, by=author, file=SimpleUploadedFile("plan.pdf", MINIMAL_PDF, "application/pdf")
        )
        if assessment.is_editable
        else _evidence_file_on(answer, author)
    )
    goal = assessment.goals.first() if hasattr(assessment, "goals") else None
    if goal is None:
        from assessments.models import NationalGoal

        goal = NationalGoal.objects.filter(assessment=assessment).first()
    plan, _ = ImplementationPlan.objects.get_or_create(assessment=assessment, defaults={"title": "Plan"})
    action = PlanAction.objects.filter(plan=plan).first()
    comment = Comment.objects.create(assessment=assessment, author=author, kind="note", body="A note.")
    scenario = Scenario.objects.create(
        assessment=assessment, name="Grid down", overrides={"2": 10}, created_by=author
    )
    return {
        "assessment": assessment,
        "answer": answer,
        "evidence": evidence,
        "goal": goal,
        "action": action,
        "comment": comment,
        "scenario": scenario,
        "submission": Submission.objects.filter(assessment=assessment).first(),
    }


def _evidence_file_on(answer, author):
    from assessments.models import Evidence

    evidence = Evidence(
        answer=answer, uploaded_by=author, original_name="plan.pdf", content_type="application/pdf"
    )
    evidence.size = len(MINIMAL_PDF)
    evidence.file.save(f"{uuid.uuid4().hex}.pdf", SimpleUploadedFile("plan.pdf", MINIMAL_PDF), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def est_world(est_current):
    from django.contrib.auth import get_user_model

    return make_world(est_current, get_user_model().objects.get(username="planner-est"))


@pytest.fixture
def submitted_world():
    """Latvia's submitted assessment: visible to reviewers, to no national user of the demo."""
    from django.contrib.auth import get_user_model

    assessment = Assessment.objects.get(nation__code="LVA", status=Assessment.Status.SUBMITTED)
    return make_world(assessment, get_user_model().objects.get(username="reviewer"))


def test_every_route_is_listed_here(est_world):
    listed = (
        OPEN
        | ACCOUNT
        | set(REVIEWER_ONLY)
        | set(object_routes(est_world))
        | {
            "submission_pdf",
            "assessment_start",
            "alliance_report_status",
            "alliance_report_download",
            "admin",
        }
    )
    missing = all_route_names() - listed
    assert not missing, f"add these routes to the authorisation test: {sorted(missing)}"


def hidden(client, urls):
    """Routes that do not answer 404 to `client`. The wrong method may answer 405 first (the same for
    every id, so it tells nothing), but the right one must answer 404."""
    leaks = []
    for name, url in urls.items():
        statuses = {client.get(url).status_code, client.post(url).status_code}
        if not statuses <= {404, 405} or 404 not in statuses:
            leaks.append((name, url, sorted(statuses)))
    return leaks


def test_another_nations_objects_answer_404(est_world, submitted_world):
    assert hidden(client_for("planner-nor"), object_routes(est_world)) == []
    assert hidden(client_for("contrib-est"), object_routes(submitted_world)) == []
    assert hidden(client_for("planner-est"), object_routes(submitted_world)) == []


def test_a_reviewer_never_reaches_a_draft(est_world, nor_current):
    reviewer = client_for("reviewer")
    assert hidden(reviewer, object_routes(est_world)) == []
    inbox = reviewer.get("/review/").content.decode()
    for draft in (est_world["assessment"], nor_current):
        assert f"/review/{draft.pk}/" not in inbox


def test_made_up_ids_answer_404_to_everyone(est_world):
    fake = {"pk": 987654321, "goal_pk": 987654321, "action_pk": 987654321, "scenario_pk": 987654321}
    forged = {}
    for name, url in object_routes(est_world).items():
        match = get_resolver().resolve(url)
        forged[name] = reverse(match.url_name, kwargs={k: fake.get(k, v) for k, v in match.kwargs.items()})
    forged["alliance_report_download"] = f"/compare/alliance-report/{uuid.uuid4()}/download/"
    for who in ["planner-est", "reviewer", "admin"]:
        assert hidden(client_for(who), forged) == [], who


def test_anonymous_visitors_are_sent_to_log_in(est_world, submitted_world):
    from django.test import Client

    anonymous = Client()
    urls = [
        *object_routes(est_world).values(),
        *object_routes(submitted_world).values(),
        *REVIEWER_ONLY.values(),
    ]
    urls += ["/dashboard/", "/account/security/", f"/compare/alliance-report/{uuid.uuid4()}/"]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            assert response.status_code in (302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith("/login/?next="), (url, response.url)


def test_reviewer_pages_do_not_exist_for_national_users():
    for who in ["planner-est", "contrib-est", "planner-nor"]:
        client = client_for(who)
        for name, url in REVIEWER_ONLY.items():
            assert client.get(url).status_code == 404, (who, name)
            assert client.post(url).status_code in (404, 405), (who, name)


def test_reviewers_reach_their_pages_and_submitted_assessments(submitted_world):
    reviewer = client_for("reviewer")
    for name, url in REVIEWER_ONLY.items():
        assert reviewer.get(url).status_code in (200, 405), name
    urls = object_routes(submitted_world)
    assert reviewer.get(urls["review_assessment"]).status_code == 200
    pdf = reviewer.get(urls["submission_pdf"])
    assert (
        pdf.status_code == 200
        and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])[:4] == b"%PDF"
    )
    download = reviewer.get(urls["evidence_download"])
    assert download.status_code == 200
    # Looking is not editing: the planner's write routes stay closed to reviewers.
    for name in ["requirement_page", "goal_create", "plan_edit", "evidence_upload", "assessment_submit"]:
        assert reviewer.post(urls[name]).status_code in (403, 404), name


def test_downloads_follow_the_nation(est_world):
    urls = object_routes(est_world)
    for who, expected in [
        ("planner-est", 200),
        ("contrib-est", 200),
        ("planner-nor", 404),
        ("reviewer", 404),
    ]:
        client = client_for(who)
        download = client.get(urls["evidence_download"])
        assert download.status_code == expected, who
        if expected == 200:
            assert b"".join(download.streaming_content) == MINIMAL_PDF
            assert "attachment" in download["Content-Disposition"]


def test_the_rendered_report_pdf_follows_the_nation(est_world):
    url = object_routes(est_world)["assessment_report_pdf"]
    assert client_for("planner-est").get(url).status_code == 200
    for who in ["planner-nor", "reviewer"]:
        assert client_for(who).get(url).status_code == 404


def test_the_admin_is_for_administrators_only():
    from django.test import Client

    pages = ["/admin/", "/admin/baselines/framework/", "/admin/assessments/assessment/", "/admin/auth/user/"]
    for who in ["anonymous", "planner-est", "contrib-est", "planner-nor", "reviewer"]:
        client = Client() if who == "anonymous" else client_for(who)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 302 and response.url.startswith("/admin/login/"), (who, page)
    admin = client_for("admin")
    for page in pages:
        assert admin.get(page).status_code == 200, page
