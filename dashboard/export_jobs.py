"""Big exports, written by a worker: asked for, built, announced, and deleted when expired.

An XLSX of more than `KADER_EXPORT_BACKGROUND_ROWS` rows would take longer than a request
may (about 12 s per 100,000 rows), so the request records an `Export` and answers at once
with its page; a Celery task rebuilds the list for the person who asked (their
`visible_to`, their filters, the scope guard on as in a request), writes the workbook in
constant memory with its progress, keeps it in private storage for `KADER_EXPORT_KEEP_HOURS`
and e-mails them; beat deletes expired files and rows in bounded chunks.

The "ready" e-mail is sent here, not through the reminder outbox (evaluations.Reminder):
an outbox row names an evaluation, action item, agreement or pair, and evaluations may not
know of the dashboard's exports (the layers point down). Its once-only claim is the same
idea: `notified_at` is set by a conditional UPDATE before the message goes out.

A big report's PDF goes the same way (dashboard/reports.py, `REPORTS`): the same row, page,
e-mail, owner and expiry; the task draws the report for the person who asked, through their
`visible_to`, as their own request would.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import tempfile
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError

from accounts.roles import User
from core.emails import templated_email
from core.scoping import guarding
from dashboard import exports
from dashboard.exports import (
    LISTS,
    ExportList,
    headers_of,
    request_for,
    table_rows,
    write_csv,
    write_xlsx,
)
from dashboard.models import QUERY_MAX_LENGTH, Export

log = logging.getLogger(__name__)


UNFINISHED = (Export.Status.QUEUED, Export.Status.RUNNING)


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.KADER_EXPORT_KEEP_HOURS)


# --- asking ----------------------------------------------------------------------------


def export_request(
    request: HttpRequest, spec: ExportList, fmt: str = Export.Format.XLSX
) -> HttpResponse:
    """Record the export, queue it after the commit and show its page."""
    query = request.GET.urlencode()
    if len(query) > QUERY_MAX_LENGTH:
        return HttpResponseBadRequest(_("These filters are too long to export. Use fewer."))
    return export_ask(request, list_name=spec.name, query=query, file_format=fmt)


def export_ask(
    request: HttpRequest, *, list_name: str, query: str, file_format: str
) -> HttpResponse:
    """The export's page: the one already under way for the same list (or report), format
    and filters (a second click), else a new one, queued."""
    running = (
        Export.objects.visible_to(request.user)
        .filter(list_name=list_name, query=query, file_format=file_format, status__in=UNFINISHED)
        .first()
    )
    if running is not None:
        return redirect(running)
    export = export_create(
        user=request.user,
        list_name=list_name,
        query=query,
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return redirect(export)


def export_create(
    *,
    user: User,
    list_name: str,
    query: str,
    language: str,
    file_format: str = Export.Format.XLSX,
) -> Export:
    now = timezone.now()
    export = Export.objects.create(
        requested_by=user,
        list_name=list_name,
        query=query,
        file_format=file_format,
        language=language,
        created_at=now,
        expires_at=now + keep_for(),
    )
    transaction.on_commit(lambda: export_enqueue(export_id=export.pk))
    return export


def export_enqueue(*, export_id: int) -> None:
    from dashboard.tasks import build_export

    try:
        build_export.delay(export_id)
    except (BrokerError, OSError) as exc:
        # No broker: the page says so at once rather than waiting forever.
        log.warning("export %s: could not be queued: %s", export_id, exc)
        Export.objects.unscoped().filter(pk=export_id, status=Export.Status.QUEUED).update(
            status=Export.Status.FAILED,
            error="The export could not be started.",
            finished_at=timezone.now(),
        )


# --- building --------------------------------------------------------------------------


def export_build(*, export_id: int) -> None:
    """Write the export's file for the person who asked; safe to run again (a worker
    killed mid-way hands the message back: the file is written anew from the first row)."""
    # unscoped: the worker acts for the system until it knows whose export this is.
    started = (
        Export.objects.unscoped()
        .filter(pk=export_id, status__in=[Export.Status.QUEUED, Export.Status.RUNNING])
        .update(status=Export.Status.RUNNING, started_at=timezone.now(), rows_written=0)
    )
    if not started:
        return  # done, failed, or expired and deleted meanwhile
    export = Export.objects.unscoped().select_related("requested_by").get(pk=export_id)
    user = export.requested_by
    if export.file_format == Export.Format.PDF:
        _build_report(export)
        return
    spec = LISTS.get(export.list_name)
    if spec is None or not user.is_active or not spec.allowed(user):
        _fail(export, "The list is not (or no longer) yours to export.")
        return
    # The scope guard on, as in the person's own request: a query that forgot
    # visible_to(user) fails here instead of writing someone else's rows.
    with guarding(SimpleNamespace(user=user)), translation.override(export.language):
        _write(export, spec, request_for(user, export.query))
    export_notify(export_id=export.pk)


def _write(export: Export, spec: ExportList, request: HttpRequest) -> None:
    total = spec.rows(request).count()
    Export.objects.visible_to(export.requested_by).filter(pk=export.pk).update(rows_total=total)

    written_so_far = [0]

    def progress(written: int) -> None:
        written_so_far[0] = written
        # Rows added since the count must not push the bar past its end.
        Export.objects.visible_to(export.requested_by).filter(pk=export.pk).update(
            rows_written=min(written, total)
        )

    objects = spec.objects(request)
    with tempfile.TemporaryFile(suffix=f".{export.file_format}") as target:
        if export.file_format == Export.Format.CSV:
            write_csv(
                headers_of(spec),
                table_rows(spec.columns, objects),
                target,
                progress=progress,
                every=exports.CHUNK_SIZE,
            )
        else:
            write_xlsx(
                headers_of(spec),
                table_rows(spec.columns, objects),
                str(spec.name),
                target=target,
                rows_per_sheet=settings.KADER_EXPORT_ROWS_PER_SHEET,
                progress=progress,
                every=exports.CHUNK_SIZE,
            )
        name = export.file.storage.save(f"exports/{export.pk}/{export.filename}", File(target))
    now = timezone.now()
    finished = (
        Export.objects.visible_to(export.requested_by)
        .filter(pk=export.pk, status=Export.Status.RUNNING)
        .update(
            status=Export.Status.DONE,
            file=name,
            rows_written=written_so_far[0],
            rows_total=written_so_far[0],
            finished_at=now,
            expires_at=now + keep_for(),
        )
    )
    if not finished:  # deleted (expired) while it was being written
        export.file.storage.delete(name)


def _build_report(export: Export) -> None:
    from dashboard.reports import REPORTS  # the reports build on this module

    user = export.requested_by
    report = REPORTS.get(export.list_name)
    if report is None or not user.is_active or not report.allowed(user):
        _fail(export, "The report is not (or no longer) yours to export.")
        return
    with guarding(SimpleNamespace(user=user)), translation.override(export.language):
        drawn = report.draw(user, export.query)
    if drawn is None:  # the subject is gone, or out of their scope now
        _fail(export, "The report is not (or no longer) yours to export.")
        return
    name = export.file.storage.save(f"exports/{export.pk}/{export.filename}", File(drawn))
    now = timezone.now()
    finished = (
        Export.objects.visible_to(user)
        .filter(pk=export.pk, status=Export.Status.RUNNING)
        .update(status=Export.Status.DONE, file=name, finished_at=now, expires_at=now + keep_for())
    )
    if not finished:  # deleted (expired) while it was being drawn
        export.file.storage.delete(name)
        return
    export_notify(export_id=export.pk)


def _fail(export: Export, error: str) -> None:
    Export.objects.unscoped().filter(pk=export.pk).update(
        status=Export.Status.FAILED, error=error[:500], finished_at=timezone.now()
    )


def export_failed(*, export_id: int, exc: BaseException) -> None:
    """The task's last word when writing raised: the page shows "failed", not "running"."""
    log.exception("export %s failed", export_id, exc_info=exc)
    Export.objects.unscoped().filter(pk=export_id, status=Export.Status.RUNNING).update(
        status=Export.Status.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:500],
        finished_at=timezone.now(),
    )


# --- telling ---------------------------------------------------------------------------


def export_notify(*, export_id: int) -> bool:
    """E-mail the requester once that their file is ready (the row is claimed first, so a
    task run twice sends once). A failed send is logged: the page says it is ready anyway."""
    claimed = (
        Export.objects.unscoped()
        .filter(pk=export_id, status=Export.Status.DONE, notified_at__isnull=True)
        .update(notified_at=timezone.now())
    )
    if not claimed:
        return False
    export = Export.objects.unscoped().select_related("requested_by").get(pk=export_id)
    if not export.requested_by.email:
        return False
    try:
        _message(export).send()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("export %s: the ready e-mail failed: %s", export_id, exc)
        return False
    return True


def _message(export: Export) -> EmailMultiAlternatives:
    link = settings.SITE_URL.rstrip("/") + export.get_absolute_url()
    context = {
        "export": export,
        "user": export.requested_by,
        "link": link,
        # Lazy: translated as the e-mail is rendered, in the export's language.
        "list_label": LIST_LABELS.get(export.list_name, export.list_name),
    }
    return templated_email(
        "dashboard/emails/export_ready",
        context,
        language=export.language,
        to=[export.requested_by.email],
        headers={"Message-ID": f"<export-{export.pk}@kader>"},
    )


LIST_LABELS = {
    "partners": gettext_lazy("Partners"),
    "agreements": gettext_lazy("Agreements"),
    "programs": gettext_lazy("Programs"),
    "cadres": gettext_lazy("Cadres"),
    "sessions": gettext_lazy("Mentoring sessions"),
    "evaluations": gettext_lazy("Evaluations"),
    "program_report": gettext_lazy("Program report"),
}


# Each list's page, to go back to it with the same filters.
LIST_PAGES = {
    "partners": "partners:partner_list",
    "agreements": "partners:agreement_list",
    "programs": "programs:program_list",
    "cadres": "programs:cadre_list",
    "sessions": "programs:session_list",
    "evaluations": "evaluations:evaluation_list",
}


# Each report's page, from its subject's pk ("pk=12").
REPORT_PAGES = {"program_report": "dashboard:program_report"}


def list_url(export: Export) -> str:
    if export.list_name in REPORT_PAGES:
        pk = QueryDict(export.query).get("pk", "")
        return reverse(REPORT_PAGES[export.list_name], args=[pk]) if pk.isdigit() else ""
    page = reverse(LIST_PAGES[export.list_name]) if export.list_name in LIST_PAGES else ""
    return f"{page}?{export.query}" if page and export.query else page


def list_label(name: str) -> str:
    return str(LIST_LABELS.get(name, name))


# --- expiry ----------------------------------------------------------------------------


def exports_delete_expired(*, now: dt.datetime, chunk: int = 500, max_chunks: int = 20) -> int:
    """Delete expired exports, `chunk` at a time, at most `chunk * max_chunks` per run
    (beat runs it again an hour later for the rest); each file goes with its row
    (dashboard.signals.delete_export_file)."""
    deleted = 0
    for _round in range(max_chunks):
        # unscoped: expiry is the system's, across every person's exports.
        batch = list(
            Export.objects.unscoped()
            .expired(now)
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not batch:
            break
        Export.objects.unscoped().filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted


def exports_requeue_lost(*, now: dt.datetime, after: dt.timedelta, limit: int = 100) -> int:
    """Exports still queued long after they were asked for lost their message (a broker
    restart): queue them again. Running twice is harmless (export_build claims the row)."""
    # unscoped: the system's housekeeping.
    lost = list(
        Export.objects.unscoped()
        .filter(status=Export.Status.QUEUED, created_at__lte=now - after)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for export_id in lost:
        export_enqueue(export_id=export_id)
    return len(lost)
