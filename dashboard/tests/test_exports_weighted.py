"""Issue 20: the threshold counts the work, not the rows. A list's `weight` is what one of
its rows costs against a cadre's (measured at national scale, docs/performance.md), so a
list of heavy rows goes to the worker sooner; and a CSV over its own threshold is written
by the worker too, instead of streaming for hours."""

import csv
import dataclasses
import io

import pytest
from django.urls import reverse

from dashboard import export_jobs, exports
from dashboard.models import Export
from factories import CadreFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_list_has_a_weight_and_joined_rows_weigh_more_than_partners():
    assert all(spec.weight >= 1 for spec in exports.LISTS.values())
    for name in ("agreements", "programs", "cadres", "sessions", "evaluations"):
        assert exports.LISTS[name].weight > exports.LISTS["partners"].weight


@pytest.mark.parametrize(("programs", "background"), [(2, False), (3, True)])
def test_heavy_rows_go_to_the_worker_sooner(
    client, coordinator, settings, monkeypatch, programs, background
):
    # A budget of 10 rows: 5 cadres of weight 2 are written in the request, and so are
    # 2 programs of weight 4 (8), but not 3 (12).
    settings.KADER_EXPORT_BACKGROUND_ROWS = 10
    heavier = dataclasses.replace(exports.LISTS["programs"], weight=4)
    monkeypatch.setitem(exports.LISTS, "programs", heavier)
    CadreFactory.create_batch(5)
    ProgramFactory.create_batch(programs)
    client.force_login(coordinator)
    assert client.get("/exports/cadres.xlsx").status_code == 200
    response = client.get("/exports/programs.xlsx")
    assert response.status_code == (302 if background else 200)
    assert Export.objects.filter(list_name="programs").exists() == background


@pytest.mark.parametrize(("cadres", "background"), [(3, False), (4, True)])
def test_a_csv_over_its_threshold_is_written_by_the_worker(
    client, coordinator, settings, django_capture_on_commit_callbacks, cadres, background
):
    settings.KADER_EXPORT_CSV_BACKGROUND_ROWS = 3 * exports.LISTS["cadres"].weight
    settings.KADER_EXPORT_BACKGROUND_ROWS = 100  # XLSX: unchanged
    names = sorted(f"Kader {i:02}" for i in range(cadres))
    for name in names:
        CadreFactory(full_name=name)
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    assert client.get("/exports/cadres.xlsx").status_code == 200
    with django_capture_on_commit_callbacks() as queued:
        response = client.get("/exports/cadres.csv")
    if not background:
        assert response.status_code == 200 and response.streaming
        assert not Export.objects.exists()
        return
    export = Export.objects.get()
    assert response["Location"] == export.get_absolute_url() and len(queued) == 1
    assert export.file_format == Export.Format.CSV
    export_jobs.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    assert export.rows_written == export.rows_total == cadres
    assert "Your export is ready: 4 rows." in client.get(response["Location"]).content.decode()
    download = client.get(reverse("dashboard:export_download", args=[export.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert 'filename="kader-cadres-' in download["Content-Disposition"]
    assert download["Content-Disposition"].endswith('.csv"')
    text = b"".join(download.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["Full name", "E-mail"]
    assert [row[0] for row in rows[1:]] == names  # the same lines as the stream


def test_a_csv_and_an_xlsx_of_the_same_list_are_two_exports(client, coordinator, settings):
    settings.KADER_EXPORT_CSV_BACKGROUND_ROWS = settings.KADER_EXPORT_BACKGROUND_ROWS = 1
    CadreFactory.create_batch(2)
    client.force_login(coordinator)
    xlsx = client.get("/exports/cadres.xlsx")["Location"]
    csv_page = client.get("/exports/cadres.csv")["Location"]
    assert xlsx != csv_page and client.get("/exports/cadres.csv")["Location"] == csv_page


def test_the_threshold_counts_programs_without_their_seats(coordinator):
    # Counting the programs must not join their enrolments (at national scale that joined
    # and grouped 1.2 million rows just to decide); the file still has the seats.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from factories import EnrolmentFactory

    program = ProgramFactory(name="Magang Pesisir")
    EnrolmentFactory.create_batch(2, program=program, status="active")
    spec = exports.LISTS["programs"]
    request = exports.request_for(coordinator, "")
    with CaptureQueriesContext(connection) as counted:
        assert exports.rows_up_to(spec, request, 10) == 1
    assert "programs_enrolment" not in counted[0]["sql"]
    target = exports.export_response(spec, request, "xlsx").file_to_stream
    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Magang Pesisir" and rows[1][6] == 2  # seats taken
