"""Small presentation helpers for the planner templates."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, else their username; a dash when there is nobody (deleted user, system)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username() or _("unknown")
