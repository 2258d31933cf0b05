"""Who may see and do what: the one place every view asks.

Rules (DESIGN section 2):
- national users see only their own nation's assessments; coordinators edit everything of an
  editable assessment, contributors only the answers and evidence of the requirements they hold;
- reviewers see every assessment that is not a draft and edit none;
- nobody edits a submitted or accepted assessment;
- anything a user may not see answers 404, so that existence never leaks; something they may see
  but not change answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import (
    Answer,
    Assessment,
    Comment,
    Evidence,
    Membership,
    NationalGoal,
    PlanAction,
    Scenario,
    Submission,
)

Role = Membership.Role


def memberships(user) -> list[Membership]:
    """The user's memberships, loaded once per request object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_rb_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("nation"))
        user._rb_memberships = cached
    return cached


def is_reviewer(user) -> bool:
    return any(m.role == Role.REVIEWER for m in memberships(user))


def national_memberships(user) -> list[Membership]:
    return [m for m in memberships(user) if m.nation_id is not None]


def membership_for(user, nation_id) -> Membership | None:
    return next((m for m in national_memberships(user) if m.nation_id == nation_id), None)


def require_coordinator(user, nation_id) -> Membership:
    """The user's coordinator membership of that nation; 404 for strangers, 403 for other roles."""
    member = membership_for(user, nation_id)
    if member is None:
        raise Http404
    if member.role != Role.COORDINATOR:
        raise PermissionDenied
    return member


def require_reviewer(user) -> None:
    """Reviewer pages answer 404 to everyone else: they do not exist for national users."""
    if not is_reviewer(user):
        raise Http404


@dataclass(frozen=True)
class AssessmentAccess:
    """What one user may do with one assessment."""

    assessment: Assessment
    role: str  # a Membership.Role value
    editable_numbers: frozenset[int] = field(default_factory=frozenset)

    @property
    def can_edit(self) -> bool:
        """May change at least something (answers, or more for a coordinator)."""
        return bool(self.editable_numbers)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def can_manage(self) -> bool:
        """Goals, plans, assignments and submit: the coordinator of an editable assessment."""
        return self.is_coordinator and self.assessment.is_editable

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    def can_edit_requirement(self, number: int) -> bool:
        return number in self.editable_numbers

    def require_edit_requirement(self, number: int) -> None:
        if not self.can_edit_requirement(number):
            raise PermissionDenied

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied


def access_to(user, assessment: Assessment) -> AssessmentAccess:
    """The user's access to an assessment already loaded; raises Http404 when they may not see it."""
    member = membership_for(user, assessment.nation_id)
    if member is not None:
        editable = frozenset()
        if assessment.is_editable:
            if member.role == Role.COORDINATOR:
                editable = frozenset(range(1, 8))
            else:
                editable = frozenset(member.requirement_numbers or [])
        return AssessmentAccess(assessment, member.role, editable)
    if is_reviewer(user) and reviewers_see_live(assessment):
        return AssessmentAccess(assessment, Role.REVIEWER)
    raise Http404


def reviewers_see_live(assessment: Assessment) -> bool:
    """Whether reviewers may open the assessment as it stands (pages, files, live report). Not a
    draft, and not a returned one either: that is the nation's to edit again, and would show changes
    it has not sent; reviewers read it on the review page, from the returned submission."""
    return not assessment.is_editable


def assessment_for_user(request, pk) -> AssessmentAccess:
    """Load an assessment by id for the request's user, or 404."""
    try:
        assessment = Assessment.objects.select_related("nation", "cycle__framework").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return access_to(request.user, assessment)


def visible_assessments(user):
    """Every assessment the user may open, as a queryset for lists."""
    qs = Assessment.objects.select_related("nation", "cycle")
    nation_ids = [m.nation_id for m in national_memberships(user)]
    if is_reviewer(user):
        return qs.filter(nation_id__in=nation_ids) | qs.visible_to_reviewers()
    return qs.filter(nation_id__in=nation_ids)


# Reviewing and comment threads ---------------------------------------------------------------


def reviewable_assessment(request, pk) -> AssessmentAccess:
    """An assessment for a reviewer page: 404 for anyone who is not a reviewer, and for drafts,
    whatever else the user may be."""
    require_reviewer(request.user)
    try:
        assessment = (
            Assessment.objects.visible_to_reviewers()
            .select_related("nation", "cycle__framework", "submitted_by", "decided_by")
            .get(pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return AssessmentAccess(assessment, Role.REVIEWER)


def can_see_comment(access: AssessmentAccess, thread: Comment) -> bool:
    """Reviewers see every thread; a nation sees the queries on its assessments, not the notes
    reviewers keep for each other."""
    return access.is_reviewer or thread.kind == Comment.Kind.QUERY


def can_reply(user, access: AssessmentAccess, thread: Comment) -> bool:
    """Reviewers reply to any thread; a coordinator to any query on its nation's assessment; a
    contributor to assessment-wide queries and to queries on answers of the requirements they
    hold. Replies are allowed whatever the assessment's status: queries are about a submission.
    `thread.answer.indicator.requirement` should be loaded with the thread."""
    if thread.resolved or not can_see_comment(access, thread):
        return False
    if access.is_reviewer or access.is_coordinator:
        return True
    if thread.answer_id is None:
        return True
    member = membership_for(user, access.assessment.nation_id)
    held = member.requirement_numbers if member else []
    return thread.answer.indicator.requirement.number in (held or [])


@dataclass(frozen=True)
class CommentAccess:
    """What one user may do with one comment thread."""

    thread: Comment  # the thread's first comment
    access: AssessmentAccess
    can_reply: bool

    @property
    def can_resolve(self) -> bool:
        return self.access.is_reviewer and self.thread.kind == Comment.Kind.QUERY

    def require_reply(self) -> None:
        if not self.can_reply:
            raise PermissionDenied

    def require_resolve(self) -> None:
        if not self.can_resolve:
            raise PermissionDenied


def comment_for_user(request, pk) -> CommentAccess:
    """Load a comment's thread for the request's user, or 404 (another nation's, a draft for a
    reviewer, a reviewers' note for a nation)."""
    try:
        comment = Comment.objects.select_related(
            "assessment__nation",
            "assessment__cycle__framework",
            "answer__indicator__requirement",
            "parent__answer__indicator__requirement",
        ).get(pk=pk)
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    thread = comment.parent or comment
    access = access_to(request.user, comment.assessment)
    if not can_see_comment(access, thread):
        raise Http404
    return CommentAccess(thread, access, can_reply(request.user, access, thread))


# Planner: answers, evidence, goals and plan actions ------------------------------------------


def answer_for_user(request, pk) -> tuple[Answer, AssessmentAccess]:
    """Load an answer (with its indicator, requirement and assessment) for the request's user, or
    404. Editing it needs `access.require_edit_requirement(answer.indicator.requirement.number)`."""
    try:
        answer = Answer.objects.select_related(
            "indicator__requirement", "assessment__nation", "assessment__cycle__framework"
        ).get(pk=pk)
    except (Answer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return answer, access_to(request.user, answer.assessment)


def evidence_for_user(request, pk) -> tuple[Evidence, AssessmentAccess]:
    """Load an evidence item for whoever may see its assessment (download), or 404."""
    try:
        evidence = Evidence.objects.select_related(
            "answer__indicator__requirement",
            "answer__assessment__nation",
            "answer__assessment__cycle__framework",
        ).get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return evidence, access_to(request.user, evidence.answer.assessment)


def goal_for_user(request, assessment_pk, pk) -> tuple[NationalGoal, AssessmentAccess]:
    """A national goal of that assessment, or 404 (another nation's, or another assessment's)."""
    access = assessment_for_user(request, assessment_pk)
    try:
        goal = NationalGoal.objects.select_related("objective__requirement").get(
            pk=pk, assessment=access.assessment
        )
    except (NationalGoal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    goal.assessment = access.assessment
    return goal, access


def action_for_user(request, assessment_pk, pk) -> tuple[PlanAction, AssessmentAccess]:
    """A plan action of that assessment's plan, or 404."""
    access = assessment_for_user(request, assessment_pk)
    try:
        action = PlanAction.objects.select_related("plan").get(pk=pk, plan__assessment=access.assessment)
    except (PlanAction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    action.plan.assessment = access.assessment
    return action, access


# Stress tests (saved scenarios) ------------------------------------------------------------


def can_save_scenario(access: AssessmentAccess) -> bool:
    """Coordinators save their nation's scenarios, reviewers their own (seen by reviewers only);
    contributors may run stress tests but not save them. A scenario changes no answer, so the
    assessment's status does not matter."""
    return access.is_coordinator or access.is_reviewer


def require_save_scenario(access: AssessmentAccess) -> None:
    if not can_save_scenario(access):
        raise PermissionDenied


def scenario_visibility(access: AssessmentAccess) -> str:
    """The audience of a scenario this user saves."""
    return Scenario.Visibility.REVIEWERS if access.is_reviewer else Scenario.Visibility.SHARED


def can_delete_scenario(access: AssessmentAccess, scenario: Scenario) -> bool:
    """The coordinator deletes the nation's scenarios; reviewers delete reviewers' scenarios."""
    if scenario.visibility == Scenario.Visibility.REVIEWERS:
        return access.is_reviewer
    return access.is_coordinator


def scenario_for_user(request, assessment_pk, pk) -> tuple[Scenario, AssessmentAccess]:
    """A saved scenario of that assessment, or 404 (another nation's, a draft for a reviewer,
    another assessment's, or reviewers' scenarios for a nation)."""
    access = assessment_for_user(request, assessment_pk)
    try:
        scenario = Scenario.objects.select_related("created_by").get(pk=pk, assessment=access.assessment)
    except (Scenario.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if scenario.visibility == Scenario.Visibility.REVIEWERS and not access.is_reviewer:
        raise Http404
    scenario.assessment = access.assessment
    return scenario, access


# Reports ---------------------------------------------------------------------------------------


def submission_for_user(request, pk) -> tuple[Submission, AssessmentAccess]:
    """An archived submission for its nation's users and for reviewers, or 404. A submission is
    what a nation sent to NATO, so reviewers keep seeing it even if the assessment was returned
    and is a draft again."""
    try:
        submission = Submission.objects.select_related(
            "assessment__nation", "assessment__cycle__framework", "submitted_by"
        ).get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    assessment = submission.assessment
    member = membership_for(request.user, assessment.nation_id)
    if member is not None:
        return submission, access_to(request.user, assessment)
    if is_reviewer(request.user):
        return submission, AssessmentAccess(assessment, Role.REVIEWER)
    raise Http404
