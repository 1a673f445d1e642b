"""An action item's owner is chosen among the people concerned, fetched once per form."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR, MENTOR
from evaluations.forms import owner_choices
from evaluations.models import ActionItem
from evaluations.services import evaluation_prepare
from evaluations.tests.test_views import fill_data
from factories import ActionItemFactory, EvaluationFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def fill(evaluation) -> str:
    return reverse("evaluations:evaluation_fill", args=[evaluation.pk])


def test_a_pairs_evaluation_offers_the_people_concerned_only(world, coordinator, mentor_a, admin):
    # Admins run the system, not the programme: not a choice unless they coordinate.
    other_mentor = UserFactory(role=MENTOR)
    MentorshipFactory(mentor__user=other_mentor)
    colleague = UserFactory(role=COORDINATOR)
    left = UserFactory(role=COORDINATOR, is_active=False)
    people = set(owner_choices(world["mentor_evaluation"]))
    # The evaluator (and the pair's mentor), the program's coordinator, every coordinator;
    # not a mentor of another pair, not someone who has left.
    assert {mentor_a, coordinator, colleague} <= people
    assert other_mentor not in people
    assert admin not in people
    assert left not in people


def test_an_agreements_evaluation_offers_its_coordinator_and_evaluator(world, coordinator):
    evaluator = UserFactory(role=MENTOR)
    evaluation = EvaluationFactory(agreement=world["agreement"], evaluator=evaluator)
    people = set(owner_choices(evaluation))
    assert {evaluator, coordinator} <= people
    assert world["mentorship"].mentor.user not in people


def test_a_current_owner_stays_a_choice_after_leaving(world, coordinator):
    # An item's owner was deactivated: saving the evaluation again must not fail on them.
    evaluation = world["agreement_evaluation"]
    gone = UserFactory(role=MENTOR, is_active=False)
    ActionItemFactory(evaluation=evaluation, owner=gone)
    assert gone in set(owner_choices(evaluation))


def test_an_owner_outside_the_people_concerned_is_a_field_error(client, mentor_a, world):
    # Mentor A forges the id of another pair's mentor (who has a role) as the owner.
    stranger = UserFactory(role=MENTOR)
    client.force_login(mentor_a)
    evaluation = world["mentor_evaluation"]
    action = {"description": "Tambah sesi", "owner": stranger.pk, "due_date": "2025-07-01"}
    response = client.post(fill(evaluation), fill_data(evaluation, action=action, save=""))
    assert response.status_code == 200
    assert "owner" in response.context["action_formset"].forms[0].errors
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("owner", ["coordinator", "mentor_a"])
def test_a_concerned_owner_is_saved(client, mentor_a, world, owner, request):
    # Mentor A gives an action to the program's coordinator, or to themself.
    person = request.getfixturevalue(owner)
    client.force_login(mentor_a)
    evaluation = world["mentor_evaluation"]
    action = {"description": "Tambah sesi", "owner": person.pk, "due_date": "2025-07-01"}
    response = client.post(fill(evaluation), fill_data(evaluation, action=action, save=""))
    assert response.status_code == 302
    assert ActionItem.objects.get().owner == person


@pytest.mark.parametrize("count", [1, 12])
def test_the_form_query_count_is_fixed(
    client, coordinator, world, count, django_assert_num_queries
):
    # 1 or 12 action items (each a form with an owner drop-down) and as many coordinators.
    evaluation = world["agreement_evaluation"]
    evaluation_prepare(evaluation=evaluation)
    for i in range(count):
        owner = UserFactory(role=COORDINATOR)
        ActionItemFactory(evaluation=evaluation, owner=owner, due_date=dt.date(2025, 7, 1 + i))
    client.force_login(coordinator)
    client.get(fill(evaluation))
    # The same with 1 or 12 items: the people are fetched once for every form.
    with django_assert_num_queries(EXPECTED_GET):
        response = client.get(fill(evaluation))
    assert len(response.context["action_formset"].forms) == count + 1


EXPECTED_GET = 14  # with the coordinator's scope; +1: the nav's unread count
