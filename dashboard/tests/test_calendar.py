"""The personal calendar feed: valid iCalendar, only one's own dates, 404 once revoked."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from dashboard.models import CalendarFeed
from factories import (
    ActionItemFactory,
    AgreementFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def soon(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def read_feed(client, user) -> Calendar:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    response = client.get(reverse("dashboard:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> set[str]:
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


@pytest.fixture
def dated(coordinator, mentor_a, mentor_b):
    agreement = AgreementFactory(title="Kemitraan Desa Maju", status="active", end_date=soon(40))
    EvaluationFactory(agreement=agreement, due_date=soon(5), evaluator=coordinator)
    pair = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    theirs = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_b))
    mine = EvaluationFactory(agreement=None, mentorship=pair, due_date=soon(10), evaluator=mentor_a)
    ActionItemFactory(evaluation=mine, description="Kunjungi lokasi magang", due_date=soon(12))
    EvaluationFactory(agreement=None, mentorship=theirs, due_date=soon(9), evaluator=mentor_b)
    SessionFactory(mentorship=pair, duration_minutes=45)
    SessionFactory(mentorship=theirs)
    return {"pair": pair}


def test_it_gives_a_coordinator_evaluations_actions_and_agreement_ends(client, coordinator, dated):
    # A calendar app reads the coordinator's feed (no login: the secret URL is the key).
    calendar = read_feed(client, coordinator)
    names = summaries(calendar)
    # its evaluation and its end date
    assert sum(1 for n in names if "Kemitraan Desa Maju" in n) == 2
    assert sum(1 for n in names if "Kunjungi lokasi magang" in n) == 1
    assert len(calendar.walk("VEVENT")) == 5  # three evaluations, one action, one agreement end
    for event in calendar.walk("VEVENT"):
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"]


def test_it_gives_a_mentor_only_their_own_dates_and_sessions(client, mentor_a, dated):
    # Mentor A's phone reads their feed: their evaluation, action item and session only.
    calendar = read_feed(client, mentor_a)
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    cadre = dated["pair"].enrolment.cadre.full_name
    assert any(cadre in str(e["SUMMARY"]) and "45" in str(e["SUMMARY"]) for e in events)
    assert not any("Desa Maju" in str(e["SUMMARY"]) for e in events)


def test_it_answers_404_for_an_unknown_token(client, coordinator):
    # Someone guesses a feed address.
    assert client.get(reverse("dashboard:calendar_feed", args=["not-a-token"])).status_code == 404


def test_it_answers_404_once_revoked_and_for_the_old_token_after_regenerating(client, mentor_a):
    # Mentor A makes a feed address, makes a new one, then revokes it.
    client.force_login(mentor_a)
    client.post(reverse("dashboard:calendar_settings"), {"action": "create"})
    first = CalendarFeed.objects.get(user=mentor_a).token
    page = client.get(reverse("dashboard:calendar_settings")).content.decode()
    assert reverse("dashboard:calendar_feed", args=[first]) in page
    client.post(reverse("dashboard:calendar_settings"), {"action": "regenerate"})
    second = CalendarFeed.objects.get(user=mentor_a).token
    assert second != first
    client.logout()
    assert client.get(reverse("dashboard:calendar_feed", args=[first])).status_code == 404
    assert client.get(reverse("dashboard:calendar_feed", args=[second])).status_code == 200
    client.force_login(mentor_a)
    client.post(reverse("dashboard:calendar_settings"), {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=mentor_a).exists()
    assert client.get(reverse("dashboard:calendar_feed", args=[second])).status_code == 404


def test_it_stops_the_feed_of_a_user_who_lost_their_role_or_account(client, outsider, mentor_a):
    # An outsider's old feed, and a deactivated mentor's, answer 404.
    lost = CalendarFeed.objects.create(user=outsider)
    assert client.get(reverse("dashboard:calendar_feed", args=[lost.token])).status_code == 404
    gone = CalendarFeed.objects.create(user=mentor_a)
    mentor_a.is_active = False
    mentor_a.save()
    assert client.get(reverse("dashboard:calendar_feed", args=[gone.token])).status_code == 404


def test_a_feed_stays_revoked_when_its_account_is_deactivated_and_reactivated(client, mentor_a):
    # Mentor A leaves; the account is deactivated in admin, later reactivated for a return.
    feed = CalendarFeed.objects.create(user=mentor_a)
    url = reverse("dashboard:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    mentor_a.is_active = False
    mentor_a.save()
    assert not CalendarFeed.objects.filter(user=mentor_a).exists()
    mentor_a.is_active = True
    mentor_a.save()
    # Whoever kept the old address (a shared calendar, a lost phone) reads nothing again.
    assert client.get(url).status_code == 404
    # The mentor makes a new address if they want one.
    client.force_login(mentor_a)
    client.post(reverse("dashboard:calendar_settings"), {"action": "create"})
    assert CalendarFeed.objects.get(user=mentor_a).token != feed.token


def test_it_lets_nobody_change_someone_elses_feed(client, mentor_a, mentor_b):
    # Mentor B revokes "their" feed: mentor A's stays.
    feed = CalendarFeed.objects.create(user=mentor_a)
    client.force_login(mentor_b)
    client.post(reverse("dashboard:calendar_settings"), {"action": "revoke"})
    assert CalendarFeed.objects.filter(pk=feed.pk, token=feed.token).exists()


def test_it_keeps_a_coordinators_feed_to_the_earliest_of_each_kind(
    client, coordinator, monkeypatch
):
    # Issue 20: a national coordinator sees hundreds of thousands of open evaluations; the
    # feed holds the earliest EVENTS_PER_KIND of them (here 2 of 3).
    from dashboard import calendar
    from factories import EvaluationFactory

    monkeypatch.setattr(calendar, "EVENTS_PER_KIND", 2)
    for days in (30, 10, 20):
        EvaluationFactory(due_date=soon(days))
    events = list(read_feed(client, coordinator).walk("VEVENT"))
    due = sorted(e.decoded("dtstart") for e in events if "evaluation-" in str(e["uid"]))
    assert due == [soon(10), soon(20)]
