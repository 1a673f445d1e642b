"""Every list, exactly its filtered rows, as CSV or XLSX, streamed.

Each list is an `ExportList`: who may export it (the same permission as the list page),
its rows (the list's own FilterSet over `visible_to(user)`, fed the same query string),
and its columns. Rows are read with `iterator(chunk_size=…)`, so memory stays flat at
100,000 rows: CSV goes out line by line; XLSX is written by openpyxl's write-only workbook
to a temporary file, which is then streamed. An XLSX that would cost more than
`KADER_EXPORT_BACKGROUND_ROWS` rows of the cheapest kind is written by a worker instead
(dashboard/export_jobs.py): each list has a `weight`, what one of its rows costs to read and
write against a partner's (a cadre's, a session's or an evaluation's reads its joined
names, a program's counts its seats, an agreement's reads its parties), so that no XLSX
written in the request takes more than the export budget (2 s) at national scale. A CSV
streams from the request while its weighted rows stay under
`KADER_EXPORT_CSV_BACKGROUND_ROWS` (seconds of streaming); a bigger one (a national
coordinator's 12 million sessions would stream for hours) is written by the worker too.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.roles import User
from core.spreadsheet import FORMULA_START, plain, safe_text  # noqa: F401
from evaluations.filters import EvaluationFilter
from evaluations.models import Evaluation
from partners.filters import AgreementFilter, PartnerFilter
from partners.models import Agreement, AgreementParty, Partner
from programs.filters import CadreFilter, ProgramFilter, SessionFilter
from programs.models import Cadre, Program
from programs.views.programs import with_seats_counted
from programs.views.sessions import sessions_for

CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportList:
    name: str
    allowed: Callable[[User], bool]
    rows: Callable[[HttpRequest], QuerySet]
    columns: tuple[Column, ...]
    # What one row costs to read and write, in partner rows (the cheapest; measured at
    # national scale, docs/performance.md): the request writes at most
    # KADER_EXPORT_BACKGROUND_ROWS // weight of them.
    weight: int = 1
    # What only writing the rows needs (a per-row aggregate), done for each chunk of rows
    # as it is written: not in the threshold's count, and in proportion to the rows written.
    each_chunk: Callable[[list], Any] | None = None

    def objects(self, request: HttpRequest) -> Iterator[Model]:
        """The rows to write, read `CHUNK_SIZE` at a time."""
        objects = self.rows(request).iterator(chunk_size=CHUNK_SIZE)
        if self.each_chunk is None:
            yield from objects
            return
        chunk = []
        for obj in objects:
            chunk.append(obj)
            if len(chunk) == CHUNK_SIZE:
                self.each_chunk(chunk)
                yield from chunk
                chunk = []
        if chunk:
            self.each_chunk(chunk)
            yield from chunk

    def in_request_max(self, budget: int) -> int:
        """The most rows an XLSX of this list may have to be written in the request."""
        return budget // self.weight


def _perm(name: str) -> Callable[[User], bool]:
    return lambda user: user.has_perm(name)


def _display(field: str) -> Callable[[Model], str]:
    return lambda obj: getattr(obj, f"get_{field}_display")()


def _attr(path: str) -> Callable[[Model], Any]:
    """`"mentorship.enrolment.cadre.full_name"` → that value, or "" along a missing link."""

    def get(obj: Model) -> Any:
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return obj

    return get


# --- The lists -------------------------------------------------------------------------


def _partners(request: HttpRequest) -> QuerySet:
    partners = (
        Partner.objects.visible_to(request.user)
        .select_related("province", "region")
        .order_by("name", "pk")
    )
    return PartnerFilter(request.GET or None, queryset=partners, user=request.user).qs


def _agreements(request: HttpRequest) -> QuerySet:
    visible = Agreement.objects.visible_to(request.user)
    filtered = AgreementFilter(request.GET or None, queryset=visible, user=request.user).qs
    parties = AgreementParty.objects.select_related("partner")
    return filtered.select_related("coordinator").prefetch_related(
        Prefetch("agreement_parties", parties)
    )


def _programs(request: HttpRequest) -> QuerySet:
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("coordinator")
        .order_by("-start_date", "name")
    )
    return ProgramFilter(request.GET, queryset=programs, request=request).qs


def _cadres(request: HttpRequest) -> QuerySet:
    cadres = (
        Cadre.objects.visible_to(request.user)
        .select_related("province", "city", "home_partner")
        .order_by("full_name", "pk")
    )
    return CadreFilter(request.GET, queryset=cadres, request=request).qs


def _sessions(request: HttpRequest) -> QuerySet:
    return SessionFilter(request.GET, queryset=sessions_for(request.user), user=request.user).qs


def _evaluations(request: HttpRequest) -> QuerySet:
    visible = Evaluation.objects.visible_to(request.user).with_subjects().order_by("due_date", "pk")
    return EvaluationFilter(request.GET, queryset=visible, user=request.user).qs


def _party_names(agreement: Agreement) -> str:
    return "; ".join(p.partner.name for p in agreement.agreement_parties.all())


def _user_name(path: str) -> Callable[[Model], str]:
    def get(obj: Model) -> str:
        user = _attr(path)(obj)
        return (user.get_full_name() or user.get_username()) if user else ""

    return get


LISTS: dict[str, ExportList] = {
    "partners": ExportList(
        "partners",
        _perm("partners.view_partner"),
        _partners,
        (
            Column(_("Name"), _attr("name")),
            Column(_("Sector"), _display("sector")),
            Column(_("Status"), _display("status")),
            Column(_("Province"), _attr("province.name")),
            Column(_("Regency or city"), _attr("region.name")),
            Column(_("Website"), _attr("website")),
            Column(_("Brings"), lambda p: ", ".join(p.strengths)),
        ),
    ),
    "agreements": ExportList(
        "agreements",
        _perm("partners.view_agreement"),
        _agreements,
        (
            Column(_("Title"), _attr("title")),
            Column(_("Reference number"), _attr("reference")),
            Column(_("Partners"), _party_names),
            Column(_("Formality"), _display("formality")),
            Column(_("Basis"), _display("basis")),
            Column(_("Status"), _display("status")),
            Column(_("Start date"), _attr("start_date")),
            Column(_("End date"), _attr("end_date")),
            Column(_("Evaluation cadence"), _display("evaluation_cadence")),
            Column(_("Coordinator"), _user_name("coordinator")),
        ),
        weight=2,  # and its parties, a query per chunk
    ),
    "programs": ExportList(
        "programs",
        _perm("programs.view_program"),
        _programs,
        (
            Column(_("Name"), _attr("name")),
            Column(_("Kind"), _display("kind")),
            Column(_("Status"), _display("status")),
            Column(_("Start date"), _attr("start_date")),
            Column(_("End date"), _attr("end_date")),
            Column(_("Capacity"), _attr("capacity")),
            Column(_("Seats taken"), lambda p: p.seats_taken()),
            Column(_("Online"), _attr("is_online")),
            Column(_("Place"), _attr("place")),
            Column(_("Coordinator"), _user_name("coordinator")),
        ),
        weight=2,
        # Seats counted per chunk: annotated on the list, the enrolments of every program
        # were joined and grouped before the first row, and in the threshold's count (2.4 s
        # for 500 of the nation's 3,000 programs).
        each_chunk=with_seats_counted,
    ),
    "cadres": ExportList(
        "cadres",
        _perm("programs.view_cadre"),
        _cadres,
        (
            # Background (diversity) data is never exported per person.
            Column(_("Full name"), _attr("full_name")),
            Column(_("E-mail"), _attr("email")),
            Column(_("Phone"), lambda c: str(c.phone or "")),
            Column(_("Province"), _attr("province.name")),
            Column(_("Regency or city"), _attr("city.name")),
            Column(_("Education"), _display("education")),
            Column(_("Occupation"), _attr("occupation")),
            Column(_("Home organisation"), _attr("organisation_name")),
            Column(_("Pipeline stage"), _display("stage")),
        ),
        weight=2,
    ),
    "sessions": ExportList(
        "sessions",
        _perm("programs.list_sessions"),
        _sessions,
        (
            Column(_("Date"), _attr("date")),
            Column(_("Mentee"), _attr("mentorship.enrolment.cadre.full_name")),
            Column(_("Mentor"), lambda s: str(s.mentorship.mentor)),
            Column(_("Program"), _attr("mentorship.enrolment.program.name")),
            Column(_("Duration (minutes)"), _attr("duration_minutes")),
            Column(_("Mode"), _display("mode")),
            Column(_("Attendance"), _display("attendance")),
            Column(_("Topics"), _attr("topics")),
            Column(_("Next steps"), _attr("next_steps")),
        ),
        weight=2,
    ),
    "evaluations": ExportList(
        "evaluations",
        _perm("evaluations.list_evaluations"),
        _evaluations,
        (
            Column(_("Subject"), lambda e: e.subject_label),
            Column(_("Of"), lambda e: str(e.subject)),
            Column(_("Kind"), _display("kind")),
            Column(_("Period start"), _attr("period_start")),
            Column(_("Period end"), _attr("period_end")),
            Column(_("Due date"), _attr("due_date")),
            Column(_("Status"), _display("status")),
            Column(_("Evaluator"), _user_name("evaluator")),
            Column(_("Submitted at"), _attr("submitted_at")),
        ),
        weight=2,
    ),
}


# --- Writing ---------------------------------------------------------------------------


def table_rows(columns: Iterable[Column], objects: Iterable[Model]) -> Iterator[list]:
    for obj in objects:
        yield [plain(column.value(obj)) for column in columns]


class _Echo:
    """csv.writer's file: hands each formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([safe_text(value) for value in row])


def write_csv(
    headers: list[str],
    rows: Iterable[list],
    target,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = CHUNK_SIZE,
):
    """The same lines as the streamed CSV, into `target` (a binary file), for the worker;
    `progress(n)` is told every `every` rows and at the end."""
    written = 0

    def counted() -> Iterator[list]:
        nonlocal written
        for written, row in enumerate(rows, start=1):
            if progress and written % every == 0:
                progress(written)
            yield row

    for line in csv_lines(headers, counted()):
        target.write(line.encode("utf-8"))
    if progress:
        progress(written)
    target.seek(0)
    return target


# One sheet holds 1,048,576 rows: the header and 1,048,575 data rows.
SHEET_ROWS = 1_048_575


def write_xlsx(
    headers: list[str],
    rows: Iterable[list],
    title: str,
    *,
    target=None,
    rows_per_sheet: int = SHEET_ROWS,
    progress: Callable[[int], None] | None = None,
    every: int = CHUNK_SIZE,
):
    """The workbook in `target` (a temporary file by default), written row by row.

    openpyxl's write-only workbook keeps no cell in memory (each sheet goes to its own
    temporary file, strings inline), so memory stays flat whatever the row count. Past
    `rows_per_sheet` data rows the rows go on to a new sheet, "title (2)", with the
    header repeated. `progress(n)` is told every `every` rows and at the end.
    """
    workbook = Workbook(write_only=True)
    sheet, written = None, 0
    for written, row in enumerate(rows, start=1):
        if (written - 1) % rows_per_sheet == 0:
            number = (written - 1) // rows_per_sheet + 1
            sheet = _new_sheet(workbook, title, number, headers)
        sheet.append([_text_cell(sheet, value) for value in row])
        if progress and written % every == 0:
            progress(written)
    if sheet is None:
        _new_sheet(workbook, title, 1, headers)
    if progress:
        progress(written)
    if target is None:
        # Closed (and so deleted) by the FileResponse once it has been sent.
        target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target


def _new_sheet(workbook: Workbook, title: str, number: int, headers: list[str]):
    name = title[:31] if number == 1 else f"{title[:24]} ({number})"
    sheet = workbook.create_sheet(title=name)
    sheet.append(headers)
    return sheet


def _text_cell(sheet, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        return cell
    return value


def export_response(spec: ExportList, request: HttpRequest, fmt: str):
    headers = headers_of(spec)
    objects = spec.objects(request)
    filename = f"kader-{spec.name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        lines = _in_language(csv_lines(headers, table_rows(spec.columns, objects)))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    target = write_xlsx(headers, table_rows(spec.columns, objects), str(spec.name))
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _in_language(lines: Iterator[str]) -> Iterator[str]:
    """Rows are rendered while the response streams, after the view has returned: keep
    the request's language for the labels in them.

    Inside a transaction: outside one, Django declares the rows' server-side cursor WITH
    HOLD, and PostgreSQL then computes the whole result before the first row (a national
    coordinator's 12 million sessions: minutes before the first line, gigabytes of
    temporary files). In a transaction the cursor hands rows over as it finds them."""
    language = translation.get_language()

    def stream() -> Iterator[str]:
        with translation.override(language), transaction.atomic():
            yield from lines

    return stream()


def headers_of(spec: ExportList) -> list[str]:
    return [str(column.header) for column in spec.columns]


def rows_up_to(spec: ExportList, request: HttpRequest, limit: int) -> int:
    """The list's rows counted up to `limit` + 1: a `LIMIT` inside the count stops the
    scan as soon as it has found that many, so a list of 1.2 million rows costs what one
    of 5,001 does (an exact `COUNT(*)` of the cadres takes seconds at national scale)."""
    return spec.rows(request).order_by().values("pk")[: limit + 1].count()


def request_for(user: User, query: str) -> HttpRequest:
    """A request as the list saw it: this user, this query string (for the worker, which
    rebuilds the list through the same functions as the page)."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = QueryDict(query)
    return request
