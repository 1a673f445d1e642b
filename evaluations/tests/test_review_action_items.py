"""Accepting an evaluation with the action item its review agreed on (seed step 6)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATOR
from core.testing import form_fields
from evaluations import services
from evaluations.models import ActionItem, Evaluation
from factories import ActionItemFactory, AgreementFactory, EvaluationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(coordinator, mentor_a):
    return EvaluationFactory(
        agreement=AgreementFactory(coordinator=coordinator),
        status=Evaluation.Status.SUBMITTED,
        evaluator=mentor_a,
        submitted_at=timezone.now(),
    )


def review(client, evaluation, **overrides):
    page = client.get(evaluation.get_absolute_url()).content.decode()
    fields = form_fields(page, "review-form")
    assert set(overrides) <= set(fields) | {"decision"}, "posting a field the page lacks"
    fields.update(overrides)
    return client.post(reverse("evaluations:evaluation_review", args=[evaluation.pk]), fields)


def test_it_accepts_with_an_action_item_for_a_coordinator(client, coordinator, submitted):
    # Sari accepts Budi's evaluation and gives the factory visit to Ann, a coordinator.
    ann = UserFactory(username="ann", first_name="Ann", last_name="Walker", role=COORDINATOR)
    client.force_login(coordinator)
    due = timezone.localdate() + dt.timedelta(days=7)
    response = review(
        client,
        submitted,
        decision="accept",
        action="Jadwalkan kunjungan pabrik",
        action_owner=str(ann.pk),
        action_due_date=due.isoformat(),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.REVIEWED
    [item] = submitted.action_items.all()
    assert (item.description, item.owner, item.due_date, item.done) == (
        "Jadwalkan kunjungan pabrik",
        ann,
        due,
        False,
    )
    assert "Ann Walker" in client.get(submitted.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"action": "Kunjungan"}, "action_owner", "Choose who will do it."),
        ({"action_due_date": "2030-01-01"}, "action", "Say what is to be done."),
        ({"action": "Kunjungan", "action_due_date": "2001-01-01"}, "action_due_date",
         "The due date cannot be in the past."),
        ({"action": "Kunjungan", "action_due_date": "2090-01-01"}, "action_due_date",
         "Enter a date at most 10 years from today."),
        ({"action": "Kunjungan", "action_due_date": "31-31-2030"}, "action_due_date",
         "Enter a valid date."),
        ({"decision": "send_back", "comment": "Lengkapi", "action": "Kunjungan"}, "action",
         "An action item is agreed when accepting; send it back without one."),
    ],
)  # fmt: skip
def test_it_refuses_an_incomplete_action_item_at_its_field_and_keeps_the_rest(
    client, coordinator, submitted, overrides, field, message, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = review(client, submitted, **{"decision": "accept", **overrides})
    assert response.status_code == 200
    form = response.context["review_form"]
    assert message in form.errors[field]
    html = response.content.decode()
    # Shown next to its field (crispy's error block carries the field's id).
    assert f'id="error_1_id_{field}"' in html and message in html
    if "action" in overrides:
        assert f'value="{overrides["action"]}"' in html  # what she typed is still there
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED
    assert not ActionItem.objects.exists()


def test_it_refuses_an_owner_the_page_does_not_offer(client, coordinator, submitted):
    # A forged owner id (a plain user, not among the people concerned) is refused.
    stranger = UserFactory(username="stranger")
    client.force_login(coordinator)
    response = review(
        client,
        submitted,
        decision="accept",
        action="Kunjungan",
        action_owner=str(stranger.pk),
        action_due_date=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 200
    assert "action_owner" in response.context["review_form"].errors
    assert not ActionItem.objects.exists()


def test_the_decision_and_its_item_are_saved_together_or_not_at_all(coordinator, submitted):
    # The item cannot be saved (its description is too long for the column's check):
    # the evaluation stays submitted, nothing half-done.
    with pytest.raises(ValidationError):
        services.evaluation_review(
            evaluation=submitted,
            user=coordinator,
            accept=True,
            comment="",
            action_item={"description": "x" * 600, "owner": coordinator, "due_date": None},
        )
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED
    assert not ActionItem.objects.exists()


def test_the_report_lists_each_action_item_with_owner_due_and_state(client, coordinator):
    agreement = AgreementFactory(title="Magang")
    evaluation = EvaluationFactory(agreement=agreement, status=Evaluation.Status.REVIEWED)
    today = timezone.localdate()
    owner = UserFactory(username="ann", first_name="Ann", last_name="Walker")
    ActionItemFactory(
        evaluation=evaluation,
        description="Late one",
        owner=owner,
        due_date=today - dt.timedelta(days=1),
    )
    ActionItemFactory(
        evaluation=evaluation,
        description="Done one",
        owner=owner,
        due_date=today - dt.timedelta(days=2),
        done=True,
    )
    ActionItemFactory(evaluation=evaluation, description="Open one", owner=owner,
                      due_date=today + dt.timedelta(days=3))  # fmt: skip
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:agreement_report", args=[agreement.pk]))
    rows = [(r["item"].description, r["state"]) for r in response.context["action_items"]]
    assert rows == [("Done one", "done"), ("Late one", "late"), ("Open one", "open")]
    html = response.content.decode()
    assert html.count("Ann Walker") == 3


@pytest.mark.parametrize("size", [1, 6])
def test_the_reports_keep_their_query_count_with_more_action_items(
    client, coordinator, size, django_assert_num_queries
):
    # One evaluation with one item, or six evaluations with three items each and different
    # owners: the agreement report and its PDF issue the same number of queries.
    agreement = AgreementFactory()
    start = dt.date(2025, 1, 1)
    for n in range(size):
        evaluation = EvaluationFactory(
            agreement=agreement,
            status=Evaluation.Status.REVIEWED,
            period_start=start + dt.timedelta(days=90 * n),
            period_end=start + dt.timedelta(days=90 * n + 89),
        )
        for _ in range(1 if size == 1 else 3):
            ActionItemFactory(evaluation=evaluation)
    client.force_login(coordinator)
    url = reverse("dashboard:agreement_report", args=[agreement.pk])
    client.get(url)  # session and caches warm
    with django_assert_num_queries(EXPECTED_REPORT):
        assert client.get(url).status_code == 200
    pdf = reverse("dashboard:agreement_pdf", args=[agreement.pk])
    with django_assert_num_queries(EXPECTED_PDF):
        b"".join(client.get(pdf).streaming_content)


# +1 since jurisdictions: the scope, once per request; +1 since the inbox: the nav's
# unread-reminder count (evaluations.context_processors); +1 since the agreement's enrolment
# ids are read first for the sessions' hours (dashboard.reports, national tier 100 → 45 ms).
EXPECTED_REPORT = 15
EXPECTED_PDF = 14  # the same +1 for the enrolment ids
