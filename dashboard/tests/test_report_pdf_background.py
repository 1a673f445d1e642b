"""Issue 20: a program report's PDF with more table rows than
KADER_REPORT_PDF_BACKGROUND_ROWS is drawn by the worker as an export (the same row, page,
owner, expiry and e-mail as a big XLSX); a smaller one is still drawn in the request. The
whole flow through the real pages and a worker process is journey 8b
(journeys/test_coordinator_gets_a_big_program_report.py)."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import COORDINATOR
from dashboard import export_jobs
from dashboard.models import Export
from factories import (
    ActionItemFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from jurisdictions.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def program_with(pairs: int, **fields):
    program = ProgramFactory(**fields)
    for _ in range(pairs):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program))
        EvaluationFactory(agreement=None, mentorship=pair)
    return program


def pdf_url(program) -> str:
    return reverse("dashboard:program_pdf", args=[program.pk])


@pytest.mark.parametrize(("pairs", "background"), [(3, False), (4, True)])
def test_a_pdf_over_the_threshold_goes_to_the_worker(
    client, coordinator, settings, django_capture_on_commit_callbacks, pairs, background
):
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 3
    program = program_with(pairs, name="Magang Pesisir")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(pdf_url(program))
    if not background:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert not Export.objects.exists()
        return
    export = Export.objects.get()
    assert response["Location"] == export.get_absolute_url()
    assert (export.list_name, export.query, export.file_format) == (
        "program_report",
        f"pk={program.pk}",
        "pdf",
    )
    assert export.status == Export.Status.QUEUED and len(queued) == 1
    # A second click opens the same export.
    assert client.get(pdf_url(program))["Location"] == response["Location"]
    assert Export.objects.count() == 1


def test_action_items_count_towards_the_threshold(client, coordinator, settings):
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 3
    program = program_with(2)
    evaluation = EvaluationFactory(agreement=None, program=program)
    client.force_login(coordinator)
    assert client.get(pdf_url(program)).status_code == 200  # 3 rows
    ActionItemFactory(evaluation=evaluation)
    assert client.get(pdf_url(program)).status_code == 302  # 4 rows


def test_the_worker_draws_it_for_the_requester_alone_and_tells_them(client, coordinator, settings):
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    program = program_with(2, name="Magang Pesisir")
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"
    export_url = client.get(pdf_url(program))["Location"]
    export = Export.objects.get()
    page = client.get(export_url).content.decode()
    assert "Waiting for a worker" in page and "Program report" in page

    export_jobs.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    page = client.get(export_url).content.decode()
    assert "Your report is ready." in page and 'hx-trigger="load delay:2s"' not in page
    assert reverse("dashboard:program_report", args=[program.pk]) in page  # back to it
    download = client.get(reverse("dashboard:export_download", args=[export.pk]))
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Magang Pesisir" in text
    assert len(mail.outbox) == 1 and "Program report is ready." in mail.outbox[0].body

    # Another coordinator, even one who sees the program, gets nothing.
    client.force_login(UserFactory(role=COORDINATOR))
    assert client.get(export_url).status_code == 404
    assert client.get(reverse("dashboard:export_download", args=[export.pk])).status_code == 404


def test_the_worker_draws_nothing_of_a_program_no_longer_theirs(client, settings):
    # A Bandung coordinator asks for their program's PDF; before the worker's turn the
    # program moves to Bogor: the export fails, no file.
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 0
    bandung, bogor = Unit.objects.get(code="32.73"), Unit.objects.get(code="32.01")
    nina = UserFactory(role=COORDINATOR, unit=bandung)
    program = program_with(1, unit=bandung)
    client.force_login(nina)
    assert client.get(pdf_url(program)).status_code == 302
    type(program).objects.unscoped().filter(pk=program.pk).update(unit=bogor)
    export = Export.objects.get()
    export_jobs.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and not export.file


def test_another_coordinators_program_is_404_not_an_export(client, settings):
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 0
    bandung, bogor = Unit.objects.get(code="32.73"), Unit.objects.get(code="32.01")
    program = program_with(1, unit=bogor)
    client.force_login(UserFactory(role=COORDINATOR, unit=bandung))
    assert client.get(pdf_url(program)).status_code == 404
    assert not Export.objects.exists()
