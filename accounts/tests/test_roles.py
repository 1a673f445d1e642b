"""The two roles exist from the first migration, and each persona is what it says."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.roles import COORDINATOR, MENTOR, role_of


@pytest.mark.django_db
def test_it_creates_the_role_groups_in_a_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {COORDINATOR, MENTOR}


def test_it_gives_each_persona_its_role(coordinator, mentor_a, outsider, admin):
    assert role_of(coordinator) == COORDINATOR
    assert role_of(mentor_a) == MENTOR
    assert role_of(outsider) is None
    assert role_of(admin) == "admin"
    assert role_of(AnonymousUser()) is None


def test_it_grants_the_programme_view_to_coordinators_and_admins_only(
    coordinator, mentor_a, outsider, admin
):
    assert coordinator.has_perm("accounts.view_programme")
    assert admin.has_perm("accounts.view_programme")
    assert not mentor_a.has_perm("accounts.view_programme")
    assert not outsider.has_perm("accounts.view_programme")
    assert not AnonymousUser().has_perm("accounts.view_programme")


def test_it_ignores_the_role_of_a_deactivated_user(coordinator):
    coordinator.is_active = False
    coordinator.save()
    assert role_of(coordinator) is None
