from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        error_messages={"required": _("Enter the code."), "max_length": _("That is not a valid code.")},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isalnum():
            raise forms.ValidationError(_("That is not a valid code."))
        return token
