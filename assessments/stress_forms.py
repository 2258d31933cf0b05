"""Forms of the stress test page: which requirements a scenario degrades and to what, the level to
check against, and (to save it) a name."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baselines.models import MAX_LEVEL

from .models import Scenario


def level_choices():
    return [("", _("Unchanged"))] + [
        (str(level), _("Level %(level)s (score %(score)s)") % {"level": level, "score": level * 20})
        for level in range(MAX_LEVEL + 1)
    ]


class StressForm(forms.Form):
    """One score field and one level field per requirement (either sets its own score in the
    scenario), and the level to check against. Fields are named `score_<n>` and `level_<n>`."""

    check_level = forms.DecimalField(
        label=gettext_lazy("Check against level"),
        min_value=0,
        max_value=MAX_LEVEL,
        max_digits=2,
        decimal_places=1,
        initial=Decimal(3),
        help_text=gettext_lazy("Requirements whose effective level falls below this one are flagged (0–5)."),
    )

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for requirement in self.requirements:
            n = requirement.number
            self.fields[f"score_{n}"] = forms.FloatField(
                label=_("Score of %(code)s in the scenario (0–100)") % {"code": requirement.code},
                required=False,
                validators=[MinValueValidator(0), MaxValueValidator(100)],
            )
            self.fields[f"level_{n}"] = forms.TypedChoiceField(
                label=_("or level of %(code)s in the scenario") % {"code": requirement.code},
                choices=level_choices(),
                coerce=int,
                empty_value=None,
                required=False,
            )

    def scenario_field_names(self) -> list[str]:
        """The fields that define a scenario (what the save form carries along)."""
        names = ["check_level"]
        for requirement in self.requirements:
            names += [f"score_{requirement.number}", f"level_{requirement.number}"]
        return names

    def clean(self):
        cleaned = super().clean()
        overrides = {}
        for requirement in self.requirements:
            n = requirement.number
            score, level = cleaned.get(f"score_{n}"), cleaned.get(f"level_{n}")
            if score is not None and level is not None:
                self.add_error(f"level_{n}", _("Give a score or a level, not both."))
            elif score is not None:
                overrides[n] = float(score)
            elif level is not None:
                overrides[n] = float(level * 20)
        if not overrides and not self.errors:
            raise forms.ValidationError(
                _("Set at least one requirement to a degraded score or level."), code="empty"
            )
        cleaned["overrides"] = overrides
        return cleaned

    @classmethod
    def data_for(cls, scenario: Scenario) -> dict:
        """The form data that reproduces a saved scenario."""
        data = {f"score_{n}": f"{score:g}" for n, score in scenario.override_numbers().items()}
        data["check_level"] = str(scenario.level)
        return data


class ScenarioSaveForm(StressForm):
    """The stress form plus what a saved scenario needs. `may_include` offers the report checkbox
    (coordinators: the national report is the nation's)."""

    name = forms.CharField(label=gettext_lazy("Scenario name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: energy at level 1 for 72 hours after a grid failure."),
    )
    include_in_report = forms.BooleanField(
        label=gettext_lazy("Include in the national report"), required=False
    )

    def __init__(self, *args, may_include: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_include:
            del self.fields["include_in_report"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the scenario a name."))
        return name
