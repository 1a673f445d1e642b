"""`seed_demo` gives programs of each kind, cadres, pairs, goals and months of sessions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import ROLES
from devtools import demo
from programs.models import Cadre, DevelopmentGoal, MentorProfile, Mentorship, Program, Session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles() -> None:
    # A flush by an earlier transactional test also removes the migration's role groups.
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def test_it_seeds_a_believable_programme_once():
    data = demo.seed()
    assert {p.kind for p in Program.objects.all()} == {"training", "mentoring", "practical"}
    assert Cadre.objects.count() == 40
    assert Cadre.objects.values("province").distinct().count() >= 10
    assert {c.stage for c in Cadre.objects.all()} == {
        "candidate",
        "participant",
        "alumni",
        "leader",
    }
    for username in ("mentor", "mentor2"):
        profile = MentorProfile.objects.get(user=data["users"][username])
        assert profile.mentorships.active().count() >= 3
    assert DevelopmentGoal.objects.count() == 2 * Mentorship.objects.count()
    oldest = Session.objects.order_by("date").first().date
    assert timezone.localdate() - oldest > dt.timedelta(days=90)
    counts = [m.objects.count() for m in (Program, Cadre, Mentorship, DevelopmentGoal, Session)]
    demo.seed()
    assert counts == [
        m.objects.count() for m in (Program, Cadre, Mentorship, DevelopmentGoal, Session)
    ]


def test_it_ties_programs_to_the_partners_demo():
    demo.seed()
    assert Program.objects.filter(partners__isnull=False).exists()
    assert Program.objects.filter(agreements__isnull=False).exists()
