"""The unit tree from the region codes, the default organisation, and existing coordinators
(and staff admins) made national coordinators of it, so that nobody loses sight of anything."""

from django.db import migrations

from jurisdictions.regions import ensure_default_organisation, load_units


def forwards(apps, schema_editor):
    load_units(apps)
    organisation = ensure_default_organisation(apps)
    Unit = apps.get_model("jurisdictions", "Unit")
    Membership = apps.get_model("jurisdictions", "Membership")
    User = apps.get_model("auth", "User")
    national = Unit.objects.get(level=1)
    coordinators = User.objects.filter(groups__name="coordinator") | User.objects.filter(
        is_staff=True, is_superuser=False
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=organisation, unit=national, role="coordinator")
            for user in coordinators.distinct()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0001_initial"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
