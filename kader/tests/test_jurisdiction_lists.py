"""Each list, export and lookup shows a coordinator exactly the rows of their scope.

Two sibling districts of Jawa Barat, each with its own partner, agreement, program, cadre,
mentor, pair, session and evaluation, named after the district. Kota Bandung's coordinator
sees Kota's and none of Kabupaten's; the provincial coordinator both; a coordinator of
another organisation neither (issue 17).
"""

import datetime as dt

import pytest
from django.urls import reverse

from factories import (
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Unit

pytestmark = pytest.mark.django_db

DISTRICTS = {"Kota": "32.73", "Kabupaten": "32.04"}


def district_world(tag: str, code: str) -> None:
    unit = Unit.objects.get(code=code)
    partner = PartnerFactory(name=f"Mitra {tag}", unit=unit)
    AgreementFactory(title=f"Perjanjian {tag}", unit=unit, parties=[partner])
    program = ProgramFactory(name=f"Program {tag}", unit=unit)
    cadre = CadreFactory(full_name=f"Kader {tag}", unit=unit)
    mentor = MentorProfileFactory(
        unit=unit, user=UserFactory(username=f"mentor_{tag.lower()}", first_name=f"Mentor{tag}")
    )
    pair = MentorshipFactory(
        mentor=mentor, enrolment=EnrolmentFactory(program=program, cadre=cadre)
    )
    SessionFactory(mentorship=pair, date=dt.date.today(), topics=f"Topik {tag}")
    EvaluationFactory(agreement=None, mentorship=pair, evaluator=mentor.user)


@pytest.fixture
def districts(db):
    for tag, code in DISTRICTS.items():
        district_world(tag, code)


LISTS = [
    ("partners:partner_list", {}, "Mitra {}"),
    ("partners:agreement_list", {}, "Perjanjian {}"),
    ("programs:program_list", {}, "Program {}"),
    ("programs:cadre_list", {}, "Kader {}"),
    ("programs:mentor_list", {}, "Mentor{}"),
    ("programs:session_list", {}, "Kader {}"),
    ("evaluations:evaluation_list", {}, "Kader {}"),
    ("partners:partner_lookup", {"q": "Mitra"}, "Mitra {}"),
    ("partners:agreement_lookup", {"q": "Perjanjian"}, "Perjanjian {}"),
    ("programs:program_lookup", {"q": "Program"}, "Program {}"),
]
EXPORTS = [
    ("partners", "Mitra {}"),
    ("agreements", "Perjanjian {}"),
    ("programs", "Program {}"),
    ("cadres", "Kader {}"),
    ("sessions", "Kader {}"),
    ("evaluations", "Kader {}"),
]


def page_text(client, name, params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.mark.parametrize(("name", "params", "label"), LISTS)
@pytest.mark.parametrize(
    ("unit", "organisation", "sees"),
    [
        ("32.73", None, {"Kota"}),
        ("32.04", None, {"Kabupaten"}),
        ("32", None, {"Kota", "Kabupaten"}),
        ("ID", "Yayasan Lain", set()),
    ],
)
def test_a_list_shows_its_coordinator_their_scope(
    client, districts, name, params, label, unit, organisation, sees
):
    # A coordinator of `unit` (of another organisation, where given) opens the list.
    user = UserFactory(role="coordinator", unit=unit, unit__organisation=organisation)
    client.force_login(user)
    text = page_text(client, name, params)
    shown = {tag for tag in DISTRICTS if label.format(tag) in text}
    assert shown == sees, f"{name} as {unit}"


@pytest.mark.parametrize(("name", "label"), EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_holds_only_the_scope(client, districts, name, label, fmt):
    # Kota Bandung's coordinator exports the list.
    client.force_login(UserFactory(role="coordinator", unit="32.73"))
    response = client.get(reverse("dashboard:export", kwargs={"name": name, "fmt": fmt}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        body = "\n".join(
            "\t".join(str(v) for v in row if v is not None)
            for row in sheet.iter_rows(values_only=True)
        ).encode()
    text = body.decode("utf-8-sig")
    assert label.format("Kota") in text
    assert label.format("Kabupaten") not in text
