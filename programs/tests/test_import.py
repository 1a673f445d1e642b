"""Importing cadres from the coordinator's CSV or XLSX: mapping, preview, all-or-nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from factories import CadreFactory
from programs.models import Cadre
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db

GOOD = (
    "Nama;Email;No HP;Provinsi;Kabupaten/Kota;Pendidikan;Tahap\n"
    "Ayu Lestari;ayu@example.org;0812-3456-7890;Jawa Barat;Kota Bandung;S1;peserta\n"
    "Bagus Wijaya;bagus@example.org;;Provinsi Bali;Denpasar;SMA;kandidat\n"
)
BAD = (
    "Nama,Email,Provinsi,Kota\n"
    "Ayu Lestari,ayu@example.org,Jawa Barat,Kota Bandung\n"
    "Bagus Wijaya,bukan-email,Jawa Barat,\n"
    "Citra Kusuma,citra@example.org,Atlantis,\n"
    "Dimas Pratama,AYU@example.org,Jawa Barat,\n"
    "Eka Saputra,eka@example.org,Jawa Barat,Kota Denpasar\n"
    "Fajar Hidayat,lama@example.org,DKI Jakarta,\n"
)


def upload(client, name: str, content: bytes):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("programs:cadre_import"), {"file": file})


def mapping_page(client, name: str, content: bytes):
    """Upload the file, then open the mapping page the upload leads to."""
    response = upload(client, name, content)
    assert response.status_code == 302, response.context["upload"].errors
    return client.get(response["Location"])


def mapping_post(client, response, **extra):
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(
        response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"], {**data, **extra}
    )


def test_it_guesses_the_columns_previews_and_imports(client, coordinator):
    # The coordinator uploads the sheet they keep, checks the preview and imports.
    english(client).force_login(coordinator)
    mapping = mapping_page(client, "kader.csv", GOOD.encode())
    preview = mapping_post(client, mapping, check="1")
    assert not preview.context["bad_rows"]
    assert "All 2 rows are ready to import" in preview.content.decode()
    assert not Cadre.objects.exists()  # the preview saves nothing
    done = mapping_post(client, mapping, confirm="1")
    assert done.status_code == 302
    ayu, bagus = Cadre.objects.order_by("full_name")
    assert (ayu.province.name, ayu.city.name, ayu.education, ayu.stage) == (
        "Jawa Barat",
        "Kota Bandung",
        "bachelor",
        "participant",
    )
    assert str(ayu.phone) == "+6281234567890"
    assert (bagus.province.name, bagus.city.name, bagus.stage) == (
        "Bali",
        "Kota Denpasar",
        "candidate",
    )


def test_it_lists_every_bad_row_and_imports_nothing(client, coordinator):
    CadreFactory(email="lama@example.org")
    english(client).force_login(coordinator)
    mapping = mapping_page(client, "kader.csv", BAD.encode())
    preview = mapping_post(client, mapping, check="1")
    errors = {r.number: r.errors for r in preview.context["bad_rows"]}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "not a valid e-mail" in errors[3][0]
    assert "Unknown province “Atlantis”" in errors[4][0]
    assert "Same e-mail as row 2" in errors[5][0]
    assert "Unknown regency or city “Kota Denpasar” in Jawa Barat" in errors[6][0]
    assert "already exists" in errors[7][0]
    assert 'data-testid="confirm"' not in preview.content.decode()
    # Even a forced confirm saves nothing while any row is bad.
    mapping_post(client, mapping, confirm="1")
    assert Cadre.objects.count() == 1


def test_it_imports_an_xlsx_file(client, coordinator):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama Lengkap", "E-mail", "Provinsi"])
    sheet.append(["Gita Siregar", "gita@example.org", "Sumatera Utara"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(coordinator)
    mapping = mapping_page(client, "kader.xlsx", buffer.getvalue())
    assert mapping_post(client, mapping, confirm="1").status_code == 302
    assert Cadre.objects.get().province.name == "Sumatera Utara"


def test_it_lets_the_coordinator_correct_the_mapping(client, coordinator):
    # The sheet calls the name column "Peserta": the guess misses it, the coordinator maps it.
    english(client).force_login(coordinator)
    url = upload(client, "kader.csv", b"Peserta,Surel\nHendra Manurung,hendra@example.org\n")
    url = url["Location"]
    response = client.post(url, {"col_email": "1", "check": "1"})
    assert response.context["results"] is None
    assert "col_full_name" in response.context["form"].errors
    response = client.post(url, {"col_full_name": "0", "col_email": "1", "confirm": "1"})
    assert response.status_code == 302
    assert Cadre.objects.get().full_name == "Hendra Manurung"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dashboard.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
        ("kader.xlsx", b"not a zip", "not a readable XLSX file"),
        ("kader.csv", b"Nama,Email\n", "no rows below the header"),
        # Found by hypothesis: a bare carriage return and a NUL once gave a server error.
        ("kader.csv", b"\r\x00", "no rows below the header"),
        ("kader.csv", b"Nama\n" + b"x" * 200_000, "A cell is longer than 2,000 characters"),
        ("kader.csv", b'Nama\n"' + b"x\n" * 100_000, "A cell is longer than 2,000 characters"),
    ],
)
def test_it_refuses_an_unreadable_file_at_the_field(client, coordinator, name, content, message):
    english(client).force_login(coordinator)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.context["upload"].errors["file"][0]


def test_it_imports_and_exports_cadres_in_the_admin(client, admin):
    from programs.admin import CadreResource

    CadreFactory(full_name="Ayu Lestari", email="ayu@example.org")
    dataset = CadreResource().export()
    assert "ayu@example.org" in dataset.csv
    assert "gender" not in dataset.csv  # background data never leaves the cadre's page
    client.force_login(admin)
    assert client.get(reverse("admin:programs_cadre_import")).status_code == 200


def test_it_imports_nothing_in_the_admin_when_a_row_is_bad():
    import tablib

    from programs.admin import CadreResource

    data = tablib.Dataset(headers=["full_name", "email", "province", "stage"])
    data.append(["Ayu Lestari", "ayu@example.org", "Jawa Barat", "participant"])
    data.append(["Bagus Wijaya", "bukan-email", "Jawa Barat", "participant"])
    result = CadreResource().import_data(data, dry_run=False, raise_errors=False)
    assert result.has_validation_errors() or result.has_errors()
    assert not Cadre.objects.exists()
