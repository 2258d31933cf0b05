"""What nations say: assessments per nation and cycle, their answers, evidence, goals and plans."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from baselines.models import MAX_LEVEL, Framework, Indicator, Objective, Translated, translated


def private_storage():
    return storages["private"]


class Nation(Translated, models.Model):
    class Kind(models.TextChoices):
        ALLY = "ally", _("Ally")
        PARTNER = "partner", _("Partner")

    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=7, choices=Kind, default=Kind.ALLY)
    accession_year = models.PositiveSmallIntegerField(_("year of accession"), null=True, blank=True)

    t_name = translated("name")

    class Meta:
        ordering = ["name"]
        verbose_name = _("nation")
        verbose_name_plural = _("nations")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="nation_code_alpha3"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role. National roles belong to one nation; reviewers (NATO staff) to none."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("National coordinator")
        CONTRIBUTOR = "contributor", _("National contributor")
        REVIEWER = "reviewer", _("Reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    nation = models.ForeignKey(
        Nation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("nation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    # Requirement numbers (1–7) a contributor holds: numbers, not rows, so they carry across
    # framework versions.
    requirement_numbers = models.JSONField(_("requirements held"), default=list, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "nation"], name="membership_user_nation_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="reviewer"), name="membership_one_reviewer_role"
            ),
            models.CheckConstraint(
                condition=(Q(role="reviewer") & Q(nation__isnull=True))
                | (~Q(role="reviewer") & Q(nation__isnull=False)),
                name="membership_nation_iff_national_role",
            ),
        ]

    def __str__(self):
        where = self.nation.code if self.nation_id else "NATO"
        return f"{self.user} – {self.get_role_display()} ({where})"

    def clean(self):
        numbers = self.requirement_numbers or []
        if not isinstance(numbers, list) or any(not isinstance(n, int) or not 1 <= n <= 7 for n in numbers):
            raise ValidationError({"requirement_numbers": _("Give requirement numbers from 1 to 7.")})
        if self.role != self.Role.CONTRIBUTOR and numbers:
            raise ValidationError({"requirement_numbers": _("Only contributors hold requirements.")})
        if self.role == self.Role.REVIEWER and self.nation_id:
            raise ValidationError({"nation": _("Reviewers are NATO staff and belong to no nation.")})
        if self.role != self.Role.REVIEWER and not self.nation_id:
            raise ValidationError({"nation": _("National roles need a nation.")})


class CycleQuerySet(models.QuerySet):
    def open_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Cycle(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True, help_text=_("For example 2026."))
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("framework")
    )
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    closes_on = models.DateField(_("closes on"))

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("due_on")) & Q(due_on__lte=models.F("closes_on")),
                name="cycle_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.framework_id and self.framework.status != Framework.Status.PUBLISHED:
            raise ValidationError({"framework": _("A cycle must use a published framework.")})
        if (
            self.opens_on
            and self.due_on
            and self.closes_on
            and not (self.opens_on <= self.due_on <= self.closes_on)
        ):
            raise ValidationError(_("The cycle must open, then be due, then close."))

    @property
    def is_open(self):
        return self.opens_on <= timezone.localdate() <= self.closes_on

    def previous(self):
        return Cycle.objects.filter(opens_on__lt=self.opens_on).order_by("-opens_on").first()


class AssessmentQuerySet(models.QuerySet):
    def visible_to_reviewers(self):
        return self.exclude(status=Assessment.Status.DRAFT)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    nation = models.ForeignKey(
        Nation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("nation")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cycle")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-cycle__opens_on", "nation__name"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["nation", "cycle"], name="assessment_nation_cycle_unique"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="assessment_return_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.nation.code} {self.cycle.name}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE


class Submission(models.Model):
    """The immutable record of one submit: every answer as it was, and the report of that moment."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("assessment"),
    )
    number = models.PositiveIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("snapshot"))
    pdf = models.FileField(_("report"), storage=private_storage, upload_to="submissions/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="submission_number_unique"),
        ]

    def __str__(self):
        return f"{self.assessment} #{self.number}"

    def has_report(self, *, latest: bool) -> bool:
        """Whether this submission's report can be given: the PDF archived at submission, or, for
        submissions made before reports were archived (the seeded history), the report rendered
        from the assessment, but only for the latest one while the assessment is still locked:
        then it cannot have changed since."""
        return bool(self.pdf) or (latest and not self.assessment.is_editable)

    def save(self, *args, **kwargs):
        if self.pk and Submission.objects.filter(pk=self.pk).exists():
            raise ValidationError(_("A submission is an archive record and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submission is an archive record and cannot be deleted."))


class Answer(models.Model):
    class Confidence(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="answers", verbose_name=_("indicator")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, validators=[MaxValueValidator(MAX_LEVEL)]
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True, max_length=10000)
    confidence = models.CharField(_("confidence"), max_length=6, choices=Confidence, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    # Optimistic locking: a save names the version it loaded and fails if another landed first.
    version = models.PositiveIntegerField(_("version"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__requirement__number", "indicator__order", "indicator__code"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="answer_unique"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=MAX_LEVEL),
                name="answer_level_0_to_5",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(value__isnull=True),
                name="answer_level_or_value",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.indicator.code}"

    @property
    def is_answered(self):
        return self.level is not None or self.value is not None

    def clean(self):
        if self.indicator.is_maturity and self.value is not None:
            raise ValidationError({"value": _("This indicator is answered with a level, not a value.")})
        if not self.indicator.is_maturity and self.level is not None:
            raise ValidationError({"level": _("This indicator is answered with a value, not a level.")})


class Evidence(models.Model):
    """A file (in private storage) or a cited document backing an answer."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("answer")
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="evidence/%Y/%m/", blank=True, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    citation = models.CharField(
        _("cited document"),
        max_length=500,
        blank=True,
        help_text=_("Title, reference or location of a document."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("added at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(citation=""), name="evidence_file_or_citation"),
        ]

    def __str__(self):
        return self.original_name or self.citation


class Comment(models.Model):
    class Kind(models.TextChoices):
        QUERY = "query", _("Query")
        NOTE = "note", _("Note")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="comments", verbose_name=_("assessment")
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("answer"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind, default=Kind.QUERY)
    body = models.TextField(_("text"), max_length=5000)
    resolved = models.BooleanField(_("resolved"), default=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:60]


class NationalGoal(models.Model):
    """A national resilience goal under a NATO-wide objective. Goals and plans belong to an
    assessment (a nation in a cycle) so that a submission freezes them with the scores; the
    next cycle starts from a copy, which keeps them living records."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        ACHIEVED = "achieved", _("Achieved")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="goals", verbose_name=_("assessment")
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="goals", verbose_name=_("objective")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ON_TRACK)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective__requirement__number", "objective__code", "title"]
        verbose_name = _("national goal")
        verbose_name_plural = _("national goals")

    def __str__(self):
        return self.title


class ImplementationPlan(models.Model):
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="plan", verbose_name=_("assessment")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, max_length=10000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")

    def __str__(self):
        return self.title


class PlanAction(models.Model):
    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PRIVATE = "private", _("Private sector")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        MILITARY = "military", _("Military")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DELAYED = "delayed", _("Delayed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        ImplementationPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    lead_organisation = models.CharField(_("lead organisation"), max_length=200)
    sector = models.CharField(_("sector"), max_length=14, choices=Sector)
    start_date = models.DateField(_("start"))
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    goals = models.ManyToManyField(
        NationalGoal, blank=True, related_name="actions", verbose_name=_("goals served")
    )
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="action_due_after_start"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_0_to_100"),
            models.CheckConstraint(condition=~Q(status="done") | Q(progress=100), name="action_done_is_100"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date must be on or after the start date.")
        if self.status == self.Status.DONE and self.progress != 100:
            # xgettext:no-python-format (a plain percent sign, not a placeholder)
            errors["progress"] = _("An action that is done is 100% complete.")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.due_date < today and self.status not in (
            self.Status.DONE,
            self.Status.CANCELLED,
        )


def _is_requirement_number(key) -> bool:
    return str(key) in {"1", "2", "3", "4", "5", "6", "7"}


def _is_score(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= 100


class Scenario(models.Model):
    """A saved stress test ("what if"): some requirements set to a degraded own score, checked
    against a level. It never touches answers; the effective scores are computed when shown.

    `overrides` maps requirement numbers (as JSON string keys, "2") to scores 0–100: numbers, not
    rows, like contributors' requirements. Shared scenarios are the nation's (seen by the nation
    and by reviewers once submitted); reviewers' scenarios are NATO staff analysis, seen by
    reviewers only, like their notes."""

    class Visibility(models.TextChoices):
        SHARED = "shared", _("Nation and reviewers")
        REVIEWERS = "reviewers", _("Reviewers only")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scenarios", verbose_name=_("assessment")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=2000,
        help_text=_("For example: energy at level 1 for 72 hours after a grid failure."),
    )
    overrides = models.JSONField(_("scores in the scenario"), default=dict)
    level = models.DecimalField(
        _("level to check against"),
        max_digits=2,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_LEVEL)],
    )
    include_in_report = models.BooleanField(_("include in the national report"), default=False)
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility, default=Visibility.SHARED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "name"]
        verbose_name = _("stress scenario")
        verbose_name_plural = _("stress scenarios")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "visibility", "name"], name="scenario_name_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=MAX_LEVEL), name="scenario_level_0_to_5"
            ),
            models.CheckConstraint(
                condition=Q(visibility="shared") | Q(include_in_report=False),
                name="scenario_report_only_shared",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        overrides = self.overrides
        valid = isinstance(overrides, dict) and bool(overrides)
        if valid:
            valid = all(_is_requirement_number(k) and _is_score(v) for k, v in overrides.items())
        if not valid:
            raise ValidationError(
                {"overrides": _("Set at least one requirement (1 to 7) to a score from 0 to 100.")}
            )

    def override_numbers(self) -> dict[int, float]:
        """The scenario's scores by requirement number."""
        return {int(k): float(v) for k, v in self.overrides.items()}
