"""The export pages: a list's export, the person's exports, one export's progress, its file."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import perm_or_404
from core.pagination import paginate
from dashboard.export_jobs import export_request, list_label, list_url
from dashboard.exports import LISTS, export_response, rows_up_to
from dashboard.models import Export


@login_required
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """An export that would cost more than its format's threshold (its rows times the
    list's weight) goes to a worker (its page answers at once); a smaller one is written
    (XLSX) or streamed (CSV) in the request."""
    spec = LISTS.get(name)
    if spec is None or fmt not in ("csv", "xlsx") or not spec.allowed(request.user):
        raise Http404
    budget = (
        settings.KADER_EXPORT_BACKGROUND_ROWS
        if fmt == "xlsx"
        else settings.KADER_EXPORT_CSV_BACKGROUND_ROWS
    )
    most = spec.in_request_max(budget)
    if rows_up_to(spec, request, most) > most:
        return export_request(request, spec, fmt)
    return export_response(spec, request, fmt)


@perm_or_404("dashboard.have_exports")
def export_list(request: HttpRequest) -> HttpResponse:
    """The person's own exports, newest first."""
    exports = Export.objects.visible_to(request.user).order_by("-created_at", "-pk")
    page = paginate(request, exports)
    for item in page.object_list:
        item.list_label = list_label(item.list_name)
    context = {"page": page, "keep_hours": settings.KADER_EXPORT_KEEP_HOURS}
    return render(request, "dashboard/export_list.html", context)


@perm_or_404("dashboard.have_exports")
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's progress; while it runs, htmx fetches the status again every 2 s
    (without JavaScript, its Refresh link does the same; a timed meta refresh would
    reload under a screen reader's feet, which djlint's H052 rightly forbids)."""
    export = get_object_or_404(Export.objects.visible_to(request.user), pk=pk)
    context = {
        "export": export,
        "list_label": list_label(export.list_name),
        "list_url": list_url(export),
    }
    if request.htmx:
        return render(request, "dashboard/_export_status.html", context)
    return render(request, "dashboard/export_detail.html", context)


@perm_or_404("dashboard.have_exports")
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to the person who asked only; anyone else, like a missing one: 404."""
    export = get_object_or_404(
        Export.objects.visible_to(request.user).filter(status=Export.Status.DONE), pk=pk
    )
    if not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type=export.content_type
    )
