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


# --- The feed kept for the next poll (issue 20) ------------------------------------------


def feed_url(feed: CalendarFeed) -> str:
    return reverse("dashboard:calendar_feed", args=[feed.token])


def test_a_second_poll_is_served_from_the_cache_until_it_is_dropped(client, coordinator):
    # The coordinator's calendar app polls twice; a new evaluation in between shows only
    # once the kept feed is gone (at most FEED_KEEP later).
    from django.core.cache import cache

    EvaluationFactory(due_date=soon(5))
    feed = CalendarFeed.objects.create(user=coordinator)
    first = client.get(feed_url(feed)).content
    EvaluationFactory(due_date=soon(6))
    assert client.get(feed_url(feed)).content == first
    cache.clear()
    events = Calendar.from_ical(client.get(feed_url(feed)).content).walk("VEVENT")
    assert sum(1 for e in events if "evaluation-" in str(e["UID"])) == 2
    assert first.count(b"UID:evaluation-") == 1


def sessions_of(body: str) -> set[int]:
    events = Calendar.from_ical(body).walk("VEVENT")
    uids = [str(e["UID"]) for e in events if str(e["UID"]).startswith("session-")]
    return {int(uid.removeprefix("session-").removesuffix("@kader")) for uid in uids}


def test_a_kept_feed_is_never_anothers_and_stops_at_once_when_revoked(
    client, mentor_a, mentor_b, dated
):
    # Both mentors' apps poll; each gets their own pair's session, from the cache too.
    feed_a = CalendarFeed.objects.create(user=mentor_a)
    feed_b = CalendarFeed.objects.create(user=mentor_b)
    for _round in range(2):
        body_a = client.get(feed_url(feed_a)).content.decode()
        body_b = client.get(feed_url(feed_b)).content.decode()
        assert sessions_of(body_a) == {dated["pair"].sessions.get().pk}
        assert len(sessions_of(body_b)) == 1 and sessions_of(body_b) != sessions_of(body_a)
    # Mentor A regenerates, then revokes: the old address stops while its feed is still kept.
    client.force_login(mentor_a)
    client.post(reverse("dashboard:calendar_settings"), {"action": "regenerate"})
    client.logout()
    assert client.get(feed_url(feed_a)).status_code == 404
    renewed = CalendarFeed.objects.get(user=mentor_a)
    assert client.get(feed_url(renewed)).status_code == 200
    client.force_login(mentor_a)
    client.post(reverse("dashboard:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url(renewed)).status_code == 404
    # A role taken away stops the kept feed too.
    mentor_b.groups.clear()
    assert client.get(feed_url(feed_b)).status_code == 404


def test_a_kept_feed_follows_the_owners_language(client, coordinator):
    from evaluations.models import ReminderPreference

    EvaluationFactory(due_date=soon(5))
    feed = CalendarFeed.objects.create(user=coordinator)
    preference, _ = ReminderPreference.objects.get_or_create(user=coordinator)
    for language, word in (("en", "Evaluation due"), ("id", "Evaluasi")):
        preference.language = language
        preference.save()
        assert word in client.get(feed_url(feed)).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_feed_costs_fixed_queries_built_and_fewer_kept(
    client, mentor_a, size, django_assert_num_queries
):
    # A mentor with `size` pairs, each with a session and an evaluation due soon.
    profile = MentorProfileFactory(user=mentor_a)
    for _ in range(size):
        pair = MentorshipFactory(mentor=profile)
        SessionFactory(mentorship=pair, logged_by=mentor_a)
        EvaluationFactory(agreement=None, mentorship=pair, due_date=soon(5), evaluator=mentor_a)
    feed = CalendarFeed.objects.create(user=mentor_a)
    with django_assert_num_queries(BUILT):
        built = client.get(feed_url(feed))
    events = Calendar.from_ical(built.content).walk("VEVENT")
    assert sum(1 for e in events if "session-" in str(e["UID"])) == size
    with django_assert_num_queries(KEPT):
        assert client.get(feed_url(feed)).content == built.content


# Kept: the token with its user, the user's roles (the feed's rule), the last use, the
# language. Built, five more: evaluations, the ids of those the mentor writes, action
# items, agreements, sessions.
BUILT = 9
KEPT = 4


def test_the_written_feed_reads_back_exactly_with_an_icalendar_parser(client, mentor_a):
    # The feed is written as text (not through icalendar's objects): a long name with
    # accents, commas, semicolons, a backslash and line breaks come back as they were, and
    # no line is longer than 75 octets.
    from programs.models import Cadre

    name = "Ñoño Ağaoğlu-Widjaja, S.Kom.; " + "Łukasz Ędward Çelik " * 4
    topics = "Rencana: a, b; c\\d\nbaris dua — ü\r\nbaris tiga"
    pair = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    Cadre.objects.unscoped().filter(pk=pair.enrolment.cadre_id).update(full_name=name)
    SessionFactory(mentorship=pair, duration_minutes=45, topics=topics)
    feed = CalendarFeed.objects.create(user=mentor_a)
    body = client.get(feed_url(feed)).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert body.endswith(b"END:VCALENDAR\r\n")
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Pembimbingan: {name} (45 mnt)"  # the feed is Indonesian
    assert str(event["DESCRIPTION"]) == topics.replace("\r\n", "\n")
    assert event.decoded("dtstart") == pair.sessions.get().date
    assert event.decoded("dtend") == pair.sessions.get().date + dt.timedelta(days=1)
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_a_mentor_gets_the_action_items_they_own_or_whose_evaluation_they_write(
    client, mentor_a, mentor_b
):
    # Mentor A owns an action item of mentor B's evaluation, and writes an evaluation with
    # someone else's action item; mentor B's own item on B's evaluation stays B's.
    pair_a = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    pair_b = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_b))
    theirs = EvaluationFactory(agreement=None, mentorship=pair_b, evaluator=mentor_b)
    mine = EvaluationFactory(agreement=None, mentorship=pair_a, evaluator=mentor_a)
    ActionItemFactory(evaluation=theirs, owner=mentor_a, description="Milik A", due_date=soon(3))
    ActionItemFactory(
        evaluation=mine, owner=mentor_b, description="Dari evaluasi A", due_date=soon(4)
    )
    ActionItemFactory(evaluation=theirs, owner=mentor_b, description="Milik B", due_date=soon(5))
    names = summaries(read_feed(client, mentor_a))
    assert any("Milik A" in n for n in names) and any("Dari evaluasi A" in n for n in names)
    assert not any("Milik B" in n for n in names)


def test_a_kept_feed_is_not_served_after_its_owner_moved_to_another_office(client):
    # A district coordinator's app polls; they are moved to another district: the next poll
    # shows the new district's evaluations, not the kept feed of the old one.
    from accounts.roles import COORDINATOR
    from factories import ProgramFactory, UserFactory
    from jurisdictions.models import Membership, Unit
    from jurisdictions.regions import ensure_loaded

    ensure_loaded()
    bandung, semarang = Unit.objects.get(code="32.73"), Unit.objects.get(code="33.74")
    here = EvaluationFactory(agreement=None, program=ProgramFactory(unit=bandung), due_date=soon(5))
    there = EvaluationFactory(
        agreement=None, program=ProgramFactory(unit=semarang), due_date=soon(6)
    )
    coordinator = UserFactory(role=COORDINATOR, unit="32.73")
    feed = CalendarFeed.objects.create(user=coordinator)
    before = client.get(feed_url(feed)).content.decode()
    assert f"evaluation-{here.pk}@" in before and f"evaluation-{there.pk}@" not in before
    Membership.objects.filter(user=coordinator).update(unit=semarang)
    after = client.get(feed_url(feed)).content.decode()
    assert f"evaluation-{there.pk}@" in after and f"evaluation-{here.pk}@" not in after
