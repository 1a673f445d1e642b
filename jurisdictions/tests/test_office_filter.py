"""The lists' office filter (issue 17): a coordinator narrows a list to one office and the
offices under it, chosen among those of their own scope — never beyond it."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR, MENTOR
from factories import (
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    ReminderFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Unit
from jurisdictions.regions import ensure_loaded

pytestmark = pytest.mark.django_db

PLACES = {"32.73": "Bandung", "32.01": "Bogor", "33.74": "Semarang"}

# list URL name → what names each place's row (see `place`).
LISTS = {
    "partners:partner_list": "Mitra {}",
    "partners:agreement_list": "Kesepakatan {}",
    "programs:program_list": "Program {}",
    "programs:cadre_list": "Kader {}",
    "programs:session_list": "Kader {}",
    "evaluations:evaluation_list": "Program {}",
    "evaluations:reminder_list": "Penerima {}",
}


def place(code: str, town: str) -> None:
    unit = Unit.objects.get(code=code)
    partner = PartnerFactory(unit=unit, name=f"Mitra {town}")
    AgreementFactory(unit=unit, parties=[partner], title=f"Kesepakatan {town}")
    program = ProgramFactory(unit=unit, name=f"Program {town}")
    cadre = CadreFactory(unit=unit, full_name=f"Kader {town}")
    pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program, cadre=cadre))
    SessionFactory(mentorship=pair, date=dt.date.today())
    evaluation = EvaluationFactory(agreement=None, program=program)
    # A reminder to someone named after the town, about the town's evaluation.
    ReminderFactory(evaluation=evaluation, recipient=UserFactory(first_name=f"Penerima {town}"))


@pytest.fixture
def country():
    ensure_loaded()
    for code, town in PLACES.items():
        place(code, town)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def shown(client, name: str, **params) -> set[str]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    html = response.content.decode()
    return {town for town in PLACES.values() if LISTS[name].format(town) in html}


@pytest.mark.parametrize("name", LISTS)
def test_a_national_coordinator_narrows_each_list_to_a_province_or_a_city(client, country, name):
    # The national coordinator sees all three towns, then picks West Java, then Bogor.
    client.force_login(UserFactory(role=COORDINATOR))
    assert shown(client, name) == {"Bandung", "Bogor", "Semarang"}
    assert shown(client, name, office=unit("32").pk) == {"Bandung", "Bogor"}
    assert shown(client, name, office=unit("32.01").pk) == {"Bogor"}


@pytest.mark.parametrize("name", LISTS)
def test_an_office_outside_the_scope_is_refused_at_the_field(client, country, name):
    # West Java's coordinator asks for Central Java's Semarang by its id: nothing of it
    # shows, and the filter says the choice is not one of theirs.
    client.force_login(UserFactory(role=COORDINATOR, unit="32"))
    response = client.get(reverse(name), {"office": unit("33.74").pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert LISTS[name].format("Semarang") not in html
    assert 'aria-describedby="id_office_error"' in html
    assert 'id="id_office_error"' in html and "invalid-feedback" in html


@pytest.mark.parametrize("name", LISTS)
def test_a_district_coordinator_has_no_office_to_choose(client, country, name):
    client.force_login(UserFactory(role=COORDINATOR, unit="32.73"))
    html = client.get(reverse(name)).content.decode()
    assert 'name="office"' not in html


def test_the_office_lookup_offers_only_the_offices_of_ones_scope(client, country):
    url = reverse("offices:unit_lookup")
    client.force_login(UserFactory(role=COORDINATOR, unit="32"))
    found = client.get(url, {"q": "Bandung"}).json()["results"]
    # Kota and Kabupaten Bandung, and Bandung Barat: all in West Java.
    assert found and all(r["text"].endswith(")") and "(32." in r["text"] for r in found)
    assert client.get(url, {"q": "Semarang"}).json()["results"] == []


def test_a_mentor_gets_no_office_lookup(client, country):
    client.force_login(UserFactory(role=MENTOR))
    assert client.get(reverse("offices:unit_lookup")).status_code == 404


def test_the_admin_filters_by_province_then_city(admin_client, country):
    url = reverse("admin:programs_cadre_changelist")
    html = admin_client.get(url).content.decode()
    assert "Jawa Barat (32)" in html and "Kota Bandung (32.73)" not in html
    html = admin_client.get(url, {"office": unit("32").pk}).content.decode()
    # West Java chosen: its regencies and cities are offered, and only its cadres listed.
    assert "Kota Bandung (32.73)" in html
    assert "Kader Bandung" in html and "Kader Bogor" in html
    assert "Kader Semarang" not in html
    html = admin_client.get(url, {"office": unit("32.01").pk}).content.decode()
    assert "Kader Bogor" in html and "Kader Bandung" not in html


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "²"])
def test_the_admin_ignores_an_office_that_is_not_one(admin_client, country, value):
    response = admin_client.get(reverse("admin:programs_cadre_changelist"), {"office": value})
    assert response.status_code in (200, 302)
