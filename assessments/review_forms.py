"""Forms of the reviewer workspace and of comment threads. Filters are GET forms: a bad value
gets a message next to its field and is ignored, never a server error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .comparisons import INBOX_SORTS, INBOX_STATUSES, MAX_SIDE, MIN_SIDE
from .models import Assessment, Comment

SELECT = {"class": "form-select"}
MAX_BODY = 5000


def cycle_choices(cycles):
    return [(str(c.pk), c.name) for c in cycles]


def nation_choices(nations, blank_label):
    return [("", blank_label), *((n.code, f"{n.t_name} ({n.code})") for n in nations)]


class InboxFilterForm(forms.Form):
    cycle = forms.ChoiceField(label=_("Cycle"), required=False, widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select(attrs=SELECT))
    nation = forms.ChoiceField(label=_("Nation"), required=False, widget=forms.Select(attrs=SELECT))
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=forms.Select(attrs=SELECT))
    dir = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("desc", _("Descending")), ("asc", _("Ascending"))],
        widget=forms.Select(attrs=SELECT),
    )

    SORT_LABELS = {
        "submitted": _("Submitted date"),
        "nation": _("Nation"),
        "cycle": _("Cycle"),
        "status": _("Status"),
    }

    def __init__(self, *args, cycles, nations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("Any cycle")), *cycle_choices(cycles)]
        labels = dict(Assessment.Status.choices)
        self.fields["status"].choices = [("", _("Any status"))] + [(s, labels[s]) for s in INBOX_STATUSES]
        self.fields["nation"].choices = nation_choices(nations, _("Any nation"))
        self.fields["sort"].choices = [(key, self.SORT_LABELS[key]) for key in INBOX_SORTS]

    def value(self, name, default=""):
        """The cleaned value of a field, or `default` when it was missing or invalid."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning (the nation sees it)"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Give the nation a reason for returning the assessment.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the nation a reason for returning the assessment."))
        return reason


class CommentForm(forms.Form):
    """A new thread by a reviewer: a query the nation sees and answers, or a note for reviewers."""

    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Write a message first.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Comment.Kind.QUERY, _("Query to the nation")),
            (Comment.Kind.NOTE, _("Note for reviewers only")),
        ],
        initial=Comment.Kind.QUERY,
        widget=forms.Select(attrs=SELECT),
    )
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Write a reply first.")},
    )


class CompareForm(forms.Form):
    """The choices of the compare pages; which fields a page uses depends on the page."""

    cycle = forms.ChoiceField(label=_("Cycle"), required=False, widget=forms.Select(attrs=SELECT))
    level = forms.TypedChoiceField(
        label=_("Level for the share"),
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=3,
        widget=forms.Select(attrs=SELECT),
    )
    nation = forms.ChoiceField(label=_("Nation"), required=False, widget=forms.Select(attrs=SELECT))
    old = forms.ChoiceField(label=_("From cycle"), required=False, widget=forms.Select(attrs=SELECT))
    new = forms.ChoiceField(label=_("To cycle"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, cycles, nations, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("cycle", "old", "new"):
            self.fields[name].choices = cycle_choices(cycles)
        self.fields["nation"].choices = nation_choices(nations, _("Choose a nation"))
        for index in range(1, MAX_SIDE + 1):
            self.fields[f"nation_{index}"] = forms.ChoiceField(
                label=_("Nation %(n)s") % {"n": index},
                required=False,
                choices=nation_choices(nations, _("None") if index > MIN_SIDE else _("Choose a nation")),
                widget=forms.Select(attrs=SELECT),
            )

    def side_codes(self) -> list[str]:
        return [
            self.cleaned_data[f"nation_{i}"]
            for i in range(1, MAX_SIDE + 1)
            if self.cleaned_data.get(f"nation_{i}")
        ]

    def clean(self):
        data = super().clean()
        codes = [data.get(f"nation_{i}") for i in range(1, MAX_SIDE + 1) if data.get(f"nation_{i}")]
        if len(codes) != len(set(codes)):
            self.add_error("nation_2", _("Choose different nations."))
        return data
