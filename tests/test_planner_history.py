"""What changed: each answer's history, who changed what from what to what, and when."""

import pytest
from django.contrib.auth import get_user_model

from assessments import services
from assessments.models import Assessment
from baselines.models import LevelDescriptor
from tests.planner_utils import answer, content, form_data


def history_url(target):
    return f"/answers/{target.pk}/history/"


def test_the_history_shows_who_changed_what_from_what_to_what(planner_est, contrib_est, est_current):
    target = answer(est_current, "BLR-2.4")
    planner_est.post(
        f"/assessments/{est_current.pk}/requirements/2/",
        form_data(est_current, 2, {"BLR-2.4": {"level": 2, "justification": "First look."}}),
    )
    contrib_est.post(
        f"/assessments/{est_current.pk}/requirements/2/",
        form_data(est_current, 2, {"BLR-2.4": {"level": 3, "confidence": "high"}}),
    )
    page = content(planner_est.get(history_url(target)))
    level = {d.level: d.text for d in LevelDescriptor.objects.filter(indicator=target.indicator)}
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    newest, older = rows[0], rows[1]
    assert "Kalle Kask" in newest
    assert f"from “Level 2 — {level[2]}” to “Level 3 — {level[3]}”" in newest
    assert "from “Not stated” to “High”" in newest
    assert "Justification" not in newest  # unchanged fields are not listed
    assert "Piret Tamm" in older
    assert f"to “Level 2 — {level[2]}”" in older and "to “First look.”" in older
    assert "Opened, not yet answered" in rows[-1]


def test_evidence_added_and_removed_is_listed(planner_est, est_current):
    target = answer(est_current, "BLR-2.4")
    planner_est.post(f"/answers/{target.pk}/evidence/cite/", {"citation": "Energy security act"})
    page = content(planner_est.get(history_url(target)))
    assert "Piret Tamm" in page and "added" in page and "Energy security act" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("planner-est", 200), ("contrib-est", 200), ("planner-nor", 404), ("reviewer", 404), ("anonymous", 302)],
)
def test_who_may_read_a_drafts_history(personas, est_current, persona, status):
    assert personas[persona].get(history_url(answer(est_current, "BLR-1.1"))).status_code == status


def test_reviewers_read_the_history_of_a_submitted_assessment(reviewer, planner_est):
    submitted = Assessment.objects.filter(status="submitted").first()
    target = answer(submitted, "BLR-1.1")
    assert reviewer.get(history_url(target)).status_code == 200
    assert planner_est.get(history_url(target)).status_code == 404
    assert reviewer.post(history_url(target)).status_code == 405
    assert reviewer.get("/answers/999999/history/").status_code == 404


def test_the_history_page_runs_a_fixed_number_of_queries(
    planner_est, est_current, django_assert_max_num_queries
):
    target = answer(est_current, "BLR-2.4")
    # session, user, memberships, answer (+ indicator, requirement, assessment), descriptors,
    # answer history (+ users), evidence history (+ users)
    with django_assert_max_num_queries(7):
        planner_est.get(history_url(target))
    user = get_user_model().objects.get(username="planner-est")
    for level in [1, 2, 3, 4, 5, 0, 1, 2, 3, 4] * 3:
        current = answer(est_current, "BLR-2.4")
        services.answer_save(
            answer=current,
            loaded_version=current.version,
            level=level,
            value=None,
            justification=f"Now {level}",
            confidence="",
            by=user,
        )
    with django_assert_max_num_queries(7):
        response = planner_est.get(history_url(target))
    assert content(response).count("Now 4") >= 3
