"""Each list exports exactly its filtered rows, as CSV and as XLSX."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from factories import (
    AgreementFactory,
    CadreFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def data(coordinator, mentor_a, mentor_b):
    PartnerFactory.create_batch(3, sector="ngo")
    PartnerFactory.create_batch(2, sector="company")
    AgreementFactory.create_batch(2, formality="formal")
    AgreementFactory.create_batch(3, formality="informal")
    ProgramFactory.create_batch(2, kind="training")
    ProgramFactory(kind="practical")
    CadreFactory.create_batch(4, stage="candidate")
    CadreFactory(stage="alumni")
    mine = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    theirs = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_b))
    SessionFactory.create_batch(3, mentorship=mine)
    SessionFactory.create_batch(2, mentorship=theirs, attendance="no_show")
    EvaluationFactory.create_batch(2, evaluator=coordinator)


CASES = [
    ("partners", "partners:partner_list", {"sector": "ngo"}, "name"),
    ("agreements", "partners:agreement_list", {"formality": "informal"}, "title"),
    ("programs", "programs:program_list", {"kind": "training"}, "name"),
    ("cadres", "programs:cadre_list", {"stage": "candidate"}, "full_name"),
    ("sessions", "programs:session_list", {"attendance": "no_show"}, "mentorship.cadre.full_name"),
    ("evaluations", "evaluations:evaluation_list", {"overdue": "true"}, "subject.title"),
]


def value(obj, path: str) -> str:
    for name in path.split("."):
        obj = getattr(obj, name)
    return str(obj)


def listed_count(page) -> int:
    """The list's own count: exact here (small data), keyset page or Django's paginator."""
    if hasattr(page, "paginator"):  # the program list still pages by number
        return page.paginator.count
    assert page.count.exact
    return page.count.value


@pytest.mark.parametrize(("name", "list_url", "params", "key"), CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_exactly_the_filtered_rows(
    client, coordinator, data, name, list_url, params, key, fmt
):
    # The coordinator filters a list, then exports it.
    client.force_login(coordinator)
    listed = client.get(reverse(list_url), params).context["page"]
    response = client.get(reverse("dashboard:export", args=[name, fmt]), params)
    assert response.status_code == 200
    assert f"kader-{name}-" in response["Content-Disposition"]
    rows = (csv_rows(response) if fmt == "csv" else xlsx_rows(response))[1:]  # no header
    assert len(rows) == listed_count(listed) > 0
    # The list's rows, in the list's order, are in one of the file's columns.
    keys = [value(obj, key) for obj in listed.object_list]
    columns = [[str(cell) for cell in column] for column in zip(*rows, strict=True)]
    assert keys in columns


def test_it_writes_the_same_values_as_the_list(client, coordinator):
    # The coordinator exports the partners and reads the file.
    PartnerFactory(name="Yayasan Tunas Muda", sector="ngo", website="https://tunas.example")
    client.force_login(coordinator)
    rows = csv_rows(client.get("/exports/partners.csv"))
    assert rows[1][0] == "Yayasan Tunas Muda"
    assert rows[1][5] == "https://tunas.example"
    assert rows[1][6] == "Mentor"


def test_it_keeps_a_mentor_to_their_own_sessions(client, mentor_a, data):
    # Mentor A exports "all" sessions: only their three come out.
    client.force_login(mentor_a)
    assert len(csv_rows(client.get("/exports/sessions.csv"))) - 1 == 3


def test_it_never_lets_a_cell_run_as_a_formula(client, coordinator):
    # A partner was named like a spreadsheet formula; the export keeps it text.
    PartnerFactory(name='=HYPERLINK("http://evil.example","x")')
    client.force_login(coordinator)
    assert csv_rows(client.get("/exports/partners.csv"))[1][0].startswith("'=")
    body = b"".join(client.get("/exports/partners.xlsx").streaming_content)
    cell = load_workbook(io.BytesIO(body)).worksheets[0]["A2"]
    assert cell.data_type == "s"


def test_it_leaves_background_data_out_of_the_cadre_export(client, coordinator):
    # Diversity answers are aggregate-only: the per-person export has no such column.
    CadreFactory()
    client.force_login(coordinator)
    header = csv_rows(client.get("/exports/cadres.csv"))[0]
    assert not {"Gender", "Jenis kelamin", "Age band"} & set(header)
