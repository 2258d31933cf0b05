from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from baselines.admin_a11y import LabelledTabularInline
from baselines.models import Framework

from . import services
from .models import (
    Answer,
    Assessment,
    Comment,
    Cycle,
    Evidence,
    ImplementationPlan,
    Membership,
    Nation,
    NationalGoal,
    PlanAction,
    Submission,
)

REQUIREMENT_CHOICES = [(n, f"BLR-{n}") for n in range(1, 8)]


@admin.register(Nation)
class NationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "accession_year")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_fr")


class MembershipForm(forms.ModelForm):
    requirement_numbers = forms.TypedMultipleChoiceField(
        label=_("Requirements held (contributors)"),
        choices=REQUIREMENT_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Membership
        fields = ("user", "nation", "role", "requirement_numbers")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "nation", "requirement_numbers")
    list_filter = ("role", "nation")
    search_fields = ("user__username", "nation__name", "nation__code")
    list_select_related = ("user", "nation")
    autocomplete_fields = ("user", "nation")


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ("name", "framework", "opens_on", "due_on", "closes_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(status=Framework.Status.PUBLISHED)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    form = CycleForm
    list_display = ("name", "framework", "opens_on", "due_on", "closes_on")
    list_select_related = ("framework",)
    search_fields = ("name",)
    actions = ["open_for_allies"]

    @admin.action(description=_("Open a draft assessment for every Ally"))
    def open_for_allies(self, request, queryset):
        for cycle in queryset:
            created = services.assessments_open_for_allies(cycle=cycle, by=request.user)
            self.message_user(
                request,
                _("%(cycle)s: %(n)s assessments opened.") % {"cycle": cycle.name, "n": created},
                messages.SUCCESS,
            )


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("nation", "cycle", "status", "submitted_at", "decided_at")
    list_filter = ("status", "cycle")
    search_fields = ("nation__name", "nation__code")
    list_select_related = ("nation", "cycle")
    # Status changes go through the workflow (submit, return, accept), which keeps the record.
    readonly_fields = (
        "nation",
        "cycle",
        "status",
        "return_reason",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
    )


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("assessment", "number", "submitted_at", "submitted_by", "sha256")
    list_filter = ("assessment__cycle",)
    search_fields = ("assessment__nation__name", "sha256")
    list_select_related = ("assessment__nation", "assessment__cycle", "submitted_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ("assessment", "indicator", "level", "value", "confidence", "updated_at")
    list_filter = ("assessment__cycle", "assessment__nation")
    search_fields = ("indicator__code", "justification")
    list_select_related = ("assessment__nation", "assessment__cycle", "indicator")
    readonly_fields = (
        "assessment",
        "indicator",
        "level",
        "value",
        "justification",
        "confidence",
        "updated_by",
        "updated_at",
        "version",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "answer", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "citation")
    list_select_related = ("answer__assessment__nation", "answer__indicator", "uploaded_by")
    readonly_fields = (
        "answer",
        "file",
        "original_name",
        "content_type",
        "size",
        "citation",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "assessment", "kind", "author", "resolved", "created_at")
    list_filter = ("kind", "resolved")
    search_fields = ("body",)
    list_select_related = ("assessment__nation", "assessment__cycle", "author")


@admin.register(NationalGoal)
class NationalGoalAdmin(SimpleHistoryAdmin):
    list_display = ("title", "assessment", "objective", "status", "target_date")
    list_filter = ("status",)
    search_fields = ("title",)
    list_select_related = ("assessment__nation", "assessment__cycle", "objective")


class PlanActionInline(LabelledTabularInline):
    model = PlanAction
    fields = (
        "title",
        "lead_organisation",
        "sector",
        "start_date",
        "due_date",
        "status",
        "progress",
    )
    extra = 0


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "assessment")
    search_fields = ("title",)
    inlines = [PlanActionInline]
    list_select_related = ("assessment__nation", "assessment__cycle")


@admin.register(PlanAction)
class PlanActionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "plan", "sector", "status", "progress", "due_date")
    list_filter = ("sector", "status")
    search_fields = ("title", "lead_organisation")
    list_select_related = ("plan",)
