"""The demo data set behind `manage.py seed_demo`: believable, and the same every run.

Each app adds its part as a function here, called in order by `seed()`; every step uses
get-or-create on natural keys so a second run changes nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kader.roles import COORDINATOR, MENTOR

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
        users[username] = user
    return users


def seed() -> dict[str, object]:
    return {"users": seed_users()}
