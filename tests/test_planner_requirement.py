"""The requirement page: every indicator of a requirement in one form, rubric descriptors as the
choices, Save / Save and next, who may edit what, bad input, locking and query counts."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, Assessment, Comment, Cycle, Evidence
from assessments.services import assessment_create
from baselines.models import LevelDescriptor
from tests.planner_utils import answer, content, form_data, set_status


def url(assessment, number):
    return f"/assessments/{assessment.pk}/requirements/{number}/"


def test_maturity_levels_are_radios_labelled_with_the_rubric(planner_est, est_current):
    page = content(planner_est.get(url(est_current, 2)))
    target = answer(est_current, "BLR-2.4")
    for descriptor in LevelDescriptor.objects.filter(indicator=target.indicator):
        assert f"Level {descriptor.level} — {descriptor.text}" in page
        assert f'name="a{target.pk}-level" value="{descriptor.level}"' in page


def test_a_quantitative_indicator_shows_unit_threshold_and_target(planner_est, est_current):
    page = content(planner_est.get(url(est_current, 2)))
    quantitative = answer(est_current, "BLR-2.1")
    indicator = quantitative.indicator
    assert f'type="number" name="a{quantitative.pk}-value"' in page
    assert f"Value ({indicator.unit})" in page
    assert f"Threshold {indicator.threshold:g} scores 0; target {indicator.target:g} scores 100" in page


def test_one_form_with_save_and_save_and_next_and_a_hidden_version(planner_est, est_current):
    page = content(planner_est.get(url(est_current, 2)))
    assert page.count('<form method="post" novalidate data-unsaved-warning') == 1
    assert ">Save</button>" in page and ">Save and next</button>" in page
    for row in Answer.objects.filter(assessment=est_current, indicator__requirement__number=2):
        assert f'name="a{row.pk}-version" value="{row.version}"' in page
    assert "js/unsaved_changes.js" in page


def test_save_stays_on_the_page_with_a_message_and_records_who(planner_est, est_current):
    before = answer(est_current, "BLR-2.4")
    data = form_data(
        est_current, 2, {"BLR-2.4": {"level": 2, "justification": "Exercise 2026.", "confidence": "high"}}
    )
    response = planner_est.post(url(est_current, 2), data)
    assert response.status_code == 302 and response["Location"] == url(est_current, 2)
    assert "1 answer saved." in content(planner_est.get(response["Location"]))
    after = answer(est_current, "BLR-2.4")
    assert (after.level, after.justification, after.confidence) == (2, "Exercise 2026.", "high")
    assert after.version == before.version + 1
    assert after.updated_by.username == "planner-est"
    latest = after.history.latest("history_date")
    assert latest.history_user.username == "planner-est" and latest.level == 2


def test_save_without_changes_writes_nothing(planner_est, est_current):
    versions = dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version"))
    response = planner_est.post(url(est_current, 2), form_data(est_current, 2), follow=True)
    assert "There were no changes to save." in content(response)
    assert dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version")) == versions


def test_save_and_next_moves_to_the_next_requirement_and_the_last_to_the_overview(planner_est, est_current):
    data = form_data(est_current, 2, {"BLR-2.1": {"value": 75}}, save="next")
    assert planner_est.post(url(est_current, 2), data)["Location"] == url(est_current, 3)
    assert answer(est_current, "BLR-2.1").value == 75
    last = planner_est.post(url(est_current, 7), form_data(est_current, 7, save="next"))
    assert last["Location"] == f"/assessments/{est_current.pk}/"


def test_a_contributor_edits_the_requirements_they_hold_and_reads_the_others(contrib_est, est_current):
    held = content(contrib_est.get(url(est_current, 6)))
    assert ">Save</button>" in held
    other = contrib_est.get(url(est_current, 1))
    assert other.status_code == 200
    assert ">Save</button>" not in content(other)
    assert "held by other contributors" in content(other)
    target = answer(est_current, "BLR-1.4")
    forged = contrib_est.post(url(est_current, 1), form_data(est_current, 1, {"BLR-1.4": {"level": 5}}))
    assert forged.status_code == 403
    assert answer(est_current, "BLR-1.4").level == target.level
    ok = contrib_est.post(url(est_current, 6), form_data(est_current, 6, {"BLR-6.3": {"level": 4}}))
    assert ok.status_code == 302 and answer(est_current, "BLR-6.3").level == 4


@pytest.mark.parametrize("persona", ["planner-nor", "reviewer"])
def test_other_nations_and_reviewers_do_not_see_a_draft(personas, est_current, persona):
    assert personas[persona].get(url(est_current, 2)).status_code == 404
    assert personas[persona].post(url(est_current, 2), form_data(est_current, 2)).status_code == 404


def test_a_reviewer_reads_a_submitted_assessment_but_cannot_save(reviewer):
    submitted = Assessment.objects.filter(status="submitted").first()
    page = reviewer.get(url(submitted, 2))
    assert page.status_code == 200 and ">Save</button>" not in content(page)
    before = answer(submitted, "BLR-2.3").level
    response = reviewer.post(url(submitted, 2), form_data(submitted, 2, {"BLR-2.3": {"level": 0}}))
    assert response.status_code == 403
    assert answer(submitted, "BLR-2.3").level == before


def test_anonymous_users_are_sent_to_log_in(personas, est_current):
    assert personas["anonymous"].get(url(est_current, 2))["Location"].startswith("/login/")


def test_an_unknown_requirement_is_404_and_other_methods_405(planner_est, est_current):
    assert planner_est.get(url(est_current, 9)).status_code == 404
    assert planner_est.get("/assessments/999999/requirements/1/").status_code == 404
    assert planner_est.put(url(est_current, 2)).status_code == 405


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("BLR-2.4", {"level": "7"}, "Select a valid choice"),
        ("BLR-2.4", {"level": "three"}, "Select a valid choice"),
        ("BLR-2.1", {"value": "lots"}, "Enter a number"),
        ("BLR-2.1", {"value": "1e400"}, "Enter a number"),
        ("BLR-2.1", {"value": "1e15"}, "less than or equal to"),
        ("BLR-2.4", {"confidence": "certain"}, "Select a valid choice"),
        ("BLR-2.4", {"justification": "x" * 10001}, "at most 10000 characters"),
        ("BLR-2.4", {"version": "abc"}, "out of date"),
        ("BLR-2.4", {"version": ""}, "out of date"),
        ("BLR-2.4", {"version": str(10**30)}, "out of date"),
        ("BLR-2.4", {"version": "-1"}, "out of date"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_changes(
    planner_est, est_current, code, changes, message
):
    versions = dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version"))
    # A valid change elsewhere on the page is not saved either: a form is saved whole or not at all.
    data = form_data(est_current, 2, {code: changes, "BLR-2.2": {"value": 12}})
    response = planner_est.post(url(est_current, 2), data)
    assert response.status_code == 200
    page = content(response)
    assert message in page
    assert "Nothing was saved" in page
    assert dict(Answer.objects.filter(assessment=est_current).values_list("pk", "version")) == versions
    assert answer(est_current, "BLR-2.2").value != 12


class _Fields(HTMLParser):
    """Each form control of a page with its attributes, the `for` of every label, and the text of every
    element that has an id (for error messages)."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.text, self._open = [], set(), {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select", "fieldset"):
            self.controls.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if attrs.get("id"):
            self.text[attrs["id"]] = ""
            self._open.append((tag, attrs["id"]))
        else:
            self._open.append((tag, None))

    def handle_endtag(self, tag):
        while self._open:
            opened, _id = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text[element_id] += data


def _fields(response) -> _Fields:
    parser = _Fields()
    parser.feed(content(response))
    return parser


def test_every_answer_field_is_labelled_and_its_error_is_linked_to_it(planner_est, est_current):
    page = _fields(planner_est.get(url(est_current, 2)))
    answers = [f for t, f in page.controls if f.get("name", "").startswith("a") and f.get("type") != "hidden"]
    assert answers and all(f["id"] in page.labelled for f in answers)

    maturity, quantitative = answer(est_current, "BLR-2.4"), answer(est_current, "BLR-2.1")
    data = form_data(
        est_current,
        2,
        {"BLR-2.4": {"level": "9", "justification": "Kept after the error."}, "BLR-2.1": {"value": "lots"}},
    )
    page = _fields(planner_est.post(url(est_current, 2), data))
    controls = {f.get("id"): (t, f) for t, f in page.controls}
    value_id, level_id = f"id_a{quantitative.pk}-value", f"id_a{maturity.pk}-level"
    _tag, value = controls[value_id]
    assert value["aria-invalid"] == "true" and value["value"] == "lots"
    assert f"{value_id}_error" in value["aria-describedby"].split()
    assert "Enter a number" in page.text[f"{value_id}_error"]
    group = next(
        f for t, f in page.controls if t == "fieldset" and f.get("aria-describedby") == f"{level_id}_error"
    )
    assert "Select a valid choice" in page.text[group["aria-describedby"]]
    assert all(f["aria-invalid"] == "true" for f in answers_named(page, f"a{maturity.pk}-level"))
    assert page.text[f"id_a{maturity.pk}-justification"].strip() == "Kept after the error."


def answers_named(page: _Fields, name: str) -> list[dict]:
    return [f for _t, f in page.controls if f.get("name") == name]


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_locked_assessment_refuses_every_save(planner_est, contrib_est, est_current, status):
    data = form_data(est_current, 2, {"BLR-2.4": {"level": 1}})
    set_status(est_current, status)
    page = planner_est.get(url(est_current, 2))
    assert page.status_code == 200
    assert ">Save</button>" not in content(page) and "locked" in content(page)
    assert planner_est.post(url(est_current, 2), data).status_code == 403
    assert contrib_est.post(url(est_current, 2), data).status_code == 403
    assert answer(est_current, "BLR-2.4").level is None or answer(est_current, "BLR-2.4").level != 1


def test_a_returned_assessment_is_editable_again(planner_est, est_current):
    set_status(est_current, "returned", reason="BLR-2 figures are from 2019.")
    page = content(planner_est.get(url(est_current, 2)))
    assert ">Save</button>" in page and "BLR-2 figures are from 2019." in page
    response = planner_est.post(url(est_current, 2), form_data(est_current, 2, {"BLR-2.1": {"value": 88}}))
    assert response.status_code == 302 and answer(est_current, "BLR-2.1").value == 88


def test_previous_cycle_answer_and_open_queries_are_shown(planner_est, est_current):
    reviewer = get_user_model().objects.get(username="reviewer")
    target = answer(est_current, "BLR-2.3")
    Comment.objects.create(
        assessment=est_current, answer=target, author=reviewer, body="Which year are these from?"
    )
    page = content(planner_est.get(url(est_current, 2)))
    assert "Which year are these from?" in page
    assert "Previous cycle:" in page


# Query counts ---------------------------------------------------------------------------------


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def _more_data(assessment):
    """Many evidence items and comments on the page's answers, and extra earlier cycles."""
    reviewer = get_user_model().objects.get(username="reviewer")
    answers = list(Answer.objects.filter(assessment=assessment, indicator__requirement__number=2))
    Evidence.objects.bulk_create(
        Evidence(answer=a, citation=f"Report {i}") for a in answers for i in range(15)
    )
    Comment.objects.bulk_create(
        Comment(assessment=assessment, answer=a, author=reviewer, body=f"Query {i}")
        for a in answers
        for i in range(8)
    )
    framework = assessment.cycle.framework
    earliest = Cycle.objects.order_by("opens_on").first()
    for back in range(1, 4):
        day = earliest.opens_on.replace(year=earliest.opens_on.year - back)
        cycle = Cycle.objects.create(
            name=f"Old {back}", framework=framework, opens_on=day, due_on=day, closes_on=day
        )
        assessment_create(nation=assessment.nation, cycle=cycle)


def test_the_requirement_page_runs_a_fixed_number_of_queries(
    planner_est, est_current, django_assert_num_queries
):
    path = url(est_current, 2)
    # session, user, memberships, assessment, requirements, answers (+ indicator, updated_by),
    # descriptors, evidence, open queries (+ author), previous cycle, previous answers
    small = _count(planner_est, path)
    _more_data(est_current)
    with django_assert_num_queries(small):
        planner_est.get(path)
    assert small <= 12, small


def test_a_form_carrying_answers_from_elsewhere_is_refused_whole(planner_est, est_current, nor_current):
    theirs = answer(nor_current, "BLR-2.4")
    ours = answer(est_current, "BLR-1.4")  # another requirement of the same assessment
    for forged in (theirs, ours):
        data = form_data(est_current, 2, {"BLR-2.1": {"value": 77}})
        data.update({f"a{forged.pk}-level": "5", f"a{forged.pk}-version": str(forged.version)})
        response = planner_est.post(url(est_current, 2), data)
        assert response.status_code == 200
        assert "this form does not match the page" in content(response)
        assert answer(est_current, "BLR-2.1").value != 77
        stored = Answer.objects.get(pk=forged.pk)
        assert (stored.level, stored.version) == (forged.level, forged.version)
