"""The navigation's unread-reminder count, on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from evaluations.models import Reminder


def inbox(request: HttpRequest) -> dict:
    """One COUNT on the partial index `reminder_unread`, and only when the navigation shows
    the inbox (a person with one): lazy, so a page that never renders it pays nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": SimpleLazyObject(
            lambda: Reminder.objects.received_by(user).unread().count()
        )
    }
