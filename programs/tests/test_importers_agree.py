"""The app's cadre import and the admin's import (django-import-export) share one row
validation: a table of files fed to both gets the same verdict and the same stored values.

Both go through their pages: the coordinator uploads, maps and confirms in the app; the
admin uploads and confirms in Django admin.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import CadreFactory, PartnerFactory
from programs.forms import PROFILE_FIELDS
from programs.models import Cadre
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db

GOOD = {"full_name": "Ayu Lestari", "email": "ayu@example.org"}

# (case, rows of the file as {column: value}, accepted?)
TABLE = [
    ("plain", [{**GOOD, "phone": "0812-3456-7890", "province": "Jawa Barat",
                "city": "Kota Bandung", "education": "S1", "stage": "peserta"}], True),
    ("province alias", [{**GOOD, "province": "DKI Jakarta"}], True),
    ("short alias, bare city", [{**GOOD, "province": "Jabar", "city": "Bekasi"}], True),
    ("'Provinsi' prefix", [{**GOOD, "province": "Provinsi Bali", "city": "Denpasar"}], True),
    ("province in capitals", [{**GOOD, "province": "JAWA TENGAH"}], True),
    ("international phone", [{**GOOD, "phone": "+62 812-3456-7891"}], True),
    ("bad phone", [{**GOOD, "phone": "12345"}], False),
    ("bad e-mail", [{**GOOD, "email": "bukan-email"}], False),
    ("e-mail in capitals", [{**GOOD, "email": "Citra@Example.ORG"}], True),
    ("no e-mail", [{"full_name": "Dimas Pratama"}], True),
    ("name missing", [{"full_name": "", "email": "x@example.org"}], False),
    ("name too long", [{**GOOD, "full_name": "A" * 201}], False),
    ("unknown province", [{**GOOD, "province": "Atlantis"}], False),
    ("city without province", [{**GOOD, "city": "Kota Bandung"}], False),
    ("city outside its province", [{**GOOD, "province": "Bali", "city": "Kota Bandung"}], False),
    ("education label", [{**GOOD, "education": "Bachelor (S1)"}], True),
    ("education value", [{**GOOD, "education": "master"}], True),
    ("unknown education", [{**GOOD, "education": "PhD"}], False),
    ("stage word", [{**GOOD, "stage": "alumni"}], True),
    ("unknown stage", [{**GOOD, "stage": "bos"}], False),
    ("e-mail of an existing cadre", [{**GOOD, "email": "LAMA@example.org"}], False),
    ("same e-mail twice", [GOOD, {"full_name": "Bagus", "email": "AYU@example.org"}], False),
    ("known partner", [{**GOOD, "home_partner": "yayasan pelita"}], True),
    ("unknown partner", [{**GOOD, "home_partner": "Mitra Entah"}], False),
    ("escaped formula", [{**GOOD, "home_organisation": "'+62 Group"}], True),
    ("text fields", [{**GOOD, "occupation": "Guru", "education_detail": "PGSD, UNY",
                      "development_focus": "Kepemimpinan"}], True),
    ("a blank row", [GOOD, {}, {"full_name": "Bagus", "email": "bagus@example.org"}], True),
    # Under the file's cell limit (2,000), over the field's (core.limits.DEVELOPMENT_FOCUS).
    ("development focus too long", [{**GOOD, "development_focus": "x" * 1001}], False),
    ("development focus at its limit", [{**GOOD, "development_focus": "x" * 1000}], True),
]  # fmt: skip


def csv_file(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PROFILE_FIELDS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in PROFILE_FIELDS])
    return buffer.getvalue().encode()


def stored() -> list[tuple]:
    """Every imported cadre, as comparable values (related rows by name)."""
    cadres = Cadre.objects.exclude(email="lama@example.org").order_by("full_name")
    return [tuple(str(getattr(cadre, name) or "") for name in PROFILE_FIELDS) for cadre in cadres]


def app_import(client, content: bytes) -> bool:
    """The coordinator uploads, keeps the guessed mapping and confirms."""
    url = reverse("programs:cadre_import")
    response = client.post(url, {"file": SimpleUploadedFile("kader.csv", content)})
    if response.status_code != 302:
        return False
    mapping = client.get(response["Location"])
    form = mapping.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(response["Location"], {**data, "confirm": "1"}).status_code == 302


def admin_import(client, content: bytes) -> bool:
    """The admin uploads the CSV in Django admin and confirms the preview if offered."""
    url = reverse("admin:programs_cadre_import")
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "import_file"}
    data["format"] = next(v for v, label in form.fields["format"].choices if label == "csv")
    data["import_file"] = SimpleUploadedFile("kader.csv", content, "text/csv")
    preview = client.post(url, data)
    assert preview.status_code == 200
    confirm = preview.context.get("confirm_form")
    if confirm is None:
        return False
    done = client.post(reverse("admin:programs_cadre_process_import"), confirm.initial)
    assert done.status_code == 302
    return True


@pytest.mark.parametrize(("case", "rows", "accepted"), TABLE, ids=[row[0] for row in TABLE])
def test_it_gives_the_same_verdict_and_values_in_the_app_and_the_admin(
    client, coordinator, admin, case, rows, accepted
):
    CadreFactory(full_name="Lama", email="lama@example.org")
    PartnerFactory(name="Yayasan Pelita")
    content = csv_file(rows)
    english(client).force_login(coordinator)
    assert app_import(client, content) is accepted
    by_app = stored()
    Cadre.objects.exclude(email="lama@example.org").delete()
    client.force_login(admin)
    assert admin_import(client, content) is accepted
    assert stored() == by_app
    assert len(by_app) == (len([r for r in rows if r]) if accepted else 0)
