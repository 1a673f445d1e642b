"""seed_scale on the tiny tier: the rows are there, consistent, and the same for one seed."""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

from devtools import scale
from evaluations.models import Evaluation, Reminder
from partners.models import Agreement, Partner
from programs.models import Cadre, Enrolment, Mentorship, Session

pytestmark = pytest.mark.django_db


def need_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (seed_scale loads through COPY): set "
            "DATABASE_URL=postgres://user@host:5432/name (it is not a postgres:// URL)"
        )


def fingerprint() -> str:
    rows = Session.objects.order_by("pk").values_list("pk", "mentorship_id", "date", "mode")
    rows = list(rows) + list(Cadre.objects.order_by("pk").values_list("full_name", "city_id"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_loads_every_table_consistently():
    need_postgres()
    counts = scale.seed("tiny", seed=3, say=lambda _line: None)
    # Django's foreign keys are deferred: check them now, not at a commit that never comes.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    tiny = scale.TIERS["tiny"]
    assert Cadre.objects.count() == counts["programs_cadre"] == tiny.cadres
    assert Partner.objects.count() == tiny.partners
    assert Session.objects.count() == counts["programs_session"]
    assert tiny.sessions * 0.95 <= Session.objects.count() <= tiny.sessions
    assert 0 < Evaluation.objects.count() <= tiny.evaluations
    assert Reminder.objects.exists()
    # Every agreement kind, program kind and evaluation state is there.
    assert Agreement.objects.values("formality", "basis").distinct().count() == 4
    assert set(Evaluation.objects.values_list("status", flat=True)) == set(Evaluation.Status)
    assert {"agreement", "program", "mentorship"} == {
        e.subject_type for e in Evaluation.objects.all()
    }
    # Places, pairs and dates agree with each other.
    assert not Cadre.objects.exclude(city__province=F("province")).exists()
    assert not Mentorship.objects.exclude(enrolment__status__in=["active", "completed"]).exists()
    assert not Session.objects.filter(date__lt=F("mentorship__started_on")).exists()
    assert not Session.objects.filter(date__gt=timezone.localdate()).exists()
    assert not Session.objects.exclude(logged_by=F("mentorship__mentor__user")).exists()
    assert not Enrolment.objects.filter(
        status__in=["active", "completed"], mentorships__isnull=True
    ).exists()
    oldest = Session.objects.order_by("date").first().date
    assert timezone.localdate() - oldest <= dt.timedelta(days=731)


def test_it_gives_the_same_rows_for_the_same_seed_and_the_sequences_move_on():
    need_postgres()
    scale.seed("tiny", seed=5, say=lambda _line: None)
    first = fingerprint()
    scale.wipe()
    scale.seed("tiny", seed=5, say=lambda _line: None)
    assert fingerprint() == first
    # New rows made through the ORM get ids after the seeded ones.
    partner = Partner.objects.create(name="Baru setelah seed", sector="ngo")
    assert partner.pk > scale.TIERS["tiny"].partners


def test_it_logs_the_seeded_users_in():
    # A benchmark user tries to log in with the published password.
    need_postgres()
    scale.seed("tiny", seed=1, say=lambda _line: None)
    client = Client()
    answer = client.post(
        "/accounts/login/", {"username": "scale-coordinator", "password": scale.PASSWORD}
    )
    assert answer.status_code == 302
    assert client.get("/programs/cadres/").status_code == 200
    assert client.get("/bench/floor").status_code == 200
    assert client.get("/bench/layout").status_code == 200


def test_it_refuses_a_database_with_data(coordinator):
    # Someone runs seed_scale on a database that already has partners.
    need_postgres()
    Partner.objects.create(name="Sudah ada", sector="ngo")
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", "--tier", "tiny")


def test_it_sends_an_anonymous_visitor_of_the_floor_to_the_login(client):
    # Someone not logged in opens the benchmark floor.
    answer = client.get("/bench/floor")
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_it_staffs_every_office_and_places_every_record():
    need_postgres()
    from django.contrib.auth import get_user_model

    from jurisdictions import seeding as offices
    from jurisdictions.models import Membership, Organisation, Unit
    from jurisdictions.scope import scope_of

    scale.seed("tiny", seed=3, say=lambda _line: None)
    # A coordinator for every province and regency/city, the scale coordinators national.
    assert Membership.objects.filter(unit__level__gt=1).count() == Unit.objects.count() - 1
    national = get_user_model().objects.get(username="scale-coordinator")
    assert scope_of(national).unit_ids() is None
    # Cadres sit in the unit of their city; a tenth of them with the second organisation.
    cadre = Cadre.objects.select_related("city", "unit").order_by("pk").first()
    assert cadre.unit.code == cadre.city.code
    second = Organisation.objects.get(name=offices.SECOND_ORGANISATION)
    shared = Cadre.objects.filter(organisation=second).count()
    assert shared == scale.TIERS["tiny"].cadres // offices.SHARE_EVERY
    # The city's office coordinator sees the cadres of that city, in their organisation.
    office = get_user_model().objects.get(username=offices.office_username(cadre.city.code))
    visible = Cadre.objects.visible_to(office)
    expected = Cadre.objects.filter(city=cadre.city).exclude(organisation=second)
    assert set(visible) == set(expected) and cadre in visible


def test_it_places_every_session_and_evaluation_as_the_triggers_would():
    # The seed loads with the row triggers off and places the rows by joins at the end:
    # every session sits in its cadre's office, every evaluation in its subject's; and the
    # triggers are on again afterwards (a session saved now is placed by the database).
    need_postgres()
    from evaluations.models import Evaluation, Reminder
    from programs.models import Session

    scale.seed("tiny", seed=4, say=lambda _line: None)
    sessions = Session.objects.unscoped().select_related("mentorship__enrolment__cadre")
    assert sessions.exists()
    for session in sessions:
        cadre = session.mentorship.enrolment.cadre
        assert (session.organisation_id, session.unit_id) == (cadre.organisation_id, cadre.unit_id)
    evaluations = Evaluation.objects.unscoped().select_related(
        "agreement", "program", "mentorship__enrolment__cadre"
    )
    assert evaluations.filter(mentorship__isnull=False).exists()
    for evaluation in evaluations:
        subject = (
            evaluation.agreement or evaluation.program or evaluation.mentorship.enrolment.cadre
        )
        assert (evaluation.organisation_id, evaluation.unit_id) == (
            subject.organisation_id,
            subject.unit_id,
        )
    reminders = Reminder.objects.unscoped()
    assert reminders.exists() and not reminders.filter(unit__isnull=True).exists()
    session = sessions.first()
    Session.objects.unscoped().filter(pk=session.pk).update(unit=None)
    session.save()
    session.refresh_from_db()
    assert session.unit_id == session.mentorship.enrolment.cadre.unit_id


def test_it_counts_every_mentors_active_pairs_as_the_triggers_would():
    # The pairs and profiles are copied with the row triggers off: the seed counts each
    # mentor's active pairs and cuts their expertise into words itself (programs/
    # mentor_load.py and expertise_words.py keep them afterwards), and the triggers are on
    # again (a pair ended now moves its mentor's count).
    need_postgres()
    from django.db.models import Count, Q

    from programs.models import MentorProfile

    scale.seed("tiny", seed=5, say=lambda _line: None)
    mentors = MentorProfile.objects.unscoped().annotate(
        n=Count("mentorships", filter=Q(mentorships__status="active"))
    )
    assert mentors.filter(n__gt=0).exists()
    assert {(m.pk, m.active_mentees_count) for m in mentors} == {(m.pk, m.n) for m in mentors}
    # The expertise words the pairing ranks by, likewise.
    from programs.services import _words

    with connection.cursor() as cursor:
        cursor.execute("SELECT mentor_id, word FROM programs_mentorword")
        kept = set(cursor.fetchall())
    assert kept == {(m.pk, word) for m in mentors for word in _words(m.expertise)}
    pair = Mentorship.objects.unscoped().filter(status="active").first()
    before = pair.mentor.active_mentees_count
    Mentorship.objects.unscoped().filter(pk=pair.pk).update(status="ended")
    pair.mentor.refresh_from_db()
    assert pair.mentor.active_mentees_count == before - 1
