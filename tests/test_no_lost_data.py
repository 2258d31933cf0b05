"""No lost data (issue 6): two people saving the same answer at the same moment on PostgreSQL, and a submit
that fails half-way leaving everything as it was."""

import threading

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections

from assessments import services
from assessments.models import Answer, Assessment, Evidence, Submission
from assessments.services import ConflictError


def make_submittable(assessment):
    """Answer every indicator and cite a document for each, so that nothing blocks a submit."""
    answers = list(assessment.answers.select_related("indicator"))
    for answer in answers:
        if answer.indicator.is_maturity:
            answer.level = 1
        else:
            answer.value = answer.indicator.threshold
        answer.justification = "Set up for the test."
    Answer.objects.bulk_update(answers, ["level", "value", "justification"])
    Evidence.objects.bulk_create(
        [Evidence(answer=a, citation="National plan 2025, chapter 3") for a in answers]
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises all writers"
)
def test_two_threads_saving_the_same_loaded_answer_one_wins_one_gets_the_conflict(seeded):
    from django.contrib.auth import get_user_model

    assessment = Assessment.objects.get(nation__code="EST", status=Assessment.Status.DRAFT)
    answer = assessment.answers.select_related("indicator").filter(indicator__kind="maturity").first()
    loaded = answer.version
    changes_before = answer.history.count()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["planner-est", "contrib-est"])
    }
    barrier = threading.Barrier(2)
    outcome = {}

    def save(username, level):
        try:
            mine = Answer.objects.select_related("indicator", "assessment").get(pk=answer.pk)
            barrier.wait(timeout=10)
            services.answer_save(
                answer=mine,
                loaded_version=loaded,
                level=level,
                value=None,
                justification=f"by {username}",
                confidence="high",
                by=users[username],
            )
            outcome[username] = "saved"
        except ConflictError as conflict:
            outcome[username] = ("conflict", conflict.current.justification)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("planner-est", 4)),
        threading.Thread(target=save, args=("contrib-est", 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(str(v)[:8] for v in outcome.values()) == ["('confli", "saved"]
    winner = next(name for name, result in outcome.items() if result == "saved")
    loser = next(name for name, result in outcome.items() if result != "saved")
    # The loser is shown what the winner saved; the stored answer is the winner's, one version up.
    assert outcome[loser][1] == f"by {winner}"
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.version, stored.justification) == (loaded + 1, f"by {winner}")
    assert stored.history.count() == changes_before + 1  # one change recorded, the winner's


@pytest.mark.django_db
def test_a_submit_failing_half_way_leaves_a_draft_and_no_submission(nor_current, monkeypatch):
    from django.contrib.auth import get_user_model

    make_submittable(nor_current)
    planner = get_user_model().objects.get(username="planner-nor")
    submissions_before = Submission.objects.count()
    history_before = nor_current.history.count()

    def disk_full(self, name, content):
        raise OSError("No space left on device")

    # The failure comes after the status change and the PDF rendering: archiving the PDF fails.
    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    with pytest.raises(OSError):
        services.assessment_submit(assessment=nor_current, by=planner)

    nor_current.refresh_from_db()
    assert nor_current.status == Assessment.Status.DRAFT
    assert nor_current.submitted_at is None and nor_current.submitted_by is None
    assert Submission.objects.count() == submissions_before
    assert nor_current.history.count() == history_before

    # Once the disk is back the same submit goes through.
    monkeypatch.undo()
    submission = services.assessment_submit(assessment=nor_current, by=planner)
    nor_current.refresh_from_db()
    assert nor_current.status == Assessment.Status.SUBMITTED and submission.pdf.size > 1000
