"""What core keeps in the database: the offline sends already answered (core/offline.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineSend(models.Model):
    """A form sent with an idempotency key, and what it made: a second send with the same
    key (an answer lost on the way, a draft sent again by the phone) gets the first one's
    answer, and saves nothing again.

    One table for every form rather than a key column on each model: two of the three
    offline forms change a row rather than create one (a goal's progress, an evaluation's
    draft), and a key on the changed row would keep only its latest send. The primary key
    is the key itself, so the database refuses a twin even when both arrive at once.
    """

    key = models.UUIDField(_("idempotency key"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What the send saved ("programs.session", 42) and the page that shows it.
    object_type = models.CharField(_("saved object type"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("saved object id"), null=True, blank=True)
    location = models.CharField(_("shown at"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("offline send")
        verbose_name_plural = _("offline sends")

    def __str__(self) -> str:
        return f"{self.key} → {self.object_type}:{self.object_id}"
