"""Who is who: the two roles and the predicates every app's rules are built from.

Roles are Django groups (created by a migration); admins are staff users. Each app's
`rules.py` combines these predicates per model, object by object, and each model's
`QuerySet.visible_to(user)` applies the same decision to lists.
"""

import rules
from django.contrib.auth.models import AbstractUser, AnonymousUser

COORDINATOR = "coordinator"
MENTOR = "mentor"
ROLES = (COORDINATOR, MENTOR)

User = AbstractUser | AnonymousUser


def _in_group(user: User, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # One query per request at most: the names are cached on the user object.
    groups: set[str] | None = getattr(user, "_kader_groups", None)
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
        user._kader_groups = groups  # type: ignore[attr-defined]  # a cache, not a model field
    return name in groups


@rules.predicate
def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_coordinator(user: User) -> bool:
    return _in_group(user, COORDINATOR)


@rules.predicate
def is_mentor(user: User) -> bool:
    return _in_group(user, MENTOR)


def role_of(user: User) -> str | None:
    """The role that decides a user's home page: admin, coordinator, mentor or none."""
    if is_admin(user):
        return "admin"
    if is_coordinator(user):
        return COORDINATOR
    if is_mentor(user):
        return MENTOR
    return None
