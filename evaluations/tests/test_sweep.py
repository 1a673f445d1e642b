"""The sweep decides which reminders are due on a given day; running it again adds nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest

from evaluations.models import Reminder, ReminderPreference
from evaluations.reminders import evaluation_dues, reminder_send, reminders_sweep, repeat_slot
from factories import (
    ActionItemFactory,
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SessionFactory,
)

D = dt.date
DUE = D(2025, 6, 16)
EVALUATOR, COORDINATOR = 1, 2


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 6, 1), []),
        (D(2025, 6, 8), []),
        (D(2025, 6, 9), [("due_in_7", EVALUATOR, D(2025, 6, 9))]),
        # A sweep missed on the 9th still sends the week's reminder, dated the 9th.
        (D(2025, 6, 12), [("due_in_7", EVALUATOR, D(2025, 6, 9))]),
        (D(2025, 6, 14), [("due_in_7", EVALUATOR, D(2025, 6, 9))]),
        (D(2025, 6, 15), [("due_in_1", EVALUATOR, D(2025, 6, 15))]),
        (D(2025, 6, 16), [("due_today", EVALUATOR, DUE)]),
        (
            D(2025, 6, 17),
            [
                ("overdue", EVALUATOR, D(2025, 6, 17)),
                ("overdue_escalation", COORDINATOR, D(2025, 6, 17)),
            ],
        ),
        (
            D(2025, 6, 23),
            [
                ("overdue", EVALUATOR, D(2025, 6, 17)),
                ("overdue_escalation", COORDINATOR, D(2025, 6, 17)),
            ],
        ),
        (
            D(2025, 6, 24),
            [
                ("overdue", EVALUATOR, D(2025, 6, 24)),
                ("overdue_escalation", COORDINATOR, D(2025, 6, 24)),
            ],
        ),
        (
            D(2025, 8, 1),
            [
                ("overdue", EVALUATOR, D(2025, 7, 29)),
                ("overdue_escalation", COORDINATOR, D(2025, 7, 29)),
            ],
        ),
    ],
)
def test_it_decides_evaluation_reminders_by_date(today, expected):
    evaluation = SimpleNamespace(due_date=DUE, evaluator_id=EVALUATOR)
    assert evaluation_dues(evaluation, COORDINATOR, today) == expected


def test_it_does_not_escalate_to_the_evaluator_themself():
    evaluation = SimpleNamespace(due_date=DUE, evaluator_id=COORDINATOR)
    assert [d[0] for d in evaluation_dues(evaluation, COORDINATOR, D(2025, 6, 20))] == ["overdue"]


def test_it_sends_to_the_coordinator_when_nobody_is_assigned():
    evaluation = SimpleNamespace(due_date=DUE, evaluator_id=None)
    assert evaluation_dues(evaluation, COORDINATOR, DUE) == [("due_today", COORDINATOR, DUE)]


@pytest.mark.parametrize(
    ("today", "slot"),
    [
        (D(2024, 2, 28), D(2024, 2, 28)),
        (D(2024, 3, 5), D(2024, 2, 28)),
        (D(2024, 3, 6), D(2024, 3, 6)),
    ],
)
def test_it_repeats_weekly_across_a_leap_day(today, slot):
    assert repeat_slot(D(2024, 2, 28), today, 7) == slot


def _kinds(*kinds):
    return sorted(
        Reminder.objects.filter(kind__in=kinds).values_list(
            "kind", "recipient__username", "for_date"
        )
    )


@pytest.mark.django_db
def test_it_creates_each_reminder_once_over_a_month_of_daily_sweeps(world):
    for offset in range(-20, 20):
        for _ in range(2):  # two beats on the same day
            reminders_sweep(today=DUE + dt.timedelta(days=offset), enqueue=False)
    mine = _kinds("due_in_7", "due_in_1", "due_today", "overdue")
    assert [k for k in mine if k[1] == "mentor_a"] == [
        ("due_in_1", "mentor_a", D(2025, 6, 15)),
        ("due_in_7", "mentor_a", D(2025, 6, 9)),
        ("due_today", "mentor_a", DUE),
        ("overdue", "mentor_a", D(2025, 6, 17)),
        ("overdue", "mentor_a", D(2025, 6, 24)),
        ("overdue", "mentor_a", D(2025, 7, 1)),
    ]
    escalations = _kinds("overdue_escalation")
    # The coordinator evaluates the agreement: escalations only for the mentor's one.
    assert [e[2] for e in escalations] == [D(2025, 6, 17), D(2025, 6, 24), D(2025, 7, 1)]
    assert {e[1] for e in escalations} == {"coord"}


@pytest.mark.django_db
def test_it_stops_once_the_evaluation_is_submitted(world):
    world["mentor_evaluation"].status = "submitted"
    world["mentor_evaluation"].save()
    reminders_sweep(today=DUE, enqueue=False)
    assert not Reminder.objects.filter(evaluation=world["mentor_evaluation"]).exists()


@pytest.mark.django_db
def test_it_reminds_owners_of_action_items_past_due(world, mentor_a):
    item = ActionItemFactory(
        evaluation=world["mentor_evaluation"], owner=mentor_a, due_date=D(2025, 7, 1)
    )
    ActionItemFactory(evaluation=world["mentor_evaluation"], done=True, due_date=D(2025, 6, 1))
    for day in (D(2025, 7, 1), D(2025, 7, 2), D(2025, 7, 5), D(2025, 7, 9)):
        reminders_sweep(today=day, enqueue=False)
    rows = Reminder.objects.filter(kind="action_overdue")
    assert sorted(rows.values_list("action_item", "for_date")) == [
        (item.pk, D(2025, 7, 2)),
        (item.pk, D(2025, 7, 9)),
    ]


@pytest.mark.django_db
def test_it_tells_the_coordinator_about_agreements_ending_within_30_days(coordinator):
    ending = AgreementFactory(status="active", coordinator=coordinator, end_date=D(2025, 7, 10))
    AgreementFactory(status="active", coordinator=coordinator, end_date=D(2025, 9, 1))
    AgreementFactory(status="ended", coordinator=coordinator, end_date=D(2025, 7, 1))
    for day in (D(2025, 6, 1), D(2025, 6, 10), D(2025, 6, 11), D(2025, 7, 10), D(2025, 7, 11)):
        reminders_sweep(today=day, enqueue=False)
    assert _kinds("agreement_ending") == [("agreement_ending", "coord", D(2025, 7, 10))]
    assert Reminder.objects.get(kind="agreement_ending").agreement == ending


@pytest.mark.django_db
def test_it_tells_a_mentor_about_a_mentee_not_met_for_30_days(world, mentor_a):
    mentorship = world["mentorship"]
    SessionFactory(mentorship=mentorship, date=D(2025, 5, 1))
    reminders_sweep(today=D(2025, 5, 31), enqueue=False)
    assert not Reminder.objects.filter(kind="mentee_stale").exists()
    reminders_sweep(today=D(2025, 6, 1), enqueue=False)
    reminders_sweep(today=D(2025, 6, 20), enqueue=False)
    assert _kinds("mentee_stale") == [("mentee_stale", "mentor_a", D(2025, 6, 1))]


@pytest.mark.django_db
def test_three_sweeps_send_one_email_each(world, mailoutbox):
    for _ in range(3):
        result = reminders_sweep(today=DUE, enqueue=False)
        for reminder_id in result.enqueued:
            reminder_send(reminder_id=reminder_id)
    message_ids = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert len(message_ids) == len(set(message_ids))  # nothing sent twice
    assert sorted(message_ids) == sorted(r.message_id for r in Reminder.objects.all())
    assert Reminder.objects.filter(kind="due_today").count() == 2
    assert Reminder.objects.exclude(status="sent").count() == 0
    assert len(mailoutbox) == Reminder.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_the_sweep_query_count_does_not_grow(
    world, coordinator, mentor_a, count, django_assert_num_queries
):
    for i in range(count):
        evaluation = EvaluationFactory(
            agreement=world["agreement"],
            evaluator=mentor_a,
            period_start=D(2020, 1, 1) + dt.timedelta(days=i),
            period_end=D(2020, 1, 1) + dt.timedelta(days=i),
            due_date=DUE - dt.timedelta(days=i % 10),
        )
        ActionItemFactory(evaluation=evaluation, owner=mentor_a, due_date=D(2025, 6, 1))
    # decide and insert: one INSERT … SELECT per subject (4); reclaim: 2 updates; sendable: 1;
    # savepoint: 2
    with django_assert_num_queries(9):
        result = reminders_sweep(today=DUE, enqueue=False)
    assert result.decided > count


@pytest.mark.django_db
def test_the_sql_sweep_follows_the_python_rules_day_by_day(coordinator, mentor_a):
    # One program evaluation assigned to mentor A, its coordinator the coordinator; a sweep
    # every day from three weeks before to six weeks after the due date inserts exactly
    # what evaluation_dues says, each once.
    program = ProgramFactory(coordinator=coordinator)
    evaluation = EvaluationFactory(agreement=None, program=program, evaluator=mentor_a)
    expected = set()
    for offset in range(-21, 43):
        today = evaluation.due_date + dt.timedelta(days=offset)
        expected |= set(evaluation_dues(evaluation, coordinator.pk, today))
        reminders_sweep(today=today, enqueue=False)
    rows = Reminder.objects.filter(evaluation=evaluation)
    got = list(rows.values_list("kind", "recipient_id", "for_date"))
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected


@pytest.mark.django_db
def test_a_mentorship_evaluation_escalates_to_its_program_coordinator(coordinator, mentor_a):
    mentorship = MentorshipFactory(
        enrolment__program=ProgramFactory(coordinator=coordinator), mentor__user=mentor_a
    )
    EvaluationFactory(agreement=None, mentorship=mentorship, evaluator=None, due_date=DUE)
    # Nobody assigned: the coordinator is reminded as the evaluator, and not escalated to.
    reminders_sweep(today=DUE + dt.timedelta(days=1), enqueue=False)
    assert _kinds("overdue", "overdue_escalation") == [("overdue", "coord", D(2025, 6, 17))]


@pytest.mark.django_db
def test_it_inserts_no_reminder_of_a_kind_the_recipient_turned_off(world, mentor_a):
    # Mentor A turned "due today" off; the coordinator did not.
    ReminderPreference.objects.create(user=mentor_a, muted_kinds=["due_today", "overdue"])
    reminders_sweep(today=DUE, enqueue=False)
    assert _kinds("due_today") == [("due_today", "coord", DUE)]
    # Other kinds still reach mentor A.
    reminders_sweep(today=D(2025, 6, 15), enqueue=False)
    assert ("due_in_1", "mentor_a", D(2025, 6, 15)) in _kinds("due_in_1")


@pytest.mark.django_db
def test_it_reminds_again_every_30_days_while_a_mentee_is_not_met(world):
    mentorship = world["mentorship"]
    SessionFactory(mentorship=mentorship, date=D(2025, 4, 20))
    SessionFactory(mentorship=mentorship, date=D(2025, 5, 1))
    for day in (D(2025, 6, 1), D(2025, 6, 30), D(2025, 7, 1), D(2025, 7, 15)):
        reminders_sweep(today=day, enqueue=False)
    assert [r[2] for r in _kinds("mentee_stale")] == [D(2025, 6, 1), D(2025, 7, 1)]
    # A session logged meanwhile stops them.
    SessionFactory(mentorship=mentorship, date=D(2025, 7, 20))
    reminders_sweep(today=D(2025, 7, 31), enqueue=False)
    assert len(_kinds("mentee_stale")) == 2


@pytest.mark.django_db
def test_a_second_sweep_inserts_nothing(world):
    first = reminders_sweep(today=DUE + dt.timedelta(days=3), enqueue=False)
    again = reminders_sweep(today=DUE + dt.timedelta(days=3), enqueue=False)
    assert first.decided > 0
    assert again.decided == 0
