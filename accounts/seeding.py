"""The users of the scale data set: one admin, five coordinators, the mentors.

Part of `manage.py seed_scale` (orchestrated by `devtools/scale.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import COORDINATOR, MENTOR
from core.seeding import FIRST, LAST, SeedRun

COORDINATORS = 5
USER_COLUMNS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "is_superuser",
    "is_staff",
    "password",
    "date_joined",
)


@dataclass(frozen=True)
class Staff:
    """The user ids the apps above point at."""

    admin: int
    coordinators: list[int]
    mentors: list[int]  # mentor profile n belongs to mentors[n - 1]


def seed(run: SeedRun, *, mentors: int, password: str) -> Staff:
    first = (get_user_model().objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    staff = Staff(
        admin=first,
        coordinators=list(range(first + 1, first + 1 + COORDINATORS)),
        mentors=list(range(first + 1 + COORDINATORS, first + 1 + COORDINATORS + mentors)),
    )
    coordinator_group, _ = Group.objects.get_or_create(name=COORDINATOR)
    mentor_group, _ = Group.objects.get_or_create(name=MENTOR)
    run.out.copy(get_user_model(), USER_COLUMNS, _users(run, staff, make_password(password)))
    memberships = [(str(pk), str(coordinator_group.pk)) for pk in staff.coordinators]
    memberships += [(str(pk), str(mentor_group.pk)) for pk in staff.mentors]
    run.out.copy_table(
        get_user_model().groups.through._meta.db_table, ("user_id", "group_id"), memberships
    )
    return staff


def _users(run: SeedRun, staff: Staff, password: str) -> Iterator[tuple]:
    joined = (timezone.now() - dt.timedelta(days=800)).isoformat()
    yield (str(staff.admin), "scale-admin", "Admin", "Skala", "t", "t", password, joined)
    for n, pk in enumerate(staff.coordinators, 1):
        name = f"scale-coordinator{'' if n == 1 else n}"
        yield (str(pk), name, "Koordinator", str(n), "f", "f", password, joined)
    for n, pk in enumerate(staff.mentors, 1):
        first, last = run.rng.choice(FIRST), run.rng.choice(LAST)
        yield (str(pk), f"scale-mentor{n}", first, last, "f", "f", password, joined)
