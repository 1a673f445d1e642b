"""The export pages without a worker: who gets an export's page and file (only its
requester), what the progress page shows, when an XLSX goes to the background, and the
pages' fixed query counts."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.roles import COORDINATOR, MENTOR
from core.scoping import ScopeError
from dashboard import export_jobs, exports
from dashboard.models import Export
from factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Full name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def done_export(user, **fields) -> Export:
    now = timezone.now()
    fields = {"expires_at": now + dt.timedelta(hours=24), **fields}
    export = Export.objects.create(
        requested_by=user,
        list_name="cadres",
        status=Export.Status.DONE,
        rows_written=1,
        rows_total=1,
        finished_at=now,
        **fields,
    )
    export.file.save(f"{export.pk}.xlsx", ContentFile(xlsx_bytes()))
    return export


# --- who gets it -------------------------------------------------------------------------


@pytest.fixture
def others(mentor_a, outsider, admin):
    """Everyone who is not the export's requester."""
    return {
        "another national coordinator": UserFactory(username="rudi", role=COORDINATOR),
        "a district coordinator": UserFactory(username="kota", role=COORDINATOR, unit="32.73"),
        "a mentor": mentor_a,
        "an outsider": outsider,
        "a staff admin who is not a superuser": UserFactory(username="staf", is_staff=True),
        "a superuser": admin,
    }


@pytest.mark.parametrize("page", ["dashboard:export_detail", "dashboard:export_download"])
def test_only_the_requester_gets_the_export(client, coordinator, others, page):
    # The coordinator's finished export: they open its page and file; each other person
    # who tries the same address gets "page not found", as for a missing export.
    export = done_export(coordinator)
    url = reverse(page, args=[export.pk])
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    for who, user in others.items():
        client.force_login(user)
        assert client.get(url).status_code == 404, who
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_my_exports_lists_only_my_own_newest_first(client, coordinator, others):
    older = done_export(coordinator, created_at=timezone.now() - dt.timedelta(hours=2))
    newer = done_export(coordinator)
    done_export(others["another national coordinator"])
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:export_list")).context["page"]
    assert list(page.object_list) == [newer, older]


def test_my_exports_says_when_there_is_none(client, coordinator):
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    response = client.get(reverse("dashboard:export_list"))
    assert 'data-testid="empty"' in response.content.decode()


def test_a_file_gone_from_storage_is_404_not_500(client, coordinator):
    export = done_export(coordinator)
    export.file.storage.delete(export.file.name)
    client.force_login(coordinator)
    assert client.get(reverse("dashboard:export_download", args=[export.pk])).status_code == 404


# --- the progress page -------------------------------------------------------------------


def test_a_running_export_shows_its_progress_and_polls(client, coordinator):
    export = Export.objects.create(
        requested_by=coordinator,
        list_name="cadres",
        status=Export.Status.RUNNING,
        rows_written=2500,
        rows_total=10000,
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    html = client.get(export.get_absolute_url()).content.decode()
    assert "Writing the file: 2,500 of 10,000 rows." in html
    assert 'max="100" value="25"' in html
    # htmx fetches the status again; without JavaScript, the person follows a link.
    assert 'hx-trigger="load delay:2s"' in html
    assert f'href="/exports/{export.pk}/" data-testid="export-refresh"' in html
    assert "export-download" not in html
    # htmx's request gets the status alone.
    fragment = client.get(export.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith("<div")
    assert "<html" not in fragment.content.decode()


def test_a_failed_export_says_so(client, coordinator):
    export = Export.objects.create(
        requested_by=coordinator,
        list_name="cadres",
        status=Export.Status.FAILED,
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    client.force_login(coordinator)
    html = client.get(export.get_absolute_url()).content.decode()
    assert 'data-testid="export-failed"' in html and "hx-trigger" not in html


# --- when an XLSX goes to the background --------------------------------------------------


@pytest.mark.parametrize(
    ("cadres", "fmt", "background"),
    [(3, "xlsx", False), (4, "xlsx", True), (4, "csv", False)],
)
def test_an_xlsx_over_the_threshold_goes_to_the_background(
    client, coordinator, settings, django_capture_on_commit_callbacks, cadres, fmt, background
):
    # Three cadres' worth (each list's rows count by its weight).
    settings.KADER_EXPORT_BACKGROUND_ROWS = 3 * exports.LISTS["cadres"].weight
    CadreFactory.create_batch(cadres)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(f"/exports/cadres.{fmt}")
    if background:
        # The export's page at once; the task is queued once the row is committed.
        export = Export.objects.get()
        assert response["Location"] == export.get_absolute_url()
        assert export.status == Export.Status.QUEUED and len(queued) == 1
    else:
        assert response.status_code == 200  # written (CSV: streamed) in the request
        assert not Export.objects.exists()


def test_a_second_click_opens_the_export_already_under_way(client, coordinator, settings):
    settings.KADER_EXPORT_BACKGROUND_ROWS = 1
    CadreFactory.create_batch(2, stage="candidate")
    client.force_login(coordinator)
    first = client.get("/exports/cadres.xlsx", {"stage": "candidate"})
    again = client.get("/exports/cadres.xlsx", {"stage": "candidate"})
    assert first["Location"] == again["Location"]
    other = client.get("/exports/cadres.xlsx")  # other filters: another export
    assert other["Location"] != first["Location"]
    assert Export.objects.count() == 2


def test_filters_too_long_to_keep_are_refused_with_a_message(client, coordinator, settings):
    settings.KADER_EXPORT_BACKGROUND_ROWS = 0
    CadreFactory()
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    # An unknown parameter changes no row, and makes the query string too long to keep.
    response = client.get("/exports/cadres.xlsx", {"utm": "x" * 2100})
    assert response.status_code == 400
    assert "too long to export" in response.content.decode()
    assert not Export.objects.exists()


def test_the_task_runs_under_the_scope_guard_of_the_requester(coordinator, monkeypatch):
    # A list that forgot visible_to(user): in the task, as in a request, it fails loudly
    # instead of writing someone else's rows.
    from programs.models import Cadre

    careless = exports.ExportList(
        "careless",
        lambda user: True,
        lambda request: Cadre.objects.all(),
        exports.LISTS["cadres"].columns,
    )
    monkeypatch.setitem(exports.LISTS, "careless", careless)
    CadreFactory()
    export = export_jobs.export_create(
        user=coordinator, list_name="careless", query="", language="en"
    )
    with pytest.raises(ScopeError):
        export_jobs.export_build(export_id=export.pk)


def test_a_list_no_longer_theirs_is_not_written(coordinator):
    # The coordinator lost the role between asking and the worker's turn.
    export = export_jobs.export_create(
        user=coordinator, list_name="cadres", query="", language="en"
    )
    coordinator.groups.clear()
    coordinator.is_staff = False
    coordinator.save()
    export_jobs.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and not export.file


# --- fixed query counts ------------------------------------------------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [2, 40])
def test_my_exports_page_issues_a_fixed_number_of_queries(client, coordinator, size):
    for _ in range(size):
        done_export(coordinator)
    client.force_login(coordinator)
    assert queries_for(client, reverse("dashboard:export_list")) == LIST_QUERIES


@pytest.mark.parametrize("size", [2, 40])
def test_an_exports_page_issues_a_fixed_number_of_queries(client, coordinator, size):
    for _ in range(size):
        export = done_export(coordinator)
    client.force_login(coordinator)
    assert queries_for(client, export.get_absolute_url()) == DETAIL_QUERIES


# The session, the user, their groups (the permission), the page of exports, its count,
# and the nav's unread-reminder count (evaluations.context_processors, since the inbox).
LIST_QUERIES = 6
# The session, the user, their groups, the export, the nav's unread-reminder count.
DETAIL_QUERIES = 5


def test_a_mentor_has_exports_too(client):
    # A mentor exports their sessions: their exports page opens.
    mentor = UserFactory(username="mentor_c", role=MENTOR)
    client.force_login(mentor)
    assert client.get(reverse("dashboard:export_list")).status_code == 200


def test_expiry_deletes_expired_exports_and_their_files_in_chunks(
    coordinator, django_capture_on_commit_callbacks
):
    now = timezone.now()
    expired = [done_export(coordinator, expires_at=now - dt.timedelta(minutes=1)) for _ in range(5)]
    kept = done_export(coordinator)
    paths = [Path(e.file.path) for e in expired]
    assert all(p.exists() for p in paths)
    # Two rows at a time, at most two rounds: four go now, the fifth at the next run.
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        assert export_jobs.exports_delete_expired(now=now, chunk=2, max_chunks=2) == 4
        assert export_jobs.exports_delete_expired(now=now, chunk=2, max_chunks=2) == 1
    assert list(Export.objects.all()) == [kept]
    assert not any(p.exists() for p in paths)
    assert Path(kept.file.path).exists()


def test_a_deleted_account_takes_its_exports_files_along(
    coordinator, django_capture_on_commit_callbacks
):
    path = Path(done_export(coordinator).file.path)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.delete()
    assert not path.exists()
