"""The reminder list reads the same queries with 4 reminders as with 40, whatever each is
about (an evaluation of an agreement, of a program or of a pair, an action item, an
agreement's end, a quiet pair), and names each subject."""

import datetime as dt

import pytest
from django.urls import reverse

from factories import (
    ActionItemFactory,
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    ReminderFactory,
)

pytestmark = pytest.mark.django_db


def _reminders(rounds: int, coordinator) -> list[str]:
    """`rounds` × each kind of subject; the names the list must show."""
    names = []
    for i in range(rounds):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i)
        agreement = AgreementFactory(
            status="active", title=f"Kesepakatan {i}", coordinator=coordinator
        )
        periodic = EvaluationFactory(agreement=agreement)
        ReminderFactory(evaluation=periodic, for_date=day)
        program = ProgramFactory(name=f"Program {i}")
        ReminderFactory(evaluation=EvaluationFactory(agreement=None, program=program), for_date=day)
        pair = MentorshipFactory(enrolment__cadre__full_name=f"Kader {i}")
        ReminderFactory(evaluation=EvaluationFactory(agreement=None, mentorship=pair), for_date=day)
        item = ActionItemFactory(evaluation=periodic)
        ReminderFactory(
            evaluation=None,
            action_item=item,
            recipient=item.owner,
            subject_key=f"action:{item.pk}",
            kind="action_overdue",
            for_date=day,
        )
        ReminderFactory(
            evaluation=None,
            agreement=agreement,
            recipient=agreement.coordinator,
            subject_key=f"agreement:{agreement.pk}",
            kind="agreement_ending",
            for_date=day,
        )
        ReminderFactory(
            evaluation=None,
            mentorship=pair,
            recipient=pair.mentor.user,
            subject_key=f"pair:{pair.pk}",
            kind="mentee_stale",
            for_date=day,
        )
        names += [f"Kesepakatan {i}", f"Program {i}", f"Kader {i}"]
    return names


@pytest.mark.parametrize("rounds", [1, 4])
def test_the_reminder_list_reads_the_same_queries_at_any_size(
    client, coordinator, rounds, django_assert_max_num_queries
):
    names = _reminders(rounds, coordinator)
    client.force_login(coordinator)
    url = reverse("evaluations:reminder_list")
    client.get(url)  # warm-up: the row estimate and the scope are cached
    # The request's own five (session, user, groups, scope, unread count), the count and
    # the page (each reminder's own subjects joined): 7; then what lies behind the subjects
    # of the page's rows, one query per step (evaluations/views.py SUBJECTS: the
    # evaluation's agreement, program, pair, enrolment, cadre, mentor and user, the action
    # item's evaluation, the pair's enrolment and cadre): 10, made only when a row has such
    # a subject, whatever the number of rows.
    with django_assert_max_num_queries(EXPECTED):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert all(name in html for name in names)


EXPECTED = 17
