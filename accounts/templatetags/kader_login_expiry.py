"""`{% login_expiry_warning %}`: the warning before the idle timeout ends a login, with the
numbers its script needs (accounts/login_expiry.py, static/js/login_expiry.js)."""

from django import template
from django.conf import settings

from accounts.login_expiry import seconds_left, warn_seconds

register = template.Library()


@register.inclusion_tag("accounts/_login_expiry.html", takes_context=True)
def login_expiry_warning(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    left = seconds_left(request)
    return {
        "show": left is not None,
        "seconds_left": left,
        "idle_seconds": settings.SESSION_IDLE_TIMEOUT,
        "warn_seconds": warn_seconds(),
        "csrf_token": context.get("csrf_token"),
    }
