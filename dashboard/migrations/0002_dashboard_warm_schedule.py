"""Beat recomputes the shared dashboards every few minutes (dashboard.figures_cache.WARM_MINUTES),
inside the five minutes their figures stay fresh; editable afterwards in Django admin."""

from django.db import migrations

TASK = "kader.tasks.warm_dashboards"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=4, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Keep the dashboard's figures warm",
        defaults={"task": TASK, "interval": every},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_calendar_feed"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
