"""Jurisdictions (issue 17): a district coordinator sees and reviews the evaluations of their
district only, and an overdue evaluation escalates to the coordinator responsible for it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR, MENTOR
from evaluations.models import ActionItem, Evaluation, Reminder
from evaluations.reminders import reminders_sweep
from factories import (
    ActionItemFactory,
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    ReminderFactory,
    UserFactory,
    give_membership,
)
from jurisdictions.models import Unit
from jurisdictions.regions import ensure_loaded

pytestmark = pytest.mark.django_db

DUE = dt.date(2025, 6, 16)
OVERDUE = DUE + dt.timedelta(days=3)


def unit(code: str) -> Unit:
    ensure_loaded()
    return Unit.objects.get(code=code)


@pytest.fixture
def bandung(db):
    """The district coordinator of Kota Bandung (32.73)."""
    return UserFactory(username="bandung", role=COORDINATOR, unit="32.73")


@pytest.fixture
def sibling(db):
    """The coordinator of a sibling district in the same province (32.04)."""
    return UserFactory(username="sibling", role=COORDINATOR, unit="32.04")


def pair_evaluation(cadre_unit: str, *, program_coordinator=None, status="scheduled"):
    """A pair's mid-point evaluation, filled by its mentor, for a cadre of `cadre_unit`."""
    mentor = UserFactory(role=MENTOR)
    program = ProgramFactory(coordinator=program_coordinator)
    mentorship = MentorshipFactory(
        enrolment__program=program, enrolment__cadre__unit=unit(cadre_unit), mentor__user=mentor
    )
    return EvaluationFactory(
        agreement=None,
        mentorship=mentorship,
        kind="midpoint",
        evaluator=mentor,
        period_start=dt.date(2025, 2, 1),
        period_end=dt.date(2025, 6, 9),
        due_date=DUE,
        status=status,
    )


@pytest.fixture
def two_districts(bandung, sibling):
    """An agreement's evaluation in 32.73 and a pair's in 32.04, each with an action item
    and a reminder sent to its own evaluator (a mentor: not one of the coordinators)."""
    ours = EvaluationFactory(
        agreement=AgreementFactory(status="active", unit=unit("32.73"), title="Ours"),
        evaluator=UserFactory(role=MENTOR),
        due_date=DUE,
        status="submitted",
    )
    theirs = pair_evaluation("32.04", status="submitted")
    for evaluation in (ours, theirs):
        ActionItemFactory(evaluation=evaluation, owner=evaluation.evaluator)
        ReminderFactory(evaluation=evaluation, status="failed")
    return ours, theirs


def test_the_evaluation_list_shows_only_the_districts_rows(client, bandung, two_districts):
    ours, _theirs = two_districts
    client.force_login(bandung)
    response = client.get(reverse("evaluations:evaluation_list"))
    assert response.status_code == 200
    assert [e.pk for e in response.context["page"]] == [ours.pk]


def test_the_action_items_are_only_the_districts(bandung, sibling, two_districts):
    ours, theirs = two_districts
    assert list(ActionItem.objects.visible_to(bandung)) == list(ours.action_items.all())
    assert list(ActionItem.objects.visible_to(sibling)) == list(theirs.action_items.all())


def test_the_reminders_page_shows_only_the_districts_rows(client, bandung, two_districts):
    ours, _theirs = two_districts
    client.force_login(bandung)
    response = client.get(reverse("evaluations:reminder_list"))
    assert response.status_code == 200
    assert [r.evaluation_id for r in response.context["page"]] == [ours.pk]


@pytest.mark.parametrize("page", ["evaluation_detail", "evaluation_fill", "evaluation_plan"])
def test_a_siblings_evaluation_is_not_found(client, bandung, two_districts, page):
    _ours, theirs = two_districts
    client.force_login(bandung)
    assert client.get(reverse(f"evaluations:{page}", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("page", ["evaluation_fill", "evaluation_plan"])
def test_a_siblings_open_evaluation_is_not_found(client, bandung, sibling, page):
    theirs = pair_evaluation("32.04")
    url = reverse(f"evaluations:{page}", args=[theirs.pk])
    client.force_login(bandung)
    assert client.get(url).status_code == 404
    client.force_login(sibling)
    assert client.get(url).status_code == 200


def test_a_siblings_evaluation_cannot_be_reviewed(client, bandung, two_districts):
    _ours, theirs = two_districts
    client.force_login(bandung)
    url = reverse("evaluations:evaluation_review", args=[theirs.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Evaluation.Status.SUBMITTED


def test_a_siblings_reminder_cannot_be_sent_again(client, bandung, two_districts):
    ours, theirs = two_districts
    client.force_login(bandung)
    foreign = theirs.reminders.get()
    url = reverse("evaluations:reminder_retry", args=[foreign.pk])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Reminder.Status.FAILED
    mine = ours.reminders.get()
    client.post(reverse("evaluations:reminder_retry", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Reminder.Status.PENDING


def test_an_agreement_is_planned_by_its_own_office_only(client, sibling, two_districts):
    ours, _theirs = two_districts
    client.force_login(sibling)
    url = reverse("evaluations:agreement_plan", args=[ours.agreement_id])
    assert client.post(url).status_code == 404


# --- escalation ---------------------------------------------------------------------------


def escalated_to(evaluation: Evaluation) -> list:
    reminders_sweep(today=OVERDUE, enqueue=False)
    rows = Reminder.objects.filter(evaluation=evaluation, kind="overdue_escalation")
    return [row.recipient for row in rows]


def test_escalation_goes_to_the_subjects_district_not_the_named_one_elsewhere(bandung, sibling):
    # The program names Bandung's coordinator, but the cadre is in 32.04: they no longer
    # cover it, so the 32.04 coordinator hears of it, and Python says the same.
    evaluation = pair_evaluation("32.04", program_coordinator=bandung)
    assert escalated_to(evaluation) == [sibling]
    assert evaluation.coordinator() == sibling


def test_escalation_falls_back_to_the_province(bandung):
    province = UserFactory(username="jabar", role=COORDINATOR, unit="32")
    evaluation = pair_evaluation("32.04", program_coordinator=bandung)
    assert escalated_to(evaluation) == [province]
    assert evaluation.coordinator() == province


def test_the_nearest_office_wins_then_the_oldest_membership(sibling):
    # The province's coordinator and a second 32.04 one, who joined later: 32.04's first.
    UserFactory(username="jabar", role=COORDINATOR, unit="32")
    UserFactory(username="sibling2", role=COORDINATOR, unit="32.04")
    evaluation = pair_evaluation("32.04")
    assert escalated_to(evaluation) == [sibling]
    assert evaluation.coordinator() == sibling


def test_escalation_goes_to_the_named_coordinator_who_still_covers_it(sibling):
    # The program's coordinator sits at the province: 32.04 is theirs too, so they keep it.
    named = UserFactory(username="jabar", role=COORDINATOR, unit="32")
    evaluation = pair_evaluation("32.04", program_coordinator=named)
    assert escalated_to(evaluation) == [named]
    assert evaluation.coordinator() == named


def test_a_membership_of_another_organisation_does_not_cover(sibling):
    named = UserFactory(username="other", role=COORDINATOR, unit=False)
    give_membership(named, "32", "Yayasan Lain")
    evaluation = pair_evaluation("32.04", program_coordinator=named)
    assert escalated_to(evaluation) == [sibling]


def test_no_one_responsible_means_no_escalation(bandung):
    # Only Bandung (32.73) coordinates in the province: nobody covers 32.04.
    evaluation = pair_evaluation("32.04")
    assert escalated_to(evaluation) == []
    assert evaluation.coordinator() is None
    assert Reminder.objects.filter(evaluation=evaluation, kind="overdue").count() == 1


def test_an_ending_agreement_goes_to_its_offices_coordinator(bandung, sibling):
    today = dt.date(2025, 6, 1)
    agreement = AgreementFactory(
        status="active", unit=unit("32.04"), coordinator=bandung, end_date=today + dt.timedelta(10)
    )
    reminders_sweep(today=today, enqueue=False)
    rows = Reminder.objects.filter(agreement=agreement, kind="agreement_ending")
    assert [row.recipient for row in rows] == [sibling]
