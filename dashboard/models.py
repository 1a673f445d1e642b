"""Each user's secret calendar feed (its tables keep the names they had in `kader`), and
the big exports written in the background."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import GuardedModel, GuardedQuerySet

# The query string an export re-applies; a longer one is refused at the request.
QUERY_MAX_LENGTH = 2000

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


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


class ExportQuerySet(GuardedQuerySet):
    def visible_to(self, user) -> ExportQuerySet:
        """An export is its requester's alone: it holds rows of their scope, and nobody
        else (another coordinator, an admin, a superuser) may read it through the app."""
        if not user.is_authenticated:
            return self.none().scoped()
        return self.filter(requested_by=user).scoped()

    def expired(self, now) -> ExportQuerySet:
        return self.filter(expires_at__lte=now)


class Export(GuardedModel):
    """A big export written by a worker (dashboard/export_jobs.py), kept for a while.

    The list is rebuilt in the task from `list_name` and `query` (the request's query
    string) through the same queryset functions as the streamed export, for `requested_by`.
    A report's PDF (`file_format` "pdf", `list_name` the report's, e.g. "program_report")
    names its subject in `query` ("pk=12").
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    list_name = models.CharField(_("list"), max_length=20)
    query = models.CharField(_("filters"), max_length=QUERY_MAX_LENGTH, blank=True)
    file_format = models.CharField(
        _("format"), max_length=4, choices=Format.choices, default=Format.XLSX
    )
    language = models.CharField(_("language"), max_length=5, default="id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), db_index=True)
    notified_at = models.DateTimeField(_("requester told at"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["requested_by", "-created_at", "-id"], name="export_mine_newest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_total__isnull=True)
                | models.Q(rows_written__lte=models.F("rows_total")),
                name="export_rows_written_within_total",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.list_name}.{self.file_format} ({self.requested_by}, {self.created_at:%Y-%m-%d})"
        )

    def get_absolute_url(self) -> str:
        return reverse("dashboard:export_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.rows_written * 100 // self.rows_total)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]

    @property
    def filename(self) -> str:
        day = timezone.localdate(self.created_at)
        return f"kader-{self.list_name}-{day:%Y-%m-%d}.{self.file_format}"
