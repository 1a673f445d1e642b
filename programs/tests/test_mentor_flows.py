"""A mentor's day on the phone: home, logging a session, editing it, goals."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from factories import DevelopmentGoalFactory, MentorshipFactory, SessionFactory
from programs.models import Session
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db


def test_it_lists_my_mentees_with_last_session_and_a_30_day_warning(client, mentor_a, profile_a):
    # Mentor A opens their home: one mentee met last week, one not for 40 days.
    today = timezone.localdate()
    recent = MentorshipFactory(mentor=profile_a, enrolment__cadre__full_name="Ayu Lestari")
    SessionFactory(mentorship=recent, date=today - dt.timedelta(days=7))
    quiet = MentorshipFactory(mentor=profile_a, enrolment__cadre__full_name="Bagus Wijaya")
    SessionFactory(mentorship=quiet, date=today - dt.timedelta(days=40))
    english(client).force_login(mentor_a)
    response = client.get(reverse("programs:mentor_home"))
    page = response.content.decode()
    assert "Ayu Lestari" in page and "Bagus Wijaya" in page
    assert (today - dt.timedelta(days=7)).strftime("%-d %b %Y") in page
    assert page.count('data-testid="stale"') == 1
    assert "1 mentee has not been met for 30 days" in page


def test_it_shows_an_empty_home_to_a_new_mentor(client, mentor_a):
    english(client).force_login(mentor_a)
    page = client.get(reverse("programs:mentor_home")).content.decode()
    assert "You have no mentees yet" in page


def test_it_prefills_today_and_60_minutes(client, mentor_a, pair_a):
    # Mentor A opens "log a session" from a mentee's row.
    client.force_login(mentor_a)
    response = client.get(reverse("programs:session_create"), {"mentee": pair_a.pk})
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["duration_minutes"].value() == 60
    assert form["mentorship"].value() == pair_a.pk


def test_it_logs_a_session_in_one_post(client, mentor_a, pair_a):
    # Mentor A logs a phone call with their mentee.
    client.force_login(mentor_a)
    response = client.post(
        reverse("programs:session_create"),
        {
            "mentorship": pair_a.pk,
            "date": timezone.localdate().isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "attendance": "attended",
            "topics": "Persiapan musyawarah desa",
            "notes": "",
            "next_steps": "Latihan pidato",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.logged_by, session.mode, session.duration_minutes) == (mentor_a, "phone", 30)
    assert response["Location"] == pair_a.get_absolute_url()


def test_it_shows_errors_at_the_field_and_keeps_the_input(client, mentor_a, pair_a):
    # Mentor A types a future date and a 700-minute session.
    english(client).force_login(mentor_a)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("programs:session_create"),
        {
            "mentorship": pair_a.pk,
            "date": future,
            "duration_minutes": 700,
            "mode": "online",
            "attendance": "attended",
            "topics": "Topik yang disimpan",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be in the future" in form.errors["date"][0]
    assert "at most 600 minutes" in form.errors["duration_minutes"][0]
    assert "Topik yang disimpan" in response.content.decode()
    assert not Session.objects.exists()


def test_it_refuses_a_forged_mentee_id(client, mentor_a, pair_a, pair_b):
    # Mentor A posts a session for mentor B's mentee.
    client.force_login(mentor_a)
    response = client.post(
        reverse("programs:session_create"),
        {
            "mentorship": pair_b.pk,
            "date": timezone.localdate().isoformat(),
            "duration_minutes": 60,
            "mode": "online",
            "attendance": "attended",
        },
    )
    assert response.status_code == 200
    assert "mentorship" in response.context["form"].errors
    assert not Session.objects.exists()


def test_it_offers_no_other_mentee_in_the_drop_down(client, mentor_a, pair_a, pair_b):
    client.force_login(mentor_a)
    page = client.get(reverse("programs:session_create")).content.decode()
    assert pair_a.enrolment.cadre.full_name in page
    assert pair_b.enrolment.cadre.full_name not in page


def test_it_lets_the_mentor_edit_within_14_days(client, mentor_a, pair_a):
    with time_machine.travel(dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        session = SessionFactory(mentorship=pair_a, date=dt.date(2025, 6, 1))
    with time_machine.travel(dt.datetime(2025, 6, 14, 3, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(mentor_a)
        response = client.post(
            reverse("programs:session_edit", args=[session.pk]),
            {
                "date": "2025-06-01",
                "duration_minutes": 90,
                "mode": "online",
                "attendance": "attended",
                "topics": "Diperbarui",
            },
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.duration_minutes, session.topics) == (90, "Diperbarui")


def test_it_makes_a_session_read_only_after_14_days(client, mentor_a, pair_a):
    with time_machine.travel(dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        session = SessionFactory(mentorship=pair_a, date=dt.date(2025, 6, 1))
    with time_machine.travel(dt.datetime(2025, 6, 16, 3, 0, tzinfo=dt.UTC), tick=False):
        english(client).force_login(mentor_a)
        edit = client.post(
            reverse("programs:session_edit", args=[session.pk]),
            {"duration_minutes": 5},
            follow=True,
        )
        delete = client.post(reverse("programs:session_delete", args=[session.pk]))
        page = client.get(pair_a.get_absolute_url()).content.decode()
    assert "This session is read-only" in edit.content.decode()
    assert delete.status_code == 302
    session.refresh_from_db()
    assert session.duration_minutes == 60
    assert reverse("programs:session_edit", args=[session.pk]) not in page


def test_it_deletes_an_own_recent_session(client, mentor_a, session_a):
    client.force_login(mentor_a)
    response = client.post(reverse("programs:session_delete", args=[session_a.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session_a.pk).exists()


def test_it_updates_goal_progress(client, mentor_a, pair_a):
    # Mentor A moves a goal to 60% after a session.
    goal = DevelopmentGoalFactory(mentorship=pair_a)
    client.force_login(mentor_a)
    response = client.post(
        reverse("programs:goal_progress", args=[goal.pk]),
        {"progress": 60, "progress_note": "Sudah memimpin dua rapat"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 60
    assert goal.history.count() == 2  # the change is on record


def test_it_refuses_progress_over_100(client, mentor_a, pair_a):
    goal = DevelopmentGoalFactory(mentorship=pair_a)
    client.force_login(mentor_a)
    response = client.post(reverse("programs:goal_progress", args=[goal.pk]), {"progress": 150})
    assert response.status_code == 200
    assert "progress" in response.context["form"].errors


def test_it_adds_a_goal_to_a_mentorship(client, mentor_a, pair_a):
    client.force_login(mentor_a)
    response = client.post(
        reverse("programs:goal_create", args=[pair_a.pk]),
        {
            "title": "Menulis proposal",
            "progress": 0,
            # A target is a plan: in the future (a past one is refused, test_date_rules.py).
            "target_date": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert pair_a.goals.get().title == "Menulis proposal"


def test_it_shows_the_mentee_history(client, mentor_a, pair_a, session_a):
    client.force_login(mentor_a)
    page = client.get(pair_a.get_absolute_url()).content.decode()
    assert session_a.topics in page
    assert reverse("programs:session_edit", args=[session_a.pk]) in page
