"""A person's scope: what memberships add up to, and the guard against forgetting it."""

import pytest
from django.db.models import Q
from django.utils import translation

from accounts.roles import COORDINATOR, MENTOR
from core.scoping import ScopeError, guarding
from factories import CadreFactory, UserFactory, give_membership
from jurisdictions.models import Membership, Organisation, Unit
from jurisdictions.scope import describe, scope_of
from programs.models import Cadre

pytestmark = pytest.mark.django_db


def test_the_tree_is_built_from_the_region_codes():
    assert Unit.objects.filter(level=Unit.Level.NATIONAL).count() == 1
    assert Unit.objects.filter(level=Unit.Level.PROVINCE).count() == 38
    assert Unit.objects.filter(level=Unit.Level.REGENCY).count() == 514
    bandung = Unit.objects.get(code="32.73")
    assert bandung.path == "/32/32.73/"
    assert bandung.parent.code == "32"
    assert {u.code for u in Unit.objects.above(bandung)} == {"ID", "32"}
    assert Unit.objects.below(Unit.objects.get(code="32")).count() == 28  # 27 + itself
    assert Organisation.objects.filter(is_default=True).count() == 1


def test_it_gives_a_district_coordinator_their_district_only():
    # A coordinator of Kota Bandung (32.73).
    user = UserFactory(role=COORDINATOR, unit="32.73")
    scope = scope_of(user)
    bandung = Unit.objects.get(code="32.73")
    assert not scope.everything and len(scope.grants) == 1
    assert scope.grants[0].units == {bandung.pk}
    assert scope.grants[0].above == {bandung.parent_id, bandung.parent.parent_id}


def test_it_gives_a_provincial_coordinator_the_province_and_below():
    user = UserFactory(role=COORDINATOR, unit="32")
    assert len(scope_of(user).unit_ids()) == 28


def test_a_national_membership_is_the_whole_organisation():
    user = UserFactory(role=COORDINATOR)  # national, default organisation
    grant = scope_of(user).grants[0]
    assert grant.units is None
    assert scope_of(user).unit_ids() is None


def test_memberships_of_two_organisations_are_kept_apart():
    user = UserFactory(role=COORDINATOR, unit="32.73")
    give_membership(user, "11", organisation="Yayasan Lain")
    scope = scope_of(user)
    assert len(scope.grants) == 2
    other = Organisation.objects.get(name="Yayasan Lain")
    mine = CadreFactory(unit=Unit.objects.get(code="32.73"))
    theirs_here = CadreFactory(unit=Unit.objects.get(code="32.73"), organisation=other)
    theirs_in_aceh = CadreFactory(unit=Unit.objects.get(code="11.01"), organisation=other)
    visible = set(Cadre.objects.visible_to(user))
    # Bandung of the default organisation; Aceh of the other; not the other's Bandung cadre.
    assert visible == {mine, theirs_in_aceh}
    assert theirs_here not in visible


def test_people_without_a_coordinator_membership_see_nothing_by_unit():
    mentor = UserFactory(role=MENTOR)
    outsider = UserFactory()
    unplaced = UserFactory(role=COORDINATOR, unit=False)
    for user in (mentor, outsider, unplaced):
        assert scope_of(user).is_empty
    assert not Cadre.objects.visible_to(unplaced).exists()


def test_a_mentor_membership_gives_no_coordinator_scope():
    mentor = UserFactory(role=MENTOR)
    give_membership(mentor, "32.73", role=Membership.Role.MENTOR)
    mentor.__dict__.pop("_kader_scope", None)
    assert scope_of(mentor).is_empty


def test_an_inactive_organisation_grants_nothing():
    user = UserFactory(role=COORDINATOR, unit="32.73")
    Organisation.objects.filter(is_default=True).update(is_active=False)
    user.__dict__.pop("_kader_scope", None)
    assert scope_of(user).is_empty


def test_a_superuser_sees_everything():
    root = UserFactory(is_staff=True, is_superuser=True)
    assert scope_of(root).everything
    assert scope_of(root).q() == Q()


def test_covers_agrees_with_visible_to():
    """The rule for one object and the filter for many give the same answer."""
    user = UserFactory(role=COORDINATOR, unit="32")
    cadres = [
        CadreFactory(unit=Unit.objects.get(code=code)) for code in ("32", "32.73", "11.01", "ID")
    ]
    visible = set(Cadre.objects.visible_to(user))
    for cadre in cadres:
        assert scope_of(user).covers(cadre) == (cadre in visible)
    assert len(visible) == 2


def test_equal_scopes_share_a_key_and_different_ones_do_not():
    a = UserFactory(role=COORDINATOR, unit="32.73")
    b = UserFactory(role=COORDINATOR, unit="32.73")
    c = UserFactory(role=COORDINATOR, unit="32.04")
    assert scope_of(a).key == scope_of(b).key != scope_of(c).key


def test_it_describes_the_scope_in_words():
    user = UserFactory(role=COORDINATOR, unit="32")
    with translation.override("en"):
        assert describe(scope_of(user)) == ["Kader: Jawa Barat (28 units, with those below)."]
    with translation.override("id"):
        assert describe(scope_of(user)) == ["Kader: Jawa Barat (28 satuan wilayah)."]


def test_the_guard_refuses_a_query_that_forgot_the_scope():
    CadreFactory()
    with guarding():
        with pytest.raises(ScopeError):
            list(Cadre.objects.all())
        with pytest.raises(ScopeError):
            Cadre.objects.count()
        with pytest.raises(ScopeError):
            Cadre.objects.filter(full_name="x").exists()


def test_the_guard_lets_scoped_and_related_queries_through():
    cadre = CadreFactory()
    user = UserFactory(role=COORDINATOR)
    with guarding():
        assert list(Cadre.objects.visible_to(user).filter(pk=cadre.pk)) == [cadre]
        assert list(cadre.enrolments.all()) == []  # reached through a fetched object
        assert Cadre.objects.unscoped().count() == 1  # said on purpose


def test_the_guard_is_off_outside_requests():
    CadreFactory()
    assert Cadre.objects.count() == 1
