"""Forms of the planner pages. They validate and present; writes go through `services`."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baselines.models import LEVELS, Objective

from . import services, uploads
from .models import Answer, ImplementationPlan, NationalGoal, PlanAction

# Values beyond this are typing mistakes, not measurements.
VALUE_LIMIT = 1e12
ID = re.compile(r"[0-9]{1,18}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _helper() -> FormHelper:
    """Crispy renders the fields; the page owns the <form> tag, the CSRF token and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def plain_number(value) -> str:
    """30.0 as '30', 12.5 as '12.5', in the active locale's format."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return number_format(value)


def level_label(indicator, level: int, descriptors: dict) -> str:
    descriptor = descriptors.get(level)
    text = descriptor.t_text if descriptor else ""
    return _("Level %(level)s — %(text)s") % {"level": level, "text": text}


def answer_display(indicator, level, value, descriptors: dict | None = None) -> str:
    """An answer's level or value as a sentence, e.g. 'Level 3 — Plans are exercised' or '42 days'."""
    if indicator.is_maturity:
        if level is None:
            return _("Not answered")
        descriptors = descriptors if descriptors is not None else {d.level: d for d in indicator.levels.all()}
        return level_label(indicator, level, descriptors)
    if value is None:
        return _("Not answered")
    return f"{plain_number(value)} {indicator.t_unit}".strip()


class AnswerForm(forms.Form):
    """One indicator's answer on the requirement page. Several live in one <form>, each with the
    prefix `a<answer id>`; the hidden version is the one loaded with the page."""

    justification = forms.CharField(
        label=gettext_lazy("Justification"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why this level or value: sources, exercises, gaps."),
    )
    confidence = forms.ChoiceField(
        label=gettext_lazy("Confidence"),
        required=False,
        choices=[("", gettext_lazy("Not stated")), *Answer.Confidence.choices],
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, answer: Answer, **kwargs):
        self.answer = answer
        self.indicator = indicator = answer.indicator
        self.descriptors = {d.level: d for d in indicator.levels.all()}
        self.conflict: Answer | None = None
        kwargs.setdefault("prefix", f"a{answer.pk}")
        kwargs["initial"] = {
            "level": answer.level,
            "value": answer.value,
            "justification": answer.justification,
            "confidence": answer.confidence,
            "version": answer.version,
        }
        super().__init__(*args, **kwargs)
        if indicator.is_maturity:
            self.fields["level"] = forms.TypedChoiceField(
                label=_("Maturity level"),
                required=False,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                choices=[(level, level_label(indicator, level, self.descriptors)) for level in LEVELS],
            )
        else:
            self.fields["value"] = forms.FloatField(
                label=_("Value (%(unit)s)") % {"unit": indicator.t_unit},
                required=False,
                min_value=-VALUE_LIMIT,
                max_value=VALUE_LIMIT,
                widget=forms.NumberInput(attrs={"step": "any"}),
                help_text=_("Threshold %(threshold)s scores 0; target %(target)s scores 100 (%(direction)s).")
                % {
                    "threshold": plain_number(indicator.threshold),
                    "target": plain_number(indicator.target),
                    "direction": indicator.get_direction_display().lower(),
                },
            )
        self.order_fields(["level", "value", "justification", "confidence", "version"])

    # For templates/assessments/partials/answer_fields.html, which writes the fields out instead of crispy.
    def _options(self, name: str) -> list[tuple[str, str, bool]]:
        field = self[name]
        current = "" if field.value() is None else str(field.value())
        return [(str(value), label, str(value) == current) for value, label in field.field.choices]

    @property
    def level_options(self) -> list[tuple[str, str, bool]]:
        return self._options("level")

    @property
    def confidence_options(self) -> list[tuple[str, str, bool]]:
        return self._options("confidence")

    @property
    def value_text(self) -> str:
        field = self["value"]
        return field.field.widget.format_value(field.value()) or ""

    def clean_version(self):
        raw = (self.cleaned_data.get("version") or "").strip()
        if not ID.fullmatch(raw):
            raise ValidationError(_("This form is out of date: reload the page and try again."))
        return int(raw)

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            # A hidden field's error would go unseen: say it at the top of this answer.
            self.add_error(None, self.errors.pop("version"))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data.get("level"),
            "value": data.get("value"),
            "justification": (data.get("justification") or "").strip(),
            "confidence": data.get("confidence") or "",
        }

    @staticmethod
    def stored(answer) -> dict:
        return {
            "level": answer.level,
            "value": answer.value,
            "justification": answer.justification or "",
            "confidence": answer.confidence or "",
        }

    def save(self, by) -> str:
        """Save this answer if the user changed it: 'unchanged', 'saved' or 'conflict' (then
        `self.conflict` is the answer as stored now and nothing was written)."""
        values, loaded = self.values(), self.cleaned_data["version"]
        if values == self.stored(self.answer):
            return "unchanged"
        if loaded != self.answer.version:
            # Someone saved since this page was loaded; if this user left the answer as it was
            # loaded, theirs stands and there is nothing to report.
            before = self.answer.history.filter(version=loaded).order_by("-history_date").first()
            if before is not None and values == self.stored(before):
                return "unchanged"
        try:
            services.answer_save(answer=self.answer, loaded_version=loaded, by=by, **values)
        except services.ConflictError as conflict:
            self.conflict = conflict.current
            return "conflict"
        except ValidationError as error:
            self.add_error(None, error)
            return "invalid"
        return "saved"

    def conflict_values(self) -> tuple[str, str]:
        """(their answer, yours) as sentences, for the conflict message."""
        theirs = answer_display(self.indicator, self.conflict.level, self.conflict.value, self.descriptors)
        values = self.values()
        return theirs, answer_display(self.indicator, values["level"], values["value"], self.descriptors)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, image, office document or plain text."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without it crispy adds a <form> inside the page's own, and the browser drops the button's form.
        self.helper = _helper()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.info = uploads.inspect_upload(upload)
        return upload


class EvidenceCitationForm(forms.Form):
    citation = forms.CharField(
        label=gettext_lazy("Cited document"),
        max_length=500,
        help_text=gettext_lazy(
            "Title, reference or location of a document, e.g. 'National oil stocks report 2025, p. 4'."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_citation(self):
        citation = self.cleaned_data["citation"].strip()
        if not citation:
            raise ValidationError(_("Name the document."))
        return citation


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.t_title}"


class GoalForm(forms.ModelForm):
    class Meta:
        model = NationalGoal
        fields = ["objective", "title", "description", "baseline", "target", "unit", "target_date", "status"]
        field_classes = {"objective": ObjectiveChoiceField}
        widgets = {"target_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        # Objectives of this cycle's framework only: a forged id from another framework is "not
        # one of the available choices".
        self.fields["objective"].queryset = Objective.objects.filter(
            requirement__framework_id=assessment.cycle.framework_id
        ).select_related("requirement")
        for name in ("baseline", "target"):
            self.fields[name].widget.attrs["step"] = "any"
            self.fields[name].validators += [MinValueValidator(-VALUE_LIMIT), MaxValueValidator(VALUE_LIMIT)]
        self.helper = _helper()


class PlanForm(forms.ModelForm):
    class Meta:
        model = ImplementationPlan
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


def _check_ids(field, values):
    """Ids must look like ids before they reach the database: SQLite cannot even compare an
    integer beyond 64 bits, and `pk__in` does not guard against it as `pk=` does."""
    for value in values:
        if not ID.fullmatch(str(value)):
            raise ValidationError(
                field.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": value}
            )


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.objective.code} — {obj.title}"

    def _check_values(self, value):
        _check_ids(self, value)
        return super()._check_values(value)


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = [
            "title",
            "description",
            "lead_organisation",
            "sector",
            "start_date",
            "due_date",
            "status",
            "progress",
            "goals",
        ]
        field_classes = {"goals": GoalChoiceField}
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.CheckboxSelectMultiple,
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = NationalGoal.objects.filter(assessment=assessment).select_related(
            "objective"
        )
        self.fields["progress"].max_value = 100
        self.fields["progress"].help_text = _("0 to 100. An action that is done is at 100.")
        self.helper = _helper()


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that this assessment is complete and may be sent to the NATO reviewers."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm the submission.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
