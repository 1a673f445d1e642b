"""A document's name agrees with its checked type: "report.pdf.html" holding a PDF is
stored and served as a PDF named "report.pdf", never as a page a browser would run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import AgreementDocumentFactory, AgreementFactory
from partners.models import AgreementDocument

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def upload(client, name: str, content: bytes):
    agreement = AgreementFactory()
    url = reverse("partners:document_upload", args=[agreement.pk])
    return client.post(url, {"kind": "annex", "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "stored_name", "content_type"),
    [
        ("report.pdf.html", PDF, "report.pdf", "application/pdf"),
        ("laporan.html", PDF, "laporan.pdf", "application/pdf"),
        ("scan.pdf.svg", PNG, "scan.pdf.png", "image/png"),
        ("foto", PNG, "foto.png", "image/png"),
        ("Perjanjian v1.2", PDF, "Perjanjian v1.2.pdf", "application/pdf"),
    ],
)
def test_it_names_and_serves_the_file_by_its_checked_type(
    as_coordinator, name, content, stored_name, content_type
):
    # The coordinator (or someone with a crafted file) uploads a PDF named like a page.
    assert upload(as_coordinator, name, content).status_code == 302
    document = AgreementDocument.objects.get()
    assert document.original_name == stored_name
    response = as_coordinator.get(reverse("partners:document_download", args=[document.pk]))
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{stored_name}"'


def test_it_serves_an_old_document_under_a_name_of_its_type(as_coordinator):
    # A document stored before this rule, under a name that disagrees with its content.
    document = AgreementDocumentFactory(original_name="report.pdf.html")
    response = as_coordinator.get(reverse("partners:document_download", args=[document.pk]))
    assert response["Content-Type"] == document.content_type == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
