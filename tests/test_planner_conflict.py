"""Two editors at once: a save based on an outdated page is refused with both values shown, and
nothing is overwritten silently (DESIGN section 3, optimistic locking)."""

import re

import pytest
from django.contrib.auth import get_user_model

from assessments import services
from baselines.models import LevelDescriptor
from tests.planner_utils import answer, content, form_data


def url(assessment):
    return f"/assessments/{assessment.pk}/requirements/2/"


def descriptor(code, level):
    return LevelDescriptor.objects.get(
        indicator__code=code, indicator__framework__status="published", level=level
    )


def test_the_second_save_of_the_same_answer_gets_a_conflict_with_both_values(
    planner_est, contrib_est, est_current
):
    target = answer(est_current, "BLR-2.4")
    # Both load the page: the same version is in both forms.
    for client in (planner_est, contrib_est):
        assert f'name="a{target.pk}-version" value="{target.version}"' in content(
            client.get(url(est_current))
        )
    loaded = form_data(est_current, 2)
    first = {**loaded, f"a{target.pk}-level": "2", f"a{target.pk}-justification": "Planner's view."}
    second = {**loaded, f"a{target.pk}-level": "4", f"a{target.pk}-justification": "Contributor's view."}

    assert planner_est.post(url(est_current), first).status_code == 302
    response = contrib_est.post(url(est_current), second)

    assert response.status_code == 200
    page = content(response)
    assert "Someone else saved this answer after you loaded the page. Your change was not saved." in page
    assert "Not saved: BLR-2.4." in page
    # Keeping theirs is a plain link back to the page, never a resubmission of the form.
    assert f'<a href="{url(est_current)}#indicator-BLR-2.4">Keep theirs and discard my changes' in page
    theirs = page.split('class="col-sm-9 conflict-theirs">')[1].split("</dd>")[0]
    yours = page.split('class="col-sm-9 conflict-yours">')[1].split("</dd>")[0]
    assert f"Level 2 — {descriptor('BLR-2.4', 2).text}" in theirs and "Planner&#x27;s view." in theirs
    assert "Piret Tamm" in theirs
    assert f"Level 4 — {descriptor('BLR-2.4', 4).text}" in yours and "Contributor&#x27;s view." in yours
    stored = answer(est_current, "BLR-2.4")
    assert (stored.level, stored.justification, stored.updated_by.username) == (
        2,
        "Planner's view.",
        "planner-est",
    )
    assert stored.version == target.version + 1
    assert stored.history.filter(version=target.version + 1).count() == 1

    # The refused input is still in the form, now carrying the current version: saving again is a
    # deliberate choice to replace the other answer.
    assert f'name="a{target.pk}-version" value="{stored.version}"' in page
    assert re.search(rf'name="a{target.pk}-level" value="4"[^>]*checked', page)
    assert not re.search(rf'name="a{target.pk}-level" value="2"[^>]*checked', page)
    again = {**second, f"a{target.pk}-version": str(stored.version)}
    assert contrib_est.post(url(est_current), again).status_code == 302
    assert answer(est_current, "BLR-2.4").level == 4


def test_editing_different_answers_of_the_same_page_keeps_both(planner_est, contrib_est, est_current):
    loaded = form_data(est_current, 2)
    a, b = answer(est_current, "BLR-2.4"), answer(est_current, "BLR-2.5")
    assert planner_est.post(url(est_current), {**loaded, f"a{a.pk}-level": "1"}).status_code == 302
    # The second editor's page still shows the old BLR-2.4: that stale value must not undo the first save.
    response = contrib_est.post(url(est_current), {**loaded, f"a{b.pk}-level": "5"}, follow=True)
    assert "1 answer saved." in content(response)
    assert "Someone else saved" not in content(response)
    assert answer(est_current, "BLR-2.4").level == 1
    assert answer(est_current, "BLR-2.5").level == 5


def test_the_same_change_by_both_is_no_conflict(planner_est, contrib_est, est_current):
    loaded = form_data(est_current, 2)
    a = answer(est_current, "BLR-2.4")
    change = {**loaded, f"a{a.pk}-level": "3", f"a{a.pk}-justification": "Agreed."}
    planner_est.post(url(est_current), change)
    response = contrib_est.post(url(est_current), change, follow=True)
    assert "There were no changes to save." in content(response)
    assert answer(est_current, "BLR-2.4").version == a.version + 1


def test_the_service_refuses_an_outdated_version_and_changes_nothing(est_current):
    user = get_user_model().objects.get(username="planner-est")
    target = answer(est_current, "BLR-2.4")
    loaded = target.version
    services.answer_save(
        answer=target, loaded_version=loaded, level=1, value=None, justification="A", confidence="", by=user
    )
    stale = answer(est_current, "BLR-2.4")
    with pytest.raises(services.ConflictError) as raised:
        services.answer_save(
            answer=stale,
            loaded_version=loaded,
            level=5,
            value=None,
            justification="B",
            confidence="",
            by=user,
        )
    assert (raised.value.current.level, raised.value.current.justification) == (1, "A")
    stored = answer(est_current, "BLR-2.4")
    assert (stored.level, stored.version) == (1, loaded + 1)
