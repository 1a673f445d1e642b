"""The admin shows every programs model with its list, search, filters and history."""

import pytest
from django.urls import reverse

from factories import DevelopmentGoalFactory, EnrolmentFactory, SessionFactory
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


def test_a_program_page_links_to_its_enrolments_instead_of_listing_them(client, admin):
    # The admin opens a program with two enrolments; another program has a third.
    first = EnrolmentFactory(cadre__full_name="Ani Lestari")
    EnrolmentFactory(program=first.program, cadre__full_name="Bayu Pratama")
    EnrolmentFactory(cadre__full_name="Citra Dewi")
    client.force_login(admin)
    page = client.get(reverse("admin:programs_program_change", args=[first.program.pk]))
    # "2 enrolments" (or "2 pendaftaran"), linked to the enrolment list of this program.
    assert f'?program__id__exact={first.program.pk}">2 ' in page.content.decode()
    assert "Ani Lestari" not in page.content.decode()  # no inline rows
    listing = client.get(
        reverse("admin:programs_enrolment_changelist"), {"program__id__exact": first.program.pk}
    ).content.decode()
    assert "Ani Lestari" in listing and "Bayu Pratama" in listing
    assert "Citra Dewi" not in listing
