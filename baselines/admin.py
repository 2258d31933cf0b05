"""The framework maintainers' workplace. A published framework is shown read-only: its parts refuse
change permission, and the model refuses any save that slips past."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_a11y import LabelledTabularInline
from .models import Dependency, Framework, Indicator, LevelDescriptor, Objective, Requirement


def _framework_of(obj):
    return obj if isinstance(obj, Framework) else obj.get_framework()


class FrozenWhenPublished:
    """Change, add-inline and delete only while the object's framework is a draft."""

    def _editable(self, obj):
        return obj is None or _framework_of(obj).is_draft

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def has_add_permission(self, request, obj=None):
        # For inlines `obj` is the parent being edited.
        if obj is not None and not self._editable(obj):
            return False
        return super().has_add_permission(request, *([obj] if self._is_inline() else []))

    def _is_inline(self):
        return isinstance(self, admin.options.InlineModelAdmin)

    def get_actions(self, request):
        # The bulk delete bypasses the model's guard; deleting goes through each object's page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class DraftFrameworkChoices:
    """Foreign keys to frameworks or requirements offer drafts only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Framework:
            kwargs["queryset"] = Framework.objects.filter(status=Framework.Status.DRAFT)
        elif db_field.related_model is Requirement:
            kwargs["queryset"] = Requirement.objects.filter(
                framework__status=Framework.Status.DRAFT
            ).select_related("framework")
        elif db_field.related_model is Indicator:
            kwargs["queryset"] = Indicator.objects.filter(framework__status=Framework.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequirementInline(FrozenWhenPublished, LabelledTabularInline):
    model = Requirement
    fields = ("number", "code", "title", "core_function")
    extra = 0
    show_change_link = True


class DependencyInline(FrozenWhenPublished, DraftFrameworkChoices, LabelledTabularInline):
    model = Dependency
    fk_name = "framework"
    fields = ("requirement", "depends_on", "strength", "reason", "reason_fr")
    extra = 0


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Framework JSON file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.FRAMEWORK_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(n)s bytes.") % {"n": settings.FRAMEWORK_IMPORT_MAX_BYTES}
            )
        raw = upload.read()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None


def _band(strength: Decimal | None) -> str | None:
    if strength is None:
        return None
    return "weak" if strength < Decimal("0.4") else "medium" if strength < Decimal("0.7") else "strong"


def dependency_grid(framework) -> dict:
    """Template context for the matrix: a row per requirement (the dependent), a cell per
    requirement it may depend on, with the strength and a band (weak, medium, strong)."""
    requirements = list(framework.requirements.order_by("number"))
    strengths = {
        (d.requirement_id, d.depends_on_id): d for d in Dependency.objects.filter(framework=framework)
    }
    rows = []
    for requirement in requirements:
        cells = []
        for other in requirements:
            dependency = strengths.get((requirement.pk, other.pk))
            strength = None if dependency is None else dependency.strength
            cells.append(
                {
                    "self": requirement.pk == other.pk,
                    "strength": strength,
                    "band": _band(strength),
                    "reason": "" if dependency is None else dependency.reason,
                }
            )
        rows.append((requirement, cells))
    return {"requirements": requirements, "rows": rows, "count": len(strengths)}


@admin.register(Framework)
class FrameworkAdmin(FrozenWhenPublished, SimpleHistoryAdmin):
    list_display = ("name", "version", "status", "published_at", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "description")
    readonly_fields = ("status", "published_at", "based_on", "created_at", "dependency_matrix")
    fields = (
        "name",
        "version",
        "description",
        "description_fr",
        "status",
        "published_at",
        "based_on",
        "created_at",
        "dependency_matrix",
    )
    inlines = [RequirementInline, DependencyInline]
    actions = ["copy_as_draft", "publish", "retire", "export_json"]
    change_list_template = "admin/baselines/framework/change_list.html"

    class Media:
        css = {"all": ["css/admin_dependency_matrix.css"]}

    @admin.display(description=gettext_lazy("Dependency matrix"))
    def dependency_matrix(self, obj):
        """The dependencies as a read-only grid (two queries)."""
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string("admin/baselines/framework/dependency_matrix.html", dependency_grid(obj))

    @admin.action(description=gettext_lazy("Copy as new draft"))
    def copy_as_draft(self, request, queryset):
        for framework in queryset:
            copy = services.framework_copy(framework=framework, by=request.user)
            self.message_user(request, _("Created %(copy)s.") % {"copy": copy}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publish"))
    def publish(self, request, queryset):
        for framework in queryset:
            try:
                framework = services.framework_publish(framework=framework, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(framework)s was not published: %(problems)s")
                    % {"framework": framework, "problems": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("Published %(framework)s.") % {"framework": framework},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Retire"))
    def retire(self, request, queryset):
        for framework in queryset:
            try:
                services.framework_retire(framework=framework, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=gettext_lazy("Export as JSON"))
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one framework to export."), messages.ERROR)
            return None
        framework = queryset.get()
        response = HttpResponse(
            services.framework_export_json(framework=framework),
            content_type="application/json; charset=utf-8",
        )
        filename = f"{slugify(framework.name)}-v{framework.version}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="baselines_framework_import",
            ),
        ] + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                framework = services.framework_import_json(text=form.cleaned_data["file"], by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                self.message_user(
                    request, _("Imported %(f)s as a draft.") % {"f": framework}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:baselines_framework_change", args=[framework.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import a framework"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/baselines/framework/import.html", context)


class IndicatorInline(FrozenWhenPublished, LabelledTabularInline):
    model = Indicator
    fields = ("code", "order", "kind", "question", "weight")
    extra = 0
    show_change_link = True


class ObjectiveInline(FrozenWhenPublished, admin.StackedInline):
    model = Objective
    fields = ("code", "title", "title_fr", "description", "description_fr")
    extra = 0


@admin.register(Requirement)
class RequirementAdmin(FrozenWhenPublished, DraftFrameworkChoices, SimpleHistoryAdmin):
    list_display = ("code", "title", "framework", "core_function")
    list_filter = ("framework", "core_function")
    search_fields = ("code", "title", "title_fr", "summary")
    inlines = [IndicatorInline, ObjectiveInline]
    list_select_related = ("framework",)


class LevelDescriptorInline(FrozenWhenPublished, LabelledTabularInline):
    model = LevelDescriptor
    fields = ("level", "text", "text_fr")
    extra = 0
    max_num = 6

    def row_label(self, obj):
        return _("Level %(level)s") % {"level": obj.level}


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenPublished, DraftFrameworkChoices, SimpleHistoryAdmin):
    list_display = ("code", "requirement", "kind", "weight", "evidence_from_level")
    list_filter = ("framework", "kind", "requirement__number")
    search_fields = ("code", "question", "question_fr", "guidance")
    list_select_related = ("requirement", "framework")
    inlines = [LevelDescriptorInline]
    fieldsets = (
        (None, {"fields": ("requirement", "code", "order", "kind", "weight")}),
        (
            gettext_lazy("Question"),
            {"fields": ("question", "question_fr", "guidance", "guidance_fr")},
        ),
        (gettext_lazy("Maturity"), {"fields": ("evidence_from_level",)}),
        (
            gettext_lazy("Quantitative"),
            {"fields": ("unit", "unit_fr", "direction", "threshold", "target")},
        ),
    )

    def get_inline_instances(self, request, obj=None):
        if obj is not None and not obj.is_maturity:
            return []
        return super().get_inline_instances(request, obj)


@admin.register(LevelDescriptor)
class LevelDescriptorAdmin(FrozenWhenPublished, DraftFrameworkChoices, SimpleHistoryAdmin):
    list_display = ("indicator", "level", "text")
    list_filter = ("indicator__framework", "level")
    search_fields = ("indicator__code", "text", "text_fr")
    list_select_related = ("indicator",)


@admin.register(Objective)
class ObjectiveAdmin(FrozenWhenPublished, DraftFrameworkChoices, SimpleHistoryAdmin):
    list_display = ("code", "title", "requirement")
    list_filter = ("requirement__framework",)
    search_fields = ("code", "title", "title_fr")
    list_select_related = ("requirement",)


@admin.register(Dependency)
class DependencyAdmin(FrozenWhenPublished, DraftFrameworkChoices, SimpleHistoryAdmin):
    list_display = ("requirement", "depends_on", "strength", "reason", "framework")
    list_filter = ("framework",)
    search_fields = ("requirement__code", "depends_on__code", "reason")
    list_select_related = ("requirement", "depends_on", "framework")
