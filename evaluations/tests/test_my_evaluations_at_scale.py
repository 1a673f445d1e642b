"""The "My evaluations" page lists at most MINE_SHOWN open evaluations per group, counts them all,
and costs the same queries with 3 evaluations as with 30 (issue 20: a national coordinator
evaluates thousands, which made a page of 1.7 MB)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import views
from factories import EvaluationFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def _evaluations(evaluator, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        due = today + dt.timedelta(days=(i % 3) - 1)  # overdue, due today, due tomorrow
        EvaluationFactory(evaluator=evaluator, due_date=due)
    EvaluationFactory(evaluator=evaluator, status="submitted", due_date=today)


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_my_evaluations_constant(
    client, coordinator, size, monkeypatch, django_assert_num_queries
):
    # The coordinator evaluates `size` open agreements' evaluations; five are shown a group.
    monkeypatch.setattr(views, "MINE_SHOWN", 5)
    _evaluations(coordinator, size)
    client.force_login(coordinator)
    url = reverse("evaluations:my_evaluations")
    client.get(url)
    with django_assert_num_queries(EXPECTED):
        response = client.get(url)
    overdue, due = response.context["overdue"], response.context["due"]
    assert response.context["overdue_count"] == size // 3
    assert response.context["due_count"] == size - size // 3
    assert len(overdue) == min(size // 3, 5) and len(due) == min(size - size // 3, 5)
    assert [e.due_date for e in due] == sorted(e.due_date for e in due)
    assert len(response.context["done"].object_list) == 1
    assert ('data-testid="mine-cut"' in response.content.decode()) == (size > 5)


# Written out so that a change shows up: the session, user, groups, scope and unread count,
# then the person's evaluations' dates and ids, and the rows shown.
EXPECTED = 7
