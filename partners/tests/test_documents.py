"""Uploads: checked by content, at most 10 MB, stored under a generated name, served only
through an access-checked view as an attachment with the original name."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import AgreementDocumentFactory, AgreementFactory
from partners.models import AgreementDocument

from .conftest import EXE, PDF, PNG

pytestmark = pytest.mark.django_db


def upload(client, agreement, name: str, content: bytes, kind: str = "signed"):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    url = reverse("partners:document_upload", args=[agreement.pk])
    return client.post(url, {"kind": kind, "file": file})


def test_it_stores_a_pdf_under_a_generated_name(as_coordinator, settings):
    # The coordinator uploads the signed agreement.
    agreement = AgreementFactory(formality="formal")
    response = upload(as_coordinator, agreement, "Perjanjian PT Maju (final).pdf", PDF)
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert document.original_name == "Perjanjian PT Maju (final).pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    stored = Path(document.file.name)
    assert "Maju" not in stored.name
    assert stored.suffix == ".pdf"
    assert (Path(settings.MEDIA_ROOT) / stored).read_bytes() == PDF


def test_a_png_is_accepted_whatever_its_name_says(as_coordinator):
    # The coordinator uploads a scanned annex that was saved with a .pdf name.
    upload(as_coordinator, AgreementFactory(), "lampiran.pdf", PNG, kind="annex")
    document = AgreementDocument.objects.get()
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("perjanjian.pdf", EXE),  # an executable renamed .pdf
        ("catatan.pdf", b"just some text, not a PDF at all"),
        ("kosong.pdf", b""),
        ("halaman.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_it_refuses_files_that_are_not_pdf_png_or_jpeg(as_coordinator, name, content):
    # The coordinator (or someone) uploads something that only pretends to be a document.
    response = upload(as_coordinator, AgreementFactory(), name, content)
    assert response.status_code == 200
    assert "file" in response.context["document_form"].errors
    assert not AgreementDocument.objects.exists()


def test_it_refuses_files_over_10_mb_with_a_friendly_message(as_coordinator):
    # The coordinator uploads a 50 MB scan.
    big = PDF + b"0" * (50 * 1024 * 1024)
    response = upload(as_coordinator, AgreementFactory(), "besar.pdf", big)
    assert response.status_code == 200
    assert "10 MB" in str(response.context["document_form"].errors["file"])
    assert not AgreementDocument.objects.exists()


def test_it_serves_the_file_as_an_attachment_with_its_original_name(as_coordinator):
    # The coordinator downloads the signed agreement.
    upload(as_coordinator, AgreementFactory(), "Perjanjian Kerja Sama.pdf", PDF)
    document = AgreementDocument.objects.get()
    response = as_coordinator.get(reverse("partners:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "Perjanjian Kerja Sama.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["mentor_a", "outsider"])
def test_nobody_else_can_download_it(request, client, persona):
    # A mentor or an outsider guesses a document's URL.
    document = AgreementDocumentFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("partners:document_download", args=[document.pk])).status_code == 404


def test_media_files_have_no_public_url(client, coordinator):
    # Someone tries the file's path under a media URL.
    document = AgreementDocumentFactory()
    client.force_login(coordinator)
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_the_signed_document_of_an_active_agreement_is_kept(as_coordinator):
    # The coordinator tries to delete the signed copy of an active agreement.
    agreement = AgreementFactory(formality="formal")
    document = AgreementDocumentFactory(agreement=agreement)
    agreement.activate()
    as_coordinator.post(reverse("partners:document_delete", args=[document.pk]))
    assert AgreementDocument.objects.filter(pk=document.pk).exists()
    annex = AgreementDocumentFactory(agreement=agreement, kind="annex")
    as_coordinator.post(reverse("partners:document_delete", args=[annex.pk]))
    assert not AgreementDocument.objects.filter(pk=annex.pk).exists()
