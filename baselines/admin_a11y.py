"""Accessible names for the Django admin's tabular inlines.

A tabular inline names its columns in the table head only, so each input has no label of its own:
screen readers announce "edit text" and axe-core reports a critical `label` violation. Every visible
input gets an aria-label naming the row and the field instead, e.g. "Level 3: Text (French)"."""

from django.contrib import admin
from django.utils.translation import gettext


class LabelledTabularInline(admin.TabularInline):
    def row_label(self, obj) -> str:
        """How the row is named in its inputs' labels; an inline may say it better than str(obj)."""
        return str(obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline = self

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                instance = form.instance
                if instance is not None and instance.pk:
                    row = inline.row_label(instance)
                elif index is None:
                    row = gettext("New row")
                else:
                    row = gettext("New row %(number)s") % {"number": index + 1}
                for field in form.fields.values():
                    if not field.widget.is_hidden:
                        label = gettext("%(row)s: %(field)s") % {"row": row, "field": field.label}
                        field.widget.attrs.setdefault("aria-label", label)

        return LabelledFormSet
