"""A session's and an evaluation's copy of their subject's office (`Placed`), kept by the
database: set when the row is written, whatever the application wrote, and moved with the
subject however the subject moved — a form's save, a bulk update, a changed enrolment."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR
from evaluations.models import Evaluation
from factories import (
    ActionItemFactory,
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    ReminderFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Organisation, Unit
from jurisdictions.regions import ensure_loaded
from programs.models import Cadre, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    ensure_loaded()
    return {code: Unit.objects.get(code=code) for code in ("32.73", "32.01", "33.74")}


def place_of(row) -> tuple[int | None, int | None]:
    row = type(row).objects.unscoped().get(pk=row.pk)
    return row.organisation_id, row.unit_id


def pair_in(unit):
    cadre = CadreFactory(unit=unit)
    return MentorshipFactory(enrolment=EnrolmentFactory(cadre=cadre, program=ProgramFactory()))


def test_a_new_session_takes_its_cadres_office(units):
    pair = pair_in(units["32.73"])
    session = SessionFactory(mentorship=pair)
    cadre = pair.enrolment.cadre
    assert place_of(session) == (cadre.organisation_id, units["32.73"].pk)


def test_a_stale_instance_saved_again_does_not_unplace_it(units):
    # The instance in memory never learnt its place (the database set it): saving it
    # writes None, and the database places it again.
    session = SessionFactory(mentorship=pair_in(units["32.73"]))
    assert session.unit_id is None
    session.topics = "again"
    session.save()
    assert place_of(session)[1] == units["32.73"].pk


@pytest.mark.parametrize("how", ["form save", "bulk update"])
def test_a_cadre_who_moves_takes_their_sessions_and_pair_evaluations(units, how):
    pair = pair_in(units["32.73"])
    session = SessionFactory(mentorship=pair)
    evaluation = EvaluationFactory(agreement=None, mentorship=pair)
    other = Organisation.objects.create(name="Yayasan Lain")
    cadre = Cadre.objects.unscoped().get(pk=pair.enrolment.cadre_id)
    if how == "form save":
        cadre.unit, cadre.organisation = units["33.74"], other
        cadre.save()
    else:
        Cadre.objects.unscoped().filter(pk=cadre.pk).update(unit=units["33.74"], organisation=other)
    assert place_of(session) == (other.pk, units["33.74"].pk)
    assert place_of(evaluation) == (other.pk, units["33.74"].pk)


def test_evaluations_follow_their_agreement_and_their_program(units):
    agreement = AgreementFactory(unit=units["32.73"])
    program = ProgramFactory(unit=units["32.73"])
    of_agreement = EvaluationFactory(agreement=agreement)
    of_program = EvaluationFactory(agreement=None, program=program)
    assert place_of(of_agreement)[1] == place_of(of_program)[1] == units["32.73"].pk
    agreement.unit = units["32.01"]
    agreement.save()
    type(program).objects.unscoped().filter(pk=program.pk).update(unit=units["33.74"])
    assert place_of(of_agreement)[1] == units["32.01"].pk
    assert place_of(of_program)[1] == units["33.74"].pk


def test_a_pair_moved_to_another_enrolment_takes_its_sessions_along(units):
    pair = pair_in(units["32.73"])
    session = SessionFactory(mentorship=pair)
    elsewhere = EnrolmentFactory(cadre=CadreFactory(unit=units["32.01"]))
    type(pair).objects.unscoped().filter(pk=pair.pk).update(enrolment=elsewhere)
    assert place_of(session)[1] == units["32.01"].pk
    # And an enrolment given another cadre.
    third = CadreFactory(unit=units["33.74"])
    type(elsewhere).objects.unscoped().filter(pk=elsewhere.pk).update(cadre=third)
    assert place_of(session)[1] == units["33.74"].pk


def test_the_new_districts_coordinator_sees_the_moved_cadres_sessions(client, units):
    # Kota Bandung's cadre moves to Kabupaten Bogor: Bogor's coordinator now lists the
    # session, Bandung's no longer does.
    pair = pair_in(units["32.73"])
    cadre = pair.enrolment.cadre
    SessionFactory(mentorship=pair, date=dt.date.today())
    bandung = UserFactory(role=COORDINATOR, unit="32.73")
    bogor = UserFactory(role=COORDINATOR, unit="32.01")
    url = reverse("programs:session_list")
    client.force_login(bandung)
    assert cadre.full_name in client.get(url).content.decode()
    Cadre.objects.unscoped().filter(pk=cadre.pk).update(unit=units["32.01"])
    assert cadre.full_name not in client.get(url).content.decode()
    client.force_login(bogor)
    assert cadre.full_name in client.get(url).content.decode()
    assert Session.objects.visible_to(bogor).count() == 1
    assert Evaluation.objects.visible_to(bandung).count() == 0


def test_reminders_take_their_subjects_office_and_follow_it(units):
    # One reminder per kind of subject, all in Bandung; then the cadre, the agreement and the
    # action item's evaluation's agreement move, and each reminder with them.
    bandung, bogor = units["32.73"], units["32.01"]
    pair = pair_in(bandung)
    agreement = AgreementFactory(unit=bandung)
    evaluation = EvaluationFactory(agreement=agreement)
    item = ActionItemFactory(evaluation=EvaluationFactory(agreement=None, mentorship=pair))
    about = {
        "evaluation": ReminderFactory(evaluation=evaluation),
        "action item": ReminderFactory(
            evaluation=None,
            action_item=item,
            recipient=item.owner,
            subject_key=f"a:{item.pk}",
            for_date=dt.date.today(),
        ),
        "agreement": ReminderFactory(
            evaluation=None,
            agreement=agreement,
            recipient=item.owner,
            subject_key="g",
            for_date=dt.date.today(),
        ),
        "pair": ReminderFactory(
            evaluation=None,
            mentorship=pair,
            recipient=item.owner,
            subject_key="m",
            for_date=dt.date.today(),
        ),
    }
    for name, reminder in about.items():
        assert place_of(reminder)[1] == bandung.pk, name
    Cadre.objects.unscoped().filter(pk=pair.enrolment.cadre_id).update(unit=bogor)
    type(agreement).objects.unscoped().filter(pk=agreement.pk).update(unit=bogor)
    for name, reminder in about.items():
        assert place_of(reminder)[1] == bogor.pk, name
