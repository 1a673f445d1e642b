"""The rules of the domain: capacity, pairing, session limits and the 14-day window."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from factories import (
    CadreFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProgramFactory,
    SessionFactory,
)
from programs import services
from programs.forms import SessionForm
from programs.models import Cadre, Enrolment, Mentorship, Session

pytestmark = pytest.mark.django_db


# --- capacity ------------------------------------------------------------------------


def test_it_enrols_while_there_is_a_place():
    program = ProgramFactory(capacity=2)
    enrolment = services.enrolment_create(program=program, cadre=CadreFactory(stage="candidate"))
    assert enrolment.status == Enrolment.Status.APPLIED
    # Enrolment moves a candidate into the pipeline's next stage.
    assert enrolment.cadre.stage == Cadre.Stage.PARTICIPANT


def test_it_refuses_to_enrol_when_full():
    program = ProgramFactory(capacity=1, name="Pelatihan Penuh")
    services.enrolment_create(program=program, cadre=CadreFactory())
    with pytest.raises(services.ProgramFull, match="Pelatihan Penuh is full"):
        services.enrolment_create(program=program, cadre=CadreFactory())
    assert program.enrolments.count() == 1


def test_it_frees_the_place_of_a_withdrawn_cadre():
    program = ProgramFactory(capacity=1)
    first = services.enrolment_create(program=program, cadre=CadreFactory())
    services.enrolment_update(enrolment=first, status="withdrawn", outcome="", notes="")
    services.enrolment_create(program=program, cadre=CadreFactory())
    assert program.enrolments.taking_seats().count() == 1


def test_it_refuses_to_bring_back_a_withdrawn_cadre_into_a_full_program():
    program = ProgramFactory(capacity=1)
    first = EnrolmentFactory(program=program, status="withdrawn")
    EnrolmentFactory(program=program, status="active")
    with pytest.raises(services.ProgramFull):
        services.enrolment_update(enrolment=first, status="active", outcome="", notes="")
    first.refresh_from_db()
    assert first.status == "withdrawn"


def test_it_lets_an_enrolled_cadre_change_status_in_a_full_program():
    program = ProgramFactory(capacity=1)
    enrolment = EnrolmentFactory(program=program, status="applied")
    services.enrolment_update(enrolment=enrolment, status="active", outcome="", notes="")
    assert Enrolment.objects.get(pk=enrolment.pk).status == "active"


def test_it_refuses_the_same_cadre_twice():
    enrolment = EnrolmentFactory()
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrolment_create(program=enrolment.program, cadre=enrolment.cadre)


def test_it_ends_the_mentorships_of_a_withdrawn_cadre():
    pair = MentorshipFactory()
    services.enrolment_update(enrolment=pair.enrolment, status="withdrawn", outcome="", notes="")
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ENDED


# --- pairing -------------------------------------------------------------------------


def test_it_pairs_a_mentor_with_free_capacity(coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    pair = services.mentorship_create(
        mentor=mentor, enrolment=EnrolmentFactory(), override=False, by=coordinator
    )
    assert pair.status == "active" and not pair.over_capacity


def test_it_refuses_a_pairing_over_capacity_without_override(coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    MentorshipFactory(mentor=mentor)
    with pytest.raises(services.MentorOverCapacity, match="pair over capacity"):
        services.mentorship_create(
            mentor=mentor, enrolment=EnrolmentFactory(), override=False, by=coordinator
        )


def test_it_records_a_pairing_over_capacity_with_override(coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    MentorshipFactory(mentor=mentor)
    pair = services.mentorship_create(
        mentor=mentor, enrolment=EnrolmentFactory(), override=True, by=coordinator
    )
    assert pair.over_capacity
    assert mentor.mentorships.active().count() == 2


def test_it_counts_only_active_pairs_against_capacity(coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    MentorshipFactory(mentor=mentor, status="ended")
    services.mentorship_create(
        mentor=mentor, enrolment=EnrolmentFactory(), override=False, by=coordinator
    )


def test_it_refuses_to_pair_a_withdrawn_cadre(coordinator):
    with pytest.raises(ValidationError, match="active or applied"):
        services.mentorship_create(
            mentor=MentorProfileFactory(),
            enrolment=EnrolmentFactory(status="withdrawn"),
            override=False,
            by=coordinator,
        )


def test_it_ranks_suggestions_by_expertise_region_and_capacity(coordinator):
    from partners.models import Province

    jabar, bali = Province.objects.get(name="Jawa Barat"), Province.objects.get(name="Bali")
    cadre = CadreFactory(province=jabar, development_focus="Ingin belajar keuangan desa")
    enrolment = EnrolmentFactory(cadre=cadre)
    expert_far = MentorProfileFactory(expertise="keuangan, pajak", province=bali)
    near = MentorProfileFactory(expertise="teknologi", province=jabar)
    expert_near_full = MentorProfileFactory(expertise="keuangan", province=jabar, mentee_capacity=1)
    MentorshipFactory(mentor=expert_near_full)
    nobody = MentorProfileFactory(expertise="pertanian", province=bali)

    ranked = [s.mentor for s in services.mentor_suggestions(enrolment=enrolment, user=coordinator)]
    # Full mentors go last whatever their match; expertise beats a shared province.
    assert ranked == [expert_far, near, nobody, expert_near_full]
    best = services.mentor_suggestions(enrolment=enrolment, user=coordinator)[0]
    assert best.matched_expertise == ["keuangan"]


# --- sessions ------------------------------------------------------------------------


def session_form(user, pair, **overrides):
    data = {
        "mentorship": pair.pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 60,
        "mode": "online",
        "attendance": "attended",
        "topics": "Rencana kerja",
        **overrides,
    }
    return SessionForm(data, user=user)


def test_it_accepts_a_session_today(pair_a):
    assert session_form(pair_a.mentor.user, pair_a).is_valid()


def test_it_refuses_a_session_in_the_future(pair_a):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = session_form(pair_a.mentor.user, pair_a, date=tomorrow.isoformat())
    assert not form.is_valid()
    assert "cannot be in the future" in form.errors["date"][0]


@pytest.mark.parametrize(("minutes", "ok"), [(4, False), (5, True), (600, True), (601, False)])
def test_it_limits_the_duration_to_5_to_600_minutes(pair_a, minutes, ok):
    form = session_form(pair_a.mentor.user, pair_a, duration_minutes=minutes)
    assert form.is_valid() is ok
    if not ok:
        assert "duration_minutes" in form.errors


def test_it_refuses_a_duration_outside_the_limits_in_the_database(pair_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            mentorship=pair_a, duration_minutes=700, logged_by=pair_a.mentor.user
        )


def test_it_lets_the_mentor_change_a_session_for_14_days(mentor_a, pair_a):
    with time_machine.travel(dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        session = SessionFactory(mentorship=pair_a, date=dt.date(2025, 4, 30))
        assert mentor_a.has_perm("programs.amend_session", session)
    with time_machine.travel(dt.datetime(2025, 5, 15, 8, 59, tzinfo=dt.UTC), tick=False):
        assert mentor_a.has_perm("programs.amend_session", session)
        assert mentor_a.has_perm("programs.remove_session", session)
    with time_machine.travel(dt.datetime(2025, 5, 15, 9, 1, tzinfo=dt.UTC), tick=False):
        assert not mentor_a.has_perm("programs.amend_session", session)
        assert not mentor_a.has_perm("programs.remove_session", session)


def test_it_never_lets_another_user_change_a_session(coordinator, mentor_b, session_a):
    assert not mentor_b.has_perm("programs.amend_session", session_a)
    assert not coordinator.has_perm("programs.amend_session", session_a)


# --- who sees what -------------------------------------------------------------------


def test_it_shows_a_mentor_only_their_own_mentees(mentor_a, pair_a, pair_b, session_a, session_b):
    assert list(Mentorship.objects.visible_to(mentor_a)) == [pair_a]
    assert list(Session.objects.visible_to(mentor_a)) == [session_a]
    assert list(Cadre.objects.visible_to(mentor_a)) == [pair_a.enrolment.cadre]


def test_it_shows_nothing_to_an_outsider(outsider, pair_a, session_a):
    assert not Mentorship.objects.visible_to(outsider).exists()
    assert not Session.objects.visible_to(outsider).exists()
    assert not Cadre.objects.visible_to(outsider).exists()


def test_it_offers_a_mentor_only_their_own_mentees_in_the_session_form(pair_a, pair_b):
    form = SessionForm(user=pair_a.mentor.user)
    assert list(form.fields["mentorship"].queryset) == [pair_a]


def test_it_refuses_another_mentors_mentee_in_the_session_form(pair_a, pair_b):
    # Mentor A forges the id of mentor B's mentee in the POST.
    form = session_form(pair_a.mentor.user, pair_b)
    assert not form.is_valid()
    assert "mentorship" in form.errors


def test_it_marks_a_mentee_not_met_for_30_days_as_stale():
    pair = MentorshipFactory(started_on=dt.date(2025, 1, 1))
    pair.last_session_on = dt.date(2025, 3, 1)
    assert not pair.is_stale(dt.date(2025, 3, 31))
    assert pair.is_stale(dt.date(2025, 4, 1))
