"""The admin shows every programs model with its list, search, filters and history."""

import pytest
from django.urls import reverse

from factories import DevelopmentGoalFactory, SessionFactory
from programs.models import Cadre, CadreBackground

pytestmark = pytest.mark.django_db

MODELS = [
    "program",
    "cadre",
    "backgroundfield",
    "enrolment",
    "mentorprofile",
    "mentorship",
    "developmentgoal",
    "session",
]


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_searches_and_adds_in_the_admin(client, admin, model):
    # An admin opens the list (with a search) and the add form of each model.
    SessionFactory()
    client.force_login(admin)
    assert client.get(reverse(f"admin:programs_{model}_changelist"), {"q": "a"}).status_code == 200
    assert client.get(reverse(f"admin:programs_{model}_add")).status_code == 200


def test_it_keeps_the_history_of_a_change(client, admin):
    goal = DevelopmentGoalFactory()
    goal.progress = 80
    goal.save()
    client.force_login(admin)
    url = reverse("admin:programs_developmentgoal_history", args=[goal.pk])
    assert client.get(url).status_code == 200
    assert goal.history.count() == 2


def test_it_keeps_no_history_copy_of_background_data(coordinator):
    # Withdrawn consent must leave nothing behind, so background rows have no history.
    assert not hasattr(CadreBackground, "history")
    assert hasattr(Cadre, "history")
