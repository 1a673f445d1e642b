"""Admin import and export of partners and contacts (CSV and XLSX)."""

import pytest
import tablib
from django.urls import reverse

from factories import ContactFactory, PartnerFactory
from partners.models import Contact, Partner
from partners.resources import ContactResource, PartnerResource

pytestmark = pytest.mark.django_db

HEADERS = ["name", "sector", "status", "province", "region", "brings_mentors", "goals"]


def partners_file(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def test_it_imports_a_clean_file():
    data = partners_file(
        ["Yayasan Pelita", "ngo", "active", "Jawa Tengah", "Kota Semarang", "1", "Literasi"],
        ["PT Baja Nusantara", "company", "prospect", "Banten", "Kota Cilegon", "0", ""],
    )
    result = PartnerResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Partner.objects.get(name="Yayasan Pelita").region.name == "Kota Semarang"


def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row():
    data = partners_file(
        ["Yayasan Pelita", "ngo", "active", "Jawa Tengah", "Kota Semarang", "1", ""],
        ["Mitra Aneh", "spaceship", "active", "Jawa Tengah", "", "1", ""],
        ["PT Baja Nusantara", "company", "prospect", "Banten", "Kota Cilegon", "0", ""],
    )
    result = PartnerResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert [row.number for row in invalid] == [2]
    assert "sector" in invalid[0].field_specific_errors
    assert not Partner.objects.exists()


def test_a_region_outside_the_province_or_an_unknown_province_is_a_row_error():
    data = partners_file(
        ["Mitra Salah", "ngo", "active", "Bali", "Kota Semarang", "1", ""],
        ["Mitra Entah", "ngo", "active", "Atlantis", "", "1", ""],
    )
    result = PartnerResource().import_data(data, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Partner.objects.exists()


def test_contacts_import_normalises_phones_and_refuses_bad_ones():
    PartnerFactory(name="Yayasan Pelita")
    good = tablib.Dataset(
        ["", "Yayasan Pelita", "Dewi", "Ketua", "dewi@pelita.example", "0813-1111-2222", "1"],
        headers=["id", "partner", "name", "role", "email", "phone", "is_primary"],
    )
    result = ContactResource().import_data(good, dry_run=False)
    assert not result.has_validation_errors(), result.invalid_rows
    assert str(Contact.objects.get().phone) == "+6281311112222"

    bad = tablib.Dataset(
        ["", "Yayasan Pelita", "Eko", "", "", "0812", "0"],
        ["", "Yayasan Pelita", "Fitri", "", "", "0812 3456 7890", "0"],
        headers=["id", "partner", "name", "role", "email", "phone", "is_primary"],
    )
    result = ContactResource().import_data(bad, dry_run=False)
    assert result.has_validation_errors()
    assert Contact.objects.count() == 1


def test_the_admin_import_previews_with_row_errors_and_confirms_nothing(client, admin):
    # An admin uploads a CSV with a bad row in the admin: the preview shows the error.
    client.force_login(admin)
    csv = "name,sector,status\nYayasan Pelita,ngo,active\nMitra Aneh,spaceship,active\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("admin:partners_partner_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("mitra.csv", csv.encode(), "text/csv"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "spaceship" in body
    assert response.context.get("confirm_form") is None  # nothing to confirm: no import
    assert not Partner.objects.exists()


def test_the_admin_import_offers_to_confirm_a_clean_file(client, admin):
    # An admin uploads a clean CSV: a preview, then the confirmation imports it.
    client.force_login(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "name,sector,status\nYayasan Pelita,ngo,active\n"
    response = client.post(
        reverse("admin:partners_partner_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("mitra.csv", csv.encode(), "text/csv"),
        },
    )
    confirm = response.context.get("confirm_form")
    assert confirm is not None
    assert not Partner.objects.exists()  # the preview is a dry run
    client.post(reverse("admin:partners_partner_process_import"), confirm.initial)
    assert Partner.objects.filter(name="Yayasan Pelita").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_partners_and_contacts(fmt):
    contact = ContactFactory(name="Rina", phone="0812 3456 7890")
    partners = PartnerResource().export().export(fmt)
    contacts = ContactResource().export().export(fmt)
    assert partners and contacts
    if fmt == "csv":
        assert contact.partner.name in partners
        assert "+6281234567890" in contacts
