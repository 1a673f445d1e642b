"""The offices of the scale data set: lead organisations, and who coordinates where.

Part of `manage.py seed_scale` (orchestrated by `devtools/scale.py`), after the records
(which `devtools/scale.py` then places in the unit of their place, as the data migration
did for a real upgrade). A national programme staffs its offices: the scale coordinators
are national coordinators of the default organisation, and every province and every
regency/city has its own coordinator (`scale-office-<unit code>`, e.g. scale-office-32.73).
A second lead organisation shares the platform with a national coordinator of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import COORDINATOR
from accounts.seeding import USER_COLUMNS
from core.seeding import SeedRun

from .models import Membership, Organisation, Unit
from .regions import ensure_default_organisation

# The second lead organisation, and the share of records (every SHARE_EVERY-th) it holds.
SECOND_ORGANISATION = "Yayasan Cendekia Nusantara"
SHARE_EVERY = 10
OFFICE_PREFIX = "scale-office-"
SECOND_COORDINATOR = "scale-coordinator-yayasan"


def office_username(unit_code: str) -> str:
    return f"{OFFICE_PREFIX}{unit_code}"


def seed(run: SeedRun, *, national: list[int], password: str) -> dict[str, int]:
    """Organisations, the office coordinators, and every coordinator's membership."""
    default = ensure_default_organisation()
    second, _ = Organisation.objects.get_or_create(
        name=SECOND_ORGANISATION, defaults={"kind": Organisation.Kind.NGO}
    )
    units = list(Unit.objects.order_by("path").values_list("pk", "code", "level"))
    nation = next(pk for pk, _code, level in units if level == Unit.Level.NATIONAL)
    offices = [(pk, code) for pk, code, level in units if level != Unit.Level.NATIONAL]

    User = get_user_model()
    first = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    office_ids = {unit: first + n for n, (unit, _code) in enumerate(offices)}
    second_id = first + len(offices)
    run.out.copy(
        User, USER_COLUMNS, _users(offices, office_ids, second_id, make_password(password))
    )
    group = Group.objects.get_or_create(name=COORDINATOR)[0]
    run.out.copy_table(
        User.groups.through._meta.db_table,
        ("user_id", "group_id"),
        ((str(pk), str(group.pk)) for pk in [*office_ids.values(), second_id]),
    )
    rows = [(user, default.pk, nation) for user in national]
    rows += [(user, default.pk, unit) for unit, user in office_ids.items()]
    rows.append((second_id, second.pk, nation))
    now, role = timezone.now().isoformat(), Membership.Role.COORDINATOR
    run.out.copy_table(  # ids from the table's own sequence
        Membership._meta.db_table,
        ("user_id", "organisation_id", "unit_id", "role", "created_at"),
        ((str(u), str(o), str(n), role, now) for u, o, n in rows),
    )
    return {"organisation": second.pk, "offices": len(offices)}


def _users(offices, office_ids, second_id: int, password: str) -> Iterator[tuple]:
    joined = (timezone.now() - dt.timedelta(days=800)).isoformat()
    for unit, code in offices:
        yield (
            str(office_ids[unit]),
            office_username(code),
            "Koordinator",
            code,
            "f",
            "f",
            password,
            joined,
        )
    yield (str(second_id), SECOND_COORDINATOR, "Koordinator", "Yayasan", "f", "f", password, joined)
