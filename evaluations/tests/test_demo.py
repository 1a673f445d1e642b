"""`seed_demo` gives evaluations in every state, with values, ratings and action items."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import ROLES
from evaluations.models import ActionItem, Evaluation, IndicatorResult, Reminder


@pytest.mark.django_db
def test_the_demo_has_evaluations_in_every_state():
    # An earlier transactional test's flush may have removed the roles the migration made.
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", "--force")
    statuses = set(Evaluation.objects.values_list("status", flat=True))
    assert statuses == {"scheduled", "in_progress", "submitted", "reviewed"}
    assert Evaluation.objects.filter(mentorship__isnull=False).exists()
    assert Evaluation.objects.filter(program__isnull=False).exists()
    assert IndicatorResult.objects.filter(actual__isnull=False).exists()
    assert ActionItem.objects.filter(done=False).exists()
    assert {"sent", "failed"} <= set(Reminder.objects.values_list("status", flat=True))
    counts = (Evaluation.objects.count(), Reminder.objects.count(), ActionItem.objects.count())
    call_command("seed_demo", "--force")
    assert counts == (
        Evaluation.objects.count(),
        Reminder.objects.count(),
        ActionItem.objects.count(),
    )
