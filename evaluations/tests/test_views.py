"""Each page per role; a mentor sees and fills only the evaluations assigned to them."""

import datetime as dt

import pytest
from django.urls import reverse

from core.testing import rendered_form
from evaluations.models import ActionItem, Evaluation, Reminder
from evaluations.services import evaluation_prepare
from factories import ActionItemFactory, EvaluationFactory

pytestmark = pytest.mark.django_db


def _mgmt(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def fill_data(evaluation, *, actuals=None, action=None, findings="Mitra aktif.", **extra) -> dict:
    evaluation_prepare(evaluation=evaluation)
    results = list(evaluation.indicator_results.all())
    ratings = list(evaluation.ratings.all())
    data = {"findings": findings, **_mgmt("ind", len(results), len(results))}
    for i, result in enumerate(results):
        data[f"ind-{i}-id"] = result.pk
        data[f"ind-{i}-actual"] = (actuals or {}).get(result.indicator.name, "")
    data.update(_mgmt("rat", len(ratings), len(ratings)))
    for i, rating in enumerate(ratings):
        data[f"rat-{i}-id"] = rating.pk
        data[f"rat-{i}-score"] = 4 if i % 2 else ""
    data.update(_mgmt("act", 1, 0))
    for key, value in (action or {}).items():
        data[f"act-0-{key}"] = value
    return {**data, **extra}


def url(name: str, *args) -> str:
    return reverse(f"evaluations:{name}", args=args)


# --- the permission matrix -------------------------------------------------------------

ROLES = ["anonymous", "outsider", "mentor_a", "mentor_b", "coordinator", "admin"]
# Status per role; 302 to the login page for anonymous visitors everywhere.
MATRIX = {
    "evaluation_list": [302, 404, 404, 404, 200, 200],
    "my_evaluations": [302, 404, 200, 200, 200, 200],
    "evaluation_detail": [302, 404, 200, 404, 200, 200],
    "evaluation_fill": [302, 404, 200, 404, 200, 200],
    "evaluation_plan": [302, 404, 404, 404, 200, 200],
    "agreement_evaluation_detail": [302, 404, 404, 404, 200, 200],
    "reminder_list": [302, 404, 404, 404, 200, 200],
    "preferences": [302, 404, 200, 200, 200, 200],
}


@pytest.mark.parametrize("page", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role(client, request, world, page, role):
    # Who is trying: each persona, on each page, about mentor A's evaluation.
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    mine = world["mentor_evaluation"].pk
    targets = {
        "evaluation_list": url("evaluation_list"),
        "my_evaluations": url("my_evaluations"),
        "evaluation_detail": url("evaluation_detail", mine),
        "evaluation_fill": url("evaluation_fill", mine),
        "evaluation_plan": url("evaluation_plan", mine),
        "agreement_evaluation_detail": url("evaluation_detail", world["agreement_evaluation"].pk),
        "reminder_list": url("reminder_list"),
        "preferences": url("preferences"),
    }
    response = client.get(targets[page])
    assert response.status_code == MATRIX[page][ROLES.index(role)]


def test_a_mentor_cannot_post_into_someone_elses_evaluation(client, mentor_b, world):
    # Mentor B forges a POST to mentor A's evaluation: 404, and nothing changes.
    client.force_login(mentor_b)
    evaluation = world["mentor_evaluation"]
    response = client.post(url("evaluation_fill", evaluation.pk), fill_data(evaluation, save=""))
    assert response.status_code == 404
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.findings) == ("scheduled", "")


def test_a_mentor_cannot_review(client, mentor_a, world):
    # Mentor A tries to accept their own submitted evaluation.
    evaluation = world["mentor_evaluation"]
    Evaluation.objects.filter(pk=evaluation.pk).update(status="submitted")
    client.force_login(mentor_a)
    response = client.post(url("evaluation_review", evaluation.pk), {"decision": "accept"})
    assert response.status_code == 404


# --- filling in, submitting, reviewing -------------------------------------------------


def test_a_mentor_saves_a_draft_and_comes_back(client, mentor_a, world):
    # Mentor A saves a draft of their evaluation with an action item.
    client.force_login(mentor_a)
    evaluation = world["mentor_evaluation"]
    action = {"description": "Tambah sesi daring", "owner": mentor_a.pk, "due_date": "2025-07-01"}
    response = client.post(
        url("evaluation_fill", evaluation.pk), fill_data(evaluation, action=action, save="")
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "in_progress"
    assert evaluation.findings == "Mitra aktif."
    assert evaluation.action_items.get().owner == mentor_a
    assert evaluation.ratings.filter(score=4).count() == 5
    page = client.get(url("evaluation_fill", evaluation.pk))
    assert "Tambah sesi daring" in page.content.decode()


def test_submitting_needs_every_indicator_value(client, coordinator, world):
    # The coordinator submits the agreement's evaluation with one indicator left empty.
    client.force_login(coordinator)
    evaluation = world["agreement_evaluation"]
    data = fill_data(evaluation, actuals={"Kader terlatih": "30"}, submit="")
    response = client.post(url("evaluation_fill", evaluation.pk), data)
    assert response.status_code == 200
    errors = [form.errors for form in response.context["indicator_formset"]]
    assert [bool(e.get("actual")) for e in errors] == [False, True]
    evaluation.refresh_from_db()
    assert evaluation.status == "scheduled"  # the whole submission was rolled back
    assert evaluation.indicator_results.filter(actual=30).count() == 0


def test_bad_input_shows_at_the_field_and_keeps_the_input(client, mentor_a, outsider, world):
    # Mentor A forges the id of a user without a role as the owner of an action item.
    client.force_login(mentor_a)
    evaluation = world["mentor_evaluation"]
    action = {"description": "<script>alert(1)</script>", "owner": outsider.pk, "due_date": "x"}
    response = client.post(
        url("evaluation_fill", evaluation.pk), fill_data(evaluation, action=action, save="")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in body or "Pilih" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not ActionItem.objects.exists()


def test_submit_then_review_and_send_back(client, mentor_a, coordinator, world):
    # Mentor A submits; the coordinator sends it back, then accepts the second version.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    response = client.post(url("evaluation_fill", evaluation.pk), fill_data(evaluation, submit=""))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    assert Reminder.objects.filter(kind="submitted", recipient=coordinator).count() == 1
    assert client.get(url("evaluation_fill", evaluation.pk)).status_code == 302

    client.force_login(coordinator)
    response = client.post(url("evaluation_review", evaluation.pk), {"decision": "send_back"})
    assert response.status_code == 200  # the comment is required
    response = client.post(
        url("evaluation_review", evaluation.pk),
        {"decision": "send_back", "comment": "Lengkapi temuan."},
    )
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.review_comment) == ("in_progress", "Lengkapi temuan.")

    client.force_login(mentor_a)
    client.post(url("evaluation_fill", evaluation.pk), fill_data(evaluation, submit=""))
    client.force_login(coordinator)
    client.post(url("evaluation_review", evaluation.pk), {"decision": "accept"})
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.reviewed_by) == ("reviewed", coordinator)


def test_the_report_shows_attainment_and_reminders(client, coordinator, world):
    # The coordinator reads the agreement evaluation's report.
    evaluation = world["agreement_evaluation"]
    evaluation_prepare(evaluation=evaluation)
    evaluation.indicator_results.filter(indicator__name="Kader terlatih").update(actual=30)
    evaluation.indicator_results.filter(indicator__name="Kader keluar").update(actual=10)
    Reminder.objects.create(
        kind="due_today",
        recipient=coordinator,
        evaluation=evaluation,
        subject_key=f"evaluation:{evaluation.pk}",
        for_date=evaluation.due_date,
        status="failed",
        last_error="SMTPServerDisconnected",
    )
    client.force_login(coordinator)
    body = client.get(url("evaluation_detail", evaluation.pk)).content.decode()
    assert "75%" in body  # 30 of 40 from 0
    assert "67%" in body  # from 20 down to 10, target 5: lower is better
    # The failure in words (raw SMTP errors are for admins, in Django admin).
    assert "Server surel memutus sambungan." in body
    assert "SMTPServerDisconnected" not in body


def test_my_evaluations_lists_overdue_due_and_done(client, mentor_a, world):
    # Mentor A opens "My evaluations": the agreement's evaluation is not theirs.
    done = EvaluationFactory(
        agreement=None,
        mentorship=world["mentorship"],
        kind="final",
        evaluator=mentor_a,
        status="reviewed",
    )
    client.force_login(mentor_a)
    response = client.get(url("my_evaluations"))
    context = response.context
    assert [e.pk for e in context["overdue"]] == [world["mentor_evaluation"].pk]
    assert [e.pk for e in context["done"].object_list] == [done.pk]


def test_the_list_filters_and_searches(client, coordinator, world):
    # The coordinator filters the list by subject and by overdue.
    client.force_login(coordinator)
    response = client.get(url("evaluation_list"), {"subject": "mentorship"})
    assert [e.pk for e in response.context["page"].object_list] == [world["mentor_evaluation"].pk]
    response = client.get(url("evaluation_list"), {"q": "zzz-nothing"})
    assert 'data-testid="empty-state"' in response.content.decode()


def test_preferences_turn_a_kind_off(client, mentor_a):
    # Mentor A keeps only the "due today" reminder, in English.
    client.force_login(mentor_a)
    form = rendered_form(client, url("preferences"), testid="preference-form")
    form.submit(client, {"language": "en", "wanted": ["due_today"]})
    preference = mentor_a.reminder_preference
    assert preference.language == "en"
    assert "due_in_7" in preference.muted_kinds
    assert "due_today" not in preference.muted_kinds


def test_a_failed_reminder_can_be_sent_again(client, coordinator, world):
    # The coordinator retries a failed reminder from the list.
    evaluation = world["agreement_evaluation"]
    reminder = Reminder.objects.create(
        kind="due_today",
        recipient=coordinator,
        evaluation=evaluation,
        subject_key=f"evaluation:{evaluation.pk}",
        for_date=evaluation.due_date,
        status="failed",
        attempts=6,
    )
    client.force_login(coordinator)
    client.post(url("reminder_retry", reminder.pk))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("pending", 0)


# --- query counts ----------------------------------------------------------------------


def _many(world, mentor_a, count: int) -> None:
    for i in range(count):
        evaluation = EvaluationFactory(
            agreement=world["agreement"],
            evaluator=mentor_a,
            period_start=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            period_end=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            status=["scheduled", "reviewed"][i % 2],
        )
        ActionItemFactory(evaluation=evaluation, owner=mentor_a)


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_query_count_is_fixed(
    client, coordinator, mentor_a, world, count, django_assert_max_num_queries
):
    _many(world, mentor_a, count)
    client.force_login(coordinator)
    client.get(url("evaluation_list"))  # warm-up: the row estimate is cached (PostgreSQL)
    # session, user, roles, scope, count, page, and the pairs (cadre and mentor) of the
    # page's rows, a query made only when the page shows a pair's evaluation
    # +1 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
    with django_assert_max_num_queries(8):
        assert client.get(url("evaluation_list")).status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_my_evaluations_query_count_is_fixed(
    client, mentor_a, world, count, django_assert_max_num_queries
):
    _many(world, mentor_a, count)
    client.force_login(mentor_a)
    # +1 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
    # −1 since issue 20: the person's evaluations' dates and ids in one query (open and done
    # together, no count of the done ones), then the rows shown. The pairs of the rows shown
    # come in their own query, made only when a pair's evaluation is among them (with 60
    # here the 20 earliest open ones are all the agreement's).
    with django_assert_max_num_queries(9):
        assert client.get(url("my_evaluations")).status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_the_report_query_count_is_fixed(
    client, coordinator, world, count, django_assert_num_queries
):
    evaluation = world["agreement_evaluation"]
    evaluation_prepare(evaluation=evaluation)
    for _ in range(count):
        ActionItemFactory(evaluation=evaluation, owner=coordinator)
    client.force_login(coordinator)
    # session, user, roles, scope, evaluation, results, ratings, action items, reminders
    # +1 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
    with django_assert_num_queries(10):
        assert client.get(url("evaluation_detail", evaluation.pk)).status_code == 200


def test_it_lists_an_evaluation_whose_evaluator_is_gone(client, coordinator):
    # The coordinator opens the list while one evaluation has no evaluator any more (the
    # user was deleted: SET_NULL). Found under load by test_database_hangs.py: a 500.
    EvaluationFactory(evaluator=None, findings="Tanpa penilai")
    client.force_login(coordinator)
    response = client.get(reverse("evaluations:evaluation_list"))
    assert response.status_code == 200
    assert "—" in response.content.decode()
