"""The demo data set behind `manage.py seed_demo`: believable, and the same every run.

The users come from here; each app adds its part in its own `demo.py` with a function
`seed(data: dict) -> None` that reads what earlier apps put in `data` and adds its own.
Every step uses get-or-create on natural keys so a second run changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import COORDINATOR, MENTOR

DEMO_PASSWORD = "kader-demo"

DEMO_USERS = [
    # username, first name, last name, role (None: admin)
    ("admin", "Admin", "Kader", None),
    ("coordinator", "Sari", "Wulandari", COORDINATOR),
    ("mentor", "Budi", "Santoso", MENTOR),
    ("mentor2", "Dewi", "Lestari", MENTOR),
]


def seed_users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@kader.example",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        if role == COORDINATOR:
            # The demo's coordinator runs the programme nationally (docs/jurisdictions.md).
            _national_membership(user)
        users[username] = user
    return users


def _national_membership(user) -> None:
    from jurisdictions.models import Membership, Organisation, Unit
    from jurisdictions.regions import ensure_loaded

    ensure_loaded()
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(is_default=True),
        unit=Unit.objects.get(level=Unit.Level.NATIONAL),
        role=Membership.Role.COORDINATOR,
    )


DEMO_APPS = ("partners", "programs", "evaluations")


def seed() -> dict[str, object]:
    data: dict[str, object] = {"users": seed_users()}
    for app in DEMO_APPS:
        if find_spec(f"{app}.demo") is not None:
            import_module(f"{app}.demo").seed(data)
    return data
