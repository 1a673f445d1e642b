"""What the database keeps for the pairing page: a mentor's active-pair count on the profile
(programs/mentor_load.py) and the words of their expertise (programs/expertise_words.py).
After every kind of change to a pair the count equals a fresh count of the mentor's
active pairs; after every change of the expertise the words are its words."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from factories import EnrolmentFactory, MentorProfileFactory, MentorshipFactory
from programs import services
from programs.models import Enrolment, MentorProfile, Mentorship

pytestmark = pytest.mark.django_db


def assert_counts_kept() -> None:
    """Every profile's kept count against a COUNT of its active pairs, read now."""
    fresh = MentorProfile.objects.unscoped().annotate(
        n=Count("mentorships", filter=Q(mentorships__status="active"))
    )
    got = {m.pk: (m.active_mentees_count, m.n) for m in fresh}
    assert got and all(kept == counted for kept, counted in got.values()), got


def kept(mentor: MentorProfile) -> int:
    mentor.refresh_from_db(fields=["active_mentees_count"])
    return mentor.active_mentees()


@pytest.fixture
def mentors():
    return MentorProfileFactory(mentee_capacity=5), MentorProfileFactory(mentee_capacity=5)


def test_pairing_and_ending_through_the_workflows_move_the_count(mentors, coordinator):
    ana, _budi = mentors
    pair = services.mentorship_create(
        mentor=ana, enrolment=EnrolmentFactory(), override=False, by=coordinator
    )
    services.mentorship_create(mentor=ana, enrolment=EnrolmentFactory(), override=False, by=None)
    assert kept(ana) == 2 and ana.free_capacity() == 3
    services.mentorship_end(mentorship=pair)
    assert kept(ana) == 1
    assert_counts_kept()


def test_a_pair_moved_to_another_mentor_moves_its_count(mentors):
    ana, budi = mentors
    pair = MentorshipFactory(mentor=ana)
    MentorshipFactory(mentor=ana, status="ended")
    pair.mentor = budi
    pair.save()
    assert (kept(ana), kept(budi)) == (0, 1)
    # An ended pair moved changes nobody's load.
    Mentorship.objects.filter(status="ended").update(mentor=budi)
    assert (kept(ana), kept(budi)) == (0, 1)
    assert_counts_kept()


def test_bulk_updates_and_deletes_keep_every_count(mentors):
    ana, budi = mentors
    for mentor in (ana, ana, ana, budi):
        MentorshipFactory(mentor=mentor)
    Mentorship.objects.filter(mentor=ana).update(status="ended")
    assert (kept(ana), kept(budi)) == (0, 1)
    Mentorship.objects.filter(mentor=ana).update(status="active")
    Mentorship.objects.filter(mentor=budi).update(mentor=ana)
    assert (kept(ana), kept(budi)) == (4, 0)
    Mentorship.objects.filter(pk__in=Mentorship.objects.values("pk")[:2]).delete()
    assert kept(ana) == 2
    Mentorship.objects.create(mentor=budi, enrolment=EnrolmentFactory(), status="ended")
    Mentorship.objects.bulk_create(
        [Mentorship(mentor=budi, enrolment=EnrolmentFactory()) for _ in range(3)]
    )
    assert kept(budi) == 3
    assert_counts_kept()


def test_a_withdrawn_enrolment_ends_its_pairs_and_their_counts(mentors):
    ana, budi = mentors
    enrolment = EnrolmentFactory()
    MentorshipFactory(mentor=ana, enrolment=enrolment)
    MentorshipFactory(mentor=budi, enrolment=enrolment)
    services.enrolment_update(
        enrolment=enrolment, status=Enrolment.Status.WITHDRAWN, outcome="", notes=""
    )
    assert (kept(ana), kept(budi)) == (0, 0)
    assert_counts_kept()


def test_a_stale_profile_saved_after_a_pairing_keeps_the_count(mentors):
    # A form holds the profile from before a pairing and saves every column: the database
    # recounts rather than store the count the form read.
    ana, _budi = mentors
    held = MentorProfile.objects.get(pk=ana.pk)
    MentorshipFactory(mentor=ana)
    held.mentee_capacity = 4
    held.save()
    assert kept(ana) == 1
    MentorProfile.objects.filter(pk=ana.pk).update(active_mentees_count=9)
    assert kept(ana) == 1


def test_the_admin_ending_a_pair_moves_the_count(client, admin, mentors):
    # An administrator ends a pair in the admin's change form.
    ana, _budi = mentors
    pair = MentorshipFactory(mentor=ana)
    client.force_login(admin)
    url = reverse("admin:programs_mentorship_change", args=[pair.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(mentor=ana.pk, enrolment=pair.enrolment_id, status="ended", started_on="2025-02-01")
    data.update(ended_on="2025-03-01", over_capacity="", created_by="")
    # The goals' inline, empty.
    data.update({"goals-TOTAL_FORMS": 0, "goals-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302
    assert kept(ana) == 0
    assert_counts_kept()


def kept_words(mentor_id: int) -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        sql = "SELECT tag, word FROM programs_mentorword WHERE mentor_id = %s"
        cursor.execute(sql, [mentor_id])
        return set(cursor.fetchall())


def test_the_expertise_words_follow_every_change_of_the_expertise(postgres):
    # The pairing's ranking counts matching tags from these rows: each tag's words as
    # services._words cuts them, whatever writes the profile.
    mentor = MentorProfileFactory(expertise="Keuangan desa, PUBLIC-speaking, ab, desa")
    assert kept_words(mentor.pk) == {
        (1, "keuangan"),
        (1, "desa"),
        (2, "public"),
        (2, "speaking"),
        (4, "desa"),
    }
    assert {w for _tag, w in kept_words(mentor.pk)} == services._words(mentor.expertise)
    mentor.expertise = "gizi balita"
    mentor.save()
    assert kept_words(mentor.pk) == {(1, "gizi"), (1, "balita")}
    MentorProfile.objects.filter(pk=mentor.pk).update(expertise="stunting")
    assert kept_words(mentor.pk) == {(1, "stunting")}
    MentorProfile.objects.filter(pk=mentor.pk).delete()
    assert kept_words(mentor.pk) == set()
