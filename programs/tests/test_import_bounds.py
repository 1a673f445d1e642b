"""A small hostile upload cannot exhaust the server: every dimension of a cadre import is
bounded with a clear message at the file field, nothing is kept for a refused file, the
session does not carry the file, and a pending import is its owner's alone."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.roles import COORDINATOR
from factories import UserFactory
from programs.models import Cadre, PendingImport
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db

SMALL_PAGE = 40_000  # bytes: the upload page with its error, whatever the file


def upload(client, name: str, content: bytes):
    """What the upload page sends: its one field, the file."""
    page = client.get(reverse("programs:cadre_import"))
    assert list(page.context["upload"].fields) == ["file"]
    return client.post(
        reverse("programs:cadre_import"), {"file": SimpleUploadedFile(name, content)}
    )


def xlsx(rows=(), build=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if build:
        build(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def far_row(sheet) -> None:
    sheet.cell(row=1, column=1, value="Nama")
    sheet.cell(row=1_000_000, column=1, value="Ayu")


def zip_bomb() -> bytes:
    """A real workbook plus an entry of 60 MB of zeros: a few tens of KB on the wire."""
    buffer = io.BytesIO(xlsx([["Nama"], ["Ayu"]]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    return buffer.getvalue()


HOSTILE = [
    (
        "wide header",
        "kader.csv",
        ",".join(f"Kolom {i}" for i in range(20_000)).encode() + b"\nAyu\n",
        "more than 40 columns",
    ),
    (
        "wide row of commas",
        "kader.csv",
        b"Nama\nAyu" + b"," * 3_000_000 + b"\n",
        "more than 40 columns",
    ),
    ("too many rows", "kader.csv", b"Nama\n" + b"Ayu Lestari\n" * 2001, "more than 2,000 rows"),
    ("long cell", "kader.csv", b"Nama\n" + b"x" * 2001 + b"\n", "longer than 2,000 characters"),
    ("blank-row bomb", "kader.csv", b"Nama\nAyu\n" + b"\n" * 4_000_000, "more than 40,000 cells"),
    ("cell bomb", "kader.csv", (b"a;" * 39 + b"a\n") * 1100, "more than 40,000 cells"),
    (
        "wide xlsx",
        "kader.xlsx",
        xlsx([[f"Kolom {i}" for i in range(200)], ["Ayu"]]),
        "more than 40 columns",
    ),
    ("far xlsx row", "kader.xlsx", xlsx(build=far_row), "more than 40,000 cells"),
    ("xlsx zip bomb", "kader.xlsx", zip_bomb(), "unpacks to too much data"),
    ("too big", "kader.csv", b"Nama\n" + b"Ayu Lestari\n" * 500_000, "larger than 5 MB"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), HOSTILE, ids=[case[0] for case in HOSTILE]
)
def test_it_refuses_an_oversized_file_with_a_clear_message(
    client, coordinator, case, name, content, message
):
    # A hostile tester with a coordinator's login uploads a small file that is huge inside.
    english(client).force_login(coordinator)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.context["upload"].errors["file"][0]
    assert len(response.content) < SMALL_PAGE
    assert not PendingImport.objects.exists()


def test_the_session_does_not_grow_with_an_upload(client, coordinator):
    # The coordinator uploads a sheet of 1,500 cadres: the file is kept, not in the session.
    english(client).force_login(coordinator)
    before = dict(client.session.items())
    rows = "".join(f"Kader {i};kader{i}@example.org;Jawa Barat\n" for i in range(1500))
    response = upload(client, "kader.csv", f"Nama;Email;Provinsi\n{rows}".encode())
    assert response.status_code == 302
    assert dict(client.session.items()) == before
    pending = PendingImport.objects.get()
    assert (pending.owner, len(pending.rows)) == (coordinator, 1500)


def test_the_preview_shows_a_bounded_number_of_rows(client, coordinator, settings):
    # The coordinator previews 1,500 rows, every one wrong: the page shows 100 of them.
    english(client).force_login(coordinator)
    rows = "".join(f"Kader {i};bukan-email-{i};Atlantis\n" for i in range(1500))
    response = upload(client, "kader.csv", f"Nama;Email;Provinsi\n{rows}".encode())
    mapping = client.get(response["Location"])
    form = mapping.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    preview = client.post(response["Location"], {**data, "check": "1"})
    html = preview.content.decode()
    assert len(preview.context["bad_rows"]) == 1500
    assert html.count('class="table-danger"') == settings.KADER_IMPORT_PREVIEW_ROWS == 100
    assert "1400 more rows are not shown" in html
    assert "1500 rows have errors" in html
    assert len(preview.content) < 200_000


def another_coordinator():
    return UserFactory(username="coord2", role=COORDINATOR)


def test_another_user_cannot_see_or_confirm_someone_elses_import(client, coordinator):
    # Coordinator Sari uploads a file; another coordinator (and an admin) try its URL.
    english(client).force_login(coordinator)
    url = upload(client, "kader.csv", b"Nama\nAyu Lestari\n")["Location"]
    mapping = client.get(url)
    form = mapping.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    for intruder in (another_coordinator(), UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, {**data, "confirm": "1"}).status_code == 404
    assert not Cadre.objects.exists()
    assert PendingImport.objects.filter(owner=coordinator).exists()
    client.force_login(coordinator)
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Cadre.objects.get().full_name == "Ayu Lestari"
    assert not PendingImport.objects.exists()  # a confirmed import is not kept


@pytest.mark.parametrize("pending", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_made_up_pending_id_is_404(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.get(reverse("programs:cadre_import"), {"pending": pending})
    assert response.status_code == 404


def test_a_pending_import_expires_and_is_cleaned_up(client, coordinator, settings):
    # The coordinator leaves a file past its time; another coordinator's upload clears it.
    english(client).force_login(coordinator)
    before = timezone.now()
    url = upload(client, "kader.csv", b"Nama\nAyu Lestari\n")["Location"]
    pending = PendingImport.objects.get()
    kept = dt.timedelta(seconds=settings.KADER_IMPORT_KEPT_SECONDS)
    assert before + kept <= pending.expires_at <= timezone.now() + kept
    PendingImport.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 404
    other = another_coordinator()
    client.force_login(other)
    upload(client, "kader.csv", b"Nama\nBagus\n")
    assert list(PendingImport.objects.values_list("owner", flat=True)) == [other.pk]


def test_the_admin_import_has_the_same_bounds():
    # An admin imports a cadre file 41 columns wide: one clear error, nothing imported.
    import tablib

    from programs.resources import CadreResource

    headers = ["full_name", *[f"extra_{i}" for i in range(40)]]
    data = tablib.Dataset(*[[f"Kader {n}"] + [""] * 40 for n in range(3)], headers=headers)
    result = CadreResource().import_data(data, dry_run=False)
    assert [str(error.error) for error in result.base_errors] == [
        "The file has more than 40 columns."
    ]
    assert not result.rows
    assert not Cadre.objects.exists()
