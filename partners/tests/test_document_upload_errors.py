"""A failed document upload keeps the coordinator on the agreement's own page: the right
menu entry, the error next to the file field, and the kind they chose still chosen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import AgreementFactory
from partners.models import AgreementDocument

from .conftest import EXE

pytestmark = pytest.mark.django_db


def agreement_page_form(client, agreement) -> dict:
    """What the agreement page's upload form sends, filled as the coordinator would."""
    page = client.get(reverse("partners:agreement_detail", args=[agreement.pk]))
    form = page.context["document_form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_it_shows_the_agreement_page_with_the_error_at_the_file_field(as_coordinator):
    # The coordinator picks "Annex" and an executable renamed .pdf, then presses Upload.
    agreement = AgreementFactory(title="Kemitraan Pelatihan Desa")
    data = agreement_page_form(as_coordinator, agreement)
    data.update(kind="annex", file=SimpleUploadedFile("lampiran.pdf", EXE))
    url = reverse("partners:document_upload", args=[agreement.pk])
    response = as_coordinator.post(url, data)
    assert response.status_code == 200
    assert response.templates[0].name == "partners/agreement_detail.html"
    html = response.content.decode()
    assert "Kemitraan Pelatihan Desa" in html
    # The "Agreements" menu entry is the highlighted one, not "Partners".
    agreements, partners = reverse("partners:agreement_list"), reverse("partners:partner_list")
    assert f'class="nav-link active" href="{agreements}"' in html
    assert f'class="nav-link active" href="{partners}"' not in html
    form = response.context["document_form"]
    assert "Only PDF, PNG or JPEG" in form.errors["file"][0]
    assert 'id="error_1_id_file"' in html  # crispy puts the message under the file input
    assert form["kind"].value() == "annex"  # what they chose stays chosen
    assert '<option value="annex" selected>' in html
    assert not AgreementDocument.objects.exists()


def test_it_says_the_file_is_missing_at_the_field(as_coordinator):
    # The coordinator presses Upload without choosing a file.
    agreement = AgreementFactory()
    data = agreement_page_form(as_coordinator, agreement)
    url = reverse("partners:document_upload", args=[agreement.pk])
    response = as_coordinator.post(url, data)
    assert response.status_code == 200
    assert response.templates[0].name == "partners/agreement_detail.html"
    assert "This field is required." in response.context["document_form"].errors["file"]
