"""Each user's secret calendar feed (its tables keep the names they had in `kader`)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal iCalendar URL: whoever holds the token reads that user's dates.

    Kept in clear because the user must be able to see and copy it again; it grants read
    access to dates and titles only, and revoking deletes it (a regenerated one replaces it).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("secret token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last read by a calendar"), null=True, blank=True)
    # The history records who created or revoked a feed, never the secret itself.
    history = HistoricalRecords(
        excluded_fields=["token", "last_used_at"], table_name="kader_historicalcalendarfeed"
    )

    class Meta:
        db_table = "kader_calendarfeed"
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def regenerate(self) -> None:
        """A new secret: every calendar subscribed with the old URL stops getting updates."""
        self.token = new_token()
        self.save(update_fields=["token"])
