"""A big XLSX export through the real stack: the request answers at once, a Celery worker
process rebuilds the list for the person who asked, writes the workbook with its progress,
keeps the file for them alone, e-mails them, and beat's expiry deletes it."""

import io
import time
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import COORDINATOR
from dashboard.models import Export
from dashboard.tasks import expire_exports
from factories import CadreFactory, UserFactory
from jurisdictions.models import Unit
from kader.celery import app
from testkit import wait_for

pytestmark = pytest.mark.services

ROWS_PER_SHEET = 4


@pytest.fixture
def export_worker(request, transactional_db, tmp_path, monkeypatch, settings, smtp):
    """A worker that shares this test's private storage and SMTP sink, with sheets of
    ROWS_PER_SHEET data rows (the worker is another process: it reads the environment)."""
    media = tmp_path / "media"
    for name, value in {
        "MEDIA_ROOT": str(media),
        "KADER_EXPORT_ROWS_PER_SHEET": str(ROWS_PER_SHEET),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": "http://kader.test",
    }.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_ROOT = media
    settings.KADER_EXPORT_BACKGROUND_ROWS = 3
    queue = request.getfixturevalue("worker")
    # Whatever the request enqueues goes to this test's worker.
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = default_queue


def sheets(body: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_a_big_xlsx_of_the_filtered_cadres_is_written_by_the_worker(
    export_worker, client, coordinator, smtp
):
    # The coordinator exports the candidates (10 of 11 cadres) as XLSX, over the threshold.
    candidates = sorted(f"Kader Calon {i:02}" for i in range(10))
    for name in candidates:
        CadreFactory(full_name=name, stage="candidate")
    CadreFactory(full_name="Kader Alumni", stage="alumni")
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    assert (
        client.get(reverse("programs:cadre_list"), {"stage": "candidate"}).status_code == 200
    )  # where they start

    started = time.monotonic()
    response = client.get("/exports/cadres.xlsx", {"stage": "candidate"})
    print("export request took", time.monotonic() - started)
    assert time.monotonic() - started < 2
    assert response.status_code == 302
    export = Export.objects.get()
    assert response["Location"] == reverse("dashboard:export_detail", args=[export.pk])
    assert (export.requested_by, export.list_name, export.query) == (
        coordinator,
        "cadres",
        "stage=candidate",
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-status"' in page

    wait_for(lambda: Export.objects.get().status == Export.Status.DONE)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, (export.status, export.error)
    assert export.rows_written == export.rows_total == 10
    assert export.finished_at and export.expires_at > export.finished_at
    page = client.get(response["Location"]).content.decode()
    assert "Your export is ready: 10 rows." in page
    assert 'hx-trigger="load delay:2s"' not in page  # finished: the page stops polling

    download = client.get(reverse("dashboard:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert 'filename="kader-cadres-' in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    got = sheets(body)
    # 10 rows on sheets of 4: three sheets, each with the header.
    assert list(got) == ["cadres", "cadres (2)", "cadres (3)"]
    assert [len(rows) - 1 for rows in got.values()] == [4, 4, 2]
    headers = [rows[0] for rows in got.values()]
    assert headers[0][:2] == ("Full name", "E-mail")
    assert headers[0] == headers[1] == headers[2]
    names = [row[0] for rows in got.values() for row in rows[1:]]
    assert names == candidates  # the list's order, the alumna left out by the filter

    # They are told by e-mail, once, with the export's page.
    assert wait_for(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    message = smtp.inbox.messages[0]
    assert message["To"] == coordinator.email
    assert f"http://kader.test/exports/{export.pk}/" in message.get_body(("plain",)).get_content()

    # A day later beat's expiry deletes the file and the row: the link answers 404.
    path = Path(export.file.path)
    assert path.exists()
    Export.objects.filter(pk=export.pk).update(expires_at=export.created_at)
    expire_exports.apply_async(queue=export_worker)
    assert wait_for(lambda: not Export.objects.filter(pk=export.pk).exists())
    assert not path.exists()
    assert client.get(reverse("dashboard:export_download", args=[export.pk])).status_code == 404


def test_the_worker_builds_the_list_for_the_person_who_asked(export_worker, client):
    # A Kota Bandung coordinator exports "every" cadre: the file holds only Bandung's.
    bandung, bogor = Unit.objects.get(code="32.73"), Unit.objects.get(code="32.01")
    nina = UserFactory(username="nina", role=COORDINATOR, unit=bandung)
    for i in range(5):
        CadreFactory(full_name=f"Bandung {i}", unit=bandung)
        CadreFactory(full_name=f"Bogor {i}", unit=bogor)
    client.force_login(nina)

    response = client.get("/exports/cadres.xlsx")
    assert response.status_code == 302
    assert wait_for(lambda: Export.objects.get().status == Export.Status.DONE)
    export = Export.objects.get()
    assert export.rows_total == 5
    body = b"".join(
        client.get(reverse("dashboard:export_download", args=[export.pk])).streaming_content
    )
    names = [row[0] for rows in sheets(body).values() for row in rows[1:]]
    assert sorted(names) == [f"Bandung {i}" for i in range(5)]
