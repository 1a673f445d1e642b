"""The admin of units, organisations and memberships, and the data migration of issue 17."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from accounts.roles import COORDINATOR
from factories import AgreementFactory, CadreFactory, PartnerFactory, UserFactory
from jurisdictions.models import Membership, Unit
from partners.models import Region

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_users_effective_scope(client, admin):
    # The superuser opens the page of a provincial coordinator of Jawa Barat.
    sari = UserFactory(username="sari", role=COORDINATOR, unit="32")
    client.force_login(admin)
    response = client.get(reverse("admin:auth_user_change", args=[sari.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Jawa Barat (28 satuan wilayah)" in text  # Indonesian first
    assert "memberships-TOTAL_FORMS" in text  # the memberships, inline


@pytest.mark.parametrize(
    "name",
    [
        "admin:jurisdictions_unit_changelist",
        "admin:jurisdictions_organisation_changelist",
        "admin:jurisdictions_membership_changelist",
    ],
)
def test_the_admin_lists_units_organisations_and_memberships(client, admin, name):
    UserFactory(role=COORDINATOR, unit="32.73")
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 200


def test_staff_who_are_not_superusers_see_their_scope_in_the_admin(client):
    # A staff admin of Kota Bandung (not a superuser) with the right to view cadres.
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staf", is_staff=True, unit="32.73")
    staff.user_permissions.add(Permission.objects.get(codename="view_cadre"))
    CadreFactory(full_name="Kader Kota", unit=Unit.objects.get(code="32.73"))
    CadreFactory(full_name="Kader Kabupaten", unit=Unit.objects.get(code="32.04"))
    client.force_login(staff)
    text = client.get(reverse("admin:programs_cadre_changelist")).content.decode()
    assert "Kader Kota" in text
    assert "Kader Kabupaten" not in text


def test_the_migration_makes_existing_coordinators_national_coordinators():
    # A coordinator from before issue 17 holds no membership.
    sari = UserFactory(username="sari", role=COORDINATOR, unit=False)
    migration = importlib.import_module(
        "jurisdictions.migrations.0002_units_and_default_organisation"
    )
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)
    membership = Membership.objects.get(user=sari)
    assert membership.unit.level == Unit.Level.NATIONAL
    assert membership.organisation.is_default


def test_the_migration_puts_rows_in_the_unit_of_their_region():
    bandung = Region.objects.get(code="32.73")
    partner = PartnerFactory(region=bandung, province=bandung.province)
    other = PartnerFactory(region=Region.objects.get(code="32.04"), province=bandung.province)
    cadre = CadreFactory(city=bandung, province=bandung.province)
    lone = AgreementFactory(parties=[partner])
    spanning = AgreementFactory(parties=[partner, other])
    partners_migration = importlib.import_module("partners.migrations.0008_units_from_regions")
    programs_migration = importlib.import_module("programs.migrations.0010_units_from_regions")
    with connection.schema_editor() as editor:
        partners_migration.forwards(apps, editor)
        programs_migration.forwards(apps, editor)
    for row in (partner, cadre, lone, spanning):
        row.refresh_from_db()
    assert partner.unit.code == cadre.unit.code == lone.unit.code == "32.73"
    # Parties in two regencies: national, covering both.
    assert spanning.unit.level == Unit.Level.NATIONAL
    assert {u.code for u in spanning.also_covers.all()} == {"32.73", "32.04"}
