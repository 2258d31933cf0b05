"""What is assessed: versioned frameworks of the seven baseline requirements.

A published framework is frozen. Every part of it (requirement, indicator, descriptor, objective,
dependency) refuses to be saved or deleted once its framework is no longer a draft, so past
assessments keep the exact questions they answered. Revising means copying as a new draft.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_LEVEL = 5
LEVELS = range(0, MAX_LEVEL + 1)


class Translated:
    """`obj.tr("title")` gives the French field when French is active and it is filled in."""

    def tr(self, field):
        if (get_language() or "").startswith("fr"):
            value = getattr(self, f"{field}_fr", "")
            if value:
                return value
        return getattr(self, field)


def translated(field):
    """A read-only property giving `field` in the active language, for templates."""
    return property(lambda self: self.tr(field))


class Framework(Translated, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        verbose_name=_("based on"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()
    t_description = translated("description")

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_name_version_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="framework_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.get_status_display()})"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def save(self, *args, **kwargs):
        if self.pk:
            stored = (
                Framework.objects.filter(pk=self.pk)
                .values("status", "name", "version", "description", "description_fr")
                .first()
            )
            if stored and stored["status"] != self.Status.DRAFT:
                changed = [
                    f
                    for f in ("name", "version", "description", "description_fr")
                    if stored[f] != getattr(self, f)
                ]
                # A published framework may only be retired; its content never changes.
                if changed or (self.status != stored["status"] and self.status != self.Status.RETIRED):
                    raise ValidationError(
                        _("%(framework)s is %(status)s and cannot be changed; copy it as a new draft.")
                        % {"framework": self.name, "status": stored["status"]}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise ValidationError(_("Only a draft framework can be deleted."))
        return super().delete(*args, **kwargs)

    def publish_problems(self):
        """What stops this framework from being published, as sentences a maintainer can act on."""
        problems = []
        requirements = list(self.requirements.prefetch_related("indicators__levels", "objectives"))
        numbers = sorted(r.number for r in requirements)
        if numbers != list(range(1, 8)):
            problems.append(_("The framework must have the seven requirements BLR-1 to BLR-7."))
        for requirement in requirements:
            indicators = list(requirement.indicators.all())
            if not indicators:
                problems.append(_("%(code)s has no indicators.") % {"code": requirement.code})
            if not list(requirement.objectives.all()):
                problems.append(_("%(code)s has no objective.") % {"code": requirement.code})
            for indicator in indicators:
                problems.extend(indicator.completeness_problems())
        return problems


class FrameworkPart(models.Model):
    """A piece of a framework: frozen once the framework is published."""

    class Meta:
        abstract = True

    def get_framework(self):
        raise NotImplementedError

    def _check_editable(self):
        framework = self.get_framework()
        if framework is not None and not framework.is_draft:
            raise ValidationError(
                _(
                    "%(framework)s is %(status)s: its content cannot be changed. "
                    "Copy it as a new draft to revise it."
                )
                % {"framework": framework.name, "status": framework.get_status_display()}
            )

    def save(self, *args, **kwargs):
        self._check_editable()
        if self.pk:
            # Moving a part out of a published framework would change that framework too.
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None:
                stored._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable()
        return super().delete(*args, **kwargs)


class Requirement(Translated, FrameworkPart):
    class CoreFunction(models.TextChoices):
        CONTINUITY_OF_GOVERNMENT = "continuity_of_government", _("Continuity of government")
        ESSENTIAL_SERVICES = "essential_services", _("Continuity of essential services")
        CIVIL_SUPPORT_TO_MILITARY = "civil_support_to_military", _("Civil support to the military")

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("framework"),
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example BLR-2."))
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    core_function = models.CharField(_("core function"), max_length=40, choices=CoreFunction)
    history = HistoricalRecords()
    t_title = translated("title")
    t_summary = translated("summary")

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="requirement_number_unique"),
            models.UniqueConstraint(fields=["framework", "code"], name="requirement_code_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=7), name="requirement_number_1_to_7"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_framework(self):
        return self.framework


class Indicator(Translated, FrameworkPart):
    class Kind(models.TextChoices):
        MATURITY = "maturity", _("Maturity level (0–5)")
        QUANTITATIVE = "quantitative", _("Quantitative value")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("requirement"),
    )
    # Denormalised from the requirement so that codes can be unique within a framework.
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="indicators", editable=False
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example BLR-2.3."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.TextField(_("question"))
    question_fr = models.TextField(_("question (French)"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    guidance_fr = models.TextField(_("guidance (French)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.MATURITY)
    evidence_from_level = models.PositiveSmallIntegerField(
        _("evidence required from level"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LEVEL)],
        help_text=_("At and above this level an answer must cite or attach evidence."),
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    unit_fr = models.CharField(_("unit (French)"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction, blank=True)
    threshold = models.FloatField(_("threshold (scores 0)"), null=True, blank=True)
    target = models.FloatField(_("target (scores 100)"), null=True, blank=True)
    history = HistoricalRecords()
    t_question = translated("question")
    t_guidance = translated("guidance")
    t_unit = translated("unit")

    class Meta:
        ordering = ["requirement__number", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(
                condition=Q(evidence_from_level__isnull=True) | Q(evidence_from_level__lte=MAX_LEVEL),
                name="indicator_evidence_level_0_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.question[:60]}"

    def get_framework(self):
        return self.requirement.framework

    @property
    def is_maturity(self):
        return self.kind == self.Kind.MATURITY

    def clean(self):
        if self.kind != self.Kind.QUANTITATIVE or self.threshold is None or self.target is None:
            return
        if self.threshold == self.target:
            raise ValidationError(_("Threshold and target must differ."))
        if self.direction == self.Direction.HIGHER and self.target < self.threshold:
            raise ValidationError(_("Higher is better: the target must be above the threshold."))
        if self.direction == self.Direction.LOWER and self.target > self.threshold:
            raise ValidationError(_("Lower is better: the target must be below the threshold."))

    def save(self, *args, **kwargs):
        self.framework_id = self.requirement.framework_id
        super().save(*args, **kwargs)

    def completeness_problems(self):
        """Why this indicator cannot be published yet (empty when it can)."""
        problems = []
        if self.kind == self.Kind.MATURITY:
            levels = {d.level for d in self.levels.all() if d.text.strip()}
            missing = [str(level) for level in LEVELS if level not in levels]
            if missing:
                problems.append(
                    _("%(code)s lacks a descriptor for level(s) %(levels)s.")
                    % {"code": self.code, "levels": ", ".join(missing)}
                )
        else:
            if not self.unit:
                problems.append(_("%(code)s has no unit.") % {"code": self.code})
            if not self.direction:
                problems.append(_("%(code)s has no direction.") % {"code": self.code})
            if self.threshold is None:
                problems.append(_("%(code)s has no threshold.") % {"code": self.code})
            if self.target is None:
                problems.append(_("%(code)s has no target.") % {"code": self.code})
            try:
                self.clean()
            except ValidationError as error:
                problems.extend(f"{self.code}: {m}" for m in error.messages)
        return problems


class LevelDescriptor(Translated, FrameworkPart):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="levels", verbose_name=_("indicator")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(MAX_LEVEL)])
    text = models.TextField(_("descriptor"))
    text_fr = models.TextField(_("descriptor (French)"), blank=True)
    history = HistoricalRecords()
    t_text = translated("text")

    class Meta:
        ordering = ["indicator", "level"]
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="descriptor_level_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=MAX_LEVEL), name="descriptor_level_0_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.level}: {self.text[:60]}"

    def get_framework(self):
        return self.indicator.requirement.framework


class Objective(Translated, FrameworkPart):
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("requirement"),
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    history = HistoricalRecords()
    t_title = translated("title")
    t_description = translated("description")

    class Meta:
        ordering = ["requirement__number", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "code"], name="objective_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_framework(self):
        return self.requirement.framework


class Dependency(Translated, FrameworkPart):
    """`requirement` depends on `depends_on` with a strength from 0 (not at all) to 1 (entirely)."""

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="dependencies",
        verbose_name=_("framework"),
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="dependencies",
        verbose_name=_("requirement"),
    )
    depends_on = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="dependents",
        verbose_name=_("depends on"),
    )
    strength = models.DecimalField(
        _("strength"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reason_fr = models.CharField(_("reason (French)"), max_length=300, blank=True)
    history = HistoricalRecords()
    t_reason = translated("reason")

    class Meta:
        ordering = ["requirement__number", "depends_on__number"]
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "requirement", "depends_on"], name="dependency_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=0, strength__lte=1), name="dependency_strength_0_to_1"
            ),
            models.CheckConstraint(
                condition=~Q(requirement=models.F("depends_on")), name="dependency_not_on_itself"
            ),
        ]

    def __str__(self):
        return f"{self.requirement.code} → {self.depends_on.code} ({self.strength})"

    def get_framework(self):
        return self.framework

    def clean(self):
        ids = [i for i in (self.requirement_id, self.depends_on_id) if i]
        if self.framework_id and ids:
            outside = Requirement.objects.filter(pk__in=ids).exclude(framework_id=self.framework_id)
            if outside.exists():
                raise ValidationError(_("Both requirements must belong to this framework."))
