"""The administrator maintains frameworks in the Django admin: drafts editable, published read-only."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baselines.models import Framework, Indicator, LevelDescriptor
from baselines.services import framework_copy


@pytest.fixture
def published(db):
    return Framework.objects.get(status=Framework.Status.PUBLISHED)


def indicator_form(indicator, **changes):
    data = {
        "requirement": indicator.requirement_id,
        "code": indicator.code,
        "order": indicator.order,
        "kind": indicator.kind,
        "weight": str(indicator.weight),
        "question": indicator.question,
        "question_fr": indicator.question_fr,
        "guidance": indicator.guidance,
        "guidance_fr": indicator.guidance_fr,
        "evidence_from_level": indicator.evidence_from_level or "",
        "unit": indicator.unit,
        "unit_fr": indicator.unit_fr,
        "direction": indicator.direction,
        "threshold": "" if indicator.threshold is None else indicator.threshold,
        "target": "" if indicator.target is None else indicator.target,
        "levels-TOTAL_FORMS": 0,
        "levels-INITIAL_FORMS": 0,
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 6,
    }
    levels = list(indicator.levels.all())
    if levels:
        data["levels-TOTAL_FORMS"] = data["levels-INITIAL_FORMS"] = len(levels)
        for i, level in enumerate(levels):
            data.update(
                {
                    f"levels-{i}-id": level.pk,
                    f"levels-{i}-indicator": indicator.pk,
                    f"levels-{i}-level": level.level,
                    f"levels-{i}-text": level.text,
                    f"levels-{i}-text_fr": level.text_fr,
                }
            )
    data.update(changes)
    return data


def test_admin_edits_an_indicator_of_a_draft(admin_client_demo, published):
    draft = framework_copy(framework=published)
    indicator = draft.indicators.filter(kind="maturity").first()
    url = f"/admin/baselines/indicator/{indicator.pk}/change/"
    page = admin_client_demo.get(url)
    assert page.status_code == 200 and b'name="question"' in page.content
    data = indicator_form(indicator, question="How well are alternate sites exercised?")
    data["levels-2-text"] = "A new descriptor for level 2"
    response = admin_client_demo.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert Indicator.objects.get(pk=indicator.pk).question == "How well are alternate sites exercised?"
    assert LevelDescriptor.objects.get(indicator=indicator, level=2).text == "A new descriptor for level 2"


def test_admin_shows_a_published_indicator_read_only_and_refuses_a_post(admin_client_demo, published):
    indicator = published.indicators.first()
    url = f"/admin/baselines/indicator/{indicator.pk}/change/"
    page = admin_client_demo.get(url)
    assert page.status_code == 200
    assert b'name="question"' not in page.content  # no input: read-only view
    response = admin_client_demo.post(url, indicator_form(indicator, question="Changed"))
    assert response.status_code == 403
    assert Indicator.objects.get(pk=indicator.pk).question == indicator.question


def test_copy_as_new_draft_action(admin_client_demo, published):
    response = admin_client_demo.post(
        "/admin/baselines/framework/",
        {"action": "copy_as_draft", "_selected_action": [published.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Framework.objects.filter(
        name=published.name, version=published.version + 1, status="draft"
    ).exists()
    assert "Created" in response.content.decode()


def test_publish_action_lists_problems_of_an_incomplete_draft(admin_client_demo, published):
    draft = framework_copy(framework=published)
    indicator = draft.indicators.filter(kind="maturity").first()
    LevelDescriptor.objects.filter(indicator=indicator, level=0).delete()
    response = admin_client_demo.post(
        "/admin/baselines/framework/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert f"{indicator.code} lacks a descriptor for level(s) 0" in response.content.decode()
    assert Framework.objects.get(pk=draft.pk).status == "draft"


def test_admin_import_refuses_a_malformed_file_with_a_message(admin_client_demo, published):
    before = Framework.objects.count()
    upload = SimpleUploadedFile("f.json", b'{"format": "resilience-baselines/framework@1"}')
    response = admin_client_demo.post("/admin/baselines/framework/import/", {"file": upload})
    assert response.status_code == 200
    assert "section is missing" in response.content.decode()
    assert Framework.objects.count() == before


def test_admin_export_then_import(admin_client_demo, published):
    response = admin_client_demo.post(
        "/admin/baselines/framework/", {"action": "export_json", "_selected_action": [published.pk]}
    )
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    data["framework"]["version"] = 42
    upload = SimpleUploadedFile("f.json", json.dumps(data).encode())
    response = admin_client_demo.post("/admin/baselines/framework/import/", {"file": upload})
    assert response.status_code == 302
    assert Framework.objects.filter(version=42, status="draft").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/baselines/framework/",
        "/admin/baselines/requirement/",
        "/admin/baselines/indicator/",
        "/admin/baselines/leveldescriptor/",
        "/admin/baselines/objective/",
        "/admin/baselines/dependency/",
        "/admin/assessments/nation/",
        "/admin/assessments/membership/",
        "/admin/assessments/cycle/",
        "/admin/assessments/assessment/",
        "/admin/assessments/answer/",
        "/admin/assessments/submission/",
        "/admin/assessments/evidence/",
        "/admin/assessments/comment/",
        "/admin/assessments/nationalgoal/",
        "/admin/assessments/implementationplan/",
        "/admin/assessments/planaction/",
    ],
)
def test_every_admin_list_opens_for_the_administrator_and_is_closed_to_others(personas, url):
    assert personas["admin"].get(url).status_code == 200
    for name in ["reviewer", "planner-est", "anonymous"]:
        assert personas[name].get(url).status_code == 302  # to the admin login
