"""A district coordinator's pages issue the same number of SQL queries whatever the data
size, as the national coordinator's do (issue 17): the scope is resolved once per request
and the lists filter on it in SQL, never row by row in Python."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import COORDINATOR
from factories import (
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Unit

pytestmark = pytest.mark.django_db

PAGES = [
    "partners:partner_list",
    "partners:agreement_list",
    "programs:program_list",
    "programs:cadre_list",
    "programs:session_list",
    "evaluations:evaluation_list",
]


def world(size: int) -> None:
    """`size` of everything in Kota Bandung, and as many in Kabupaten Bogor next door."""
    for code in ("32.73", "32.01"):
        unit = Unit.objects.get(code=code)
        program = ProgramFactory(unit=unit)
        for _ in range(size):
            partner = PartnerFactory(unit=unit)
            AgreementFactory(unit=unit, parties=[partner])
            cadre = CadreFactory(unit=unit)
            pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program, cadre=cadre))
            SessionFactory(mentorship=pair, date=dt.date.today())
            EvaluationFactory(agreement=None, mentorship=pair)


def queries(client, name: str) -> int:
    url = reverse(name)
    client.get(url)  # warm: the session, the kept fragments
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_a_district_coordinators_page_keeps_its_query_count(client, name):
    nina = UserFactory(role=COORDINATOR, unit="32.73")
    client.force_login(nina)
    world(2)
    small = queries(client, name)
    world(12)
    assert queries(client, name) == small
