from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
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


class UsernameLengthMixin:
    """Django's login forms only hint the username's maximum length to the browser; a longer one went on
    to authentication and to django-axes' log of attempts (255 characters), which PostgreSQL refused
    with a server error. Refused here with a message instead."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length or 150
        if len(username) > limit:
            raise forms.ValidationError(
                _("A username has at most %(limit)d characters.") % {"limit": limit}, code="max_length"
            )
        return username


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass
