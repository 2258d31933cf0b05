from django.conf import settings

from . import permissions


def site(request):
    """What the base layout needs on every page: the marking and the user's role for navigation."""
    user = getattr(request, "user", None)
    return {
        "CLASSIFICATION_MARKING": settings.CLASSIFICATION_MARKING,
        "nav_is_reviewer": bool(user and permissions.is_reviewer(user)),
        "nav_is_national": bool(user and permissions.national_memberships(user)),
    }
