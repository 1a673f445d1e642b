"""Changes made in bulk leave history: planned evaluations, mentorships ended by a
withdrawal, reminders sent again. The admin asks "who did this, and when?" and the
object's history page in Django admin answers."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.testing import form_fields
from evaluations.models import Evaluation, Reminder
from evaluations.services import evaluations_plan_all
from factories import AgreementFactory, MentorshipFactory, ReminderFactory

pytestmark = pytest.mark.django_db


def admin_history(client, admin, obj) -> str:
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), tick=False)
def test_it_names_the_coordinator_who_planned_evaluations(client, coordinator, admin):
    # The coordinator presses "Plan evaluations" on an agreement; the admin then opens a
    # planned evaluation's history and sees who created it.
    agreement = AgreementFactory(
        status="active", coordinator=coordinator, start_date=dt.date(2025, 1, 1), end_date=None
    )
    Evaluation.objects.filter(agreement=agreement).delete()  # planned on activation
    client.force_login(coordinator)
    page = client.get(agreement.get_absolute_url()).content.decode()
    action = reverse("evaluations:agreement_plan", args=[agreement.pk])
    response = client.post(action, form_fields(page, action=action))
    assert response.status_code == 302
    planned = Evaluation.objects.filter(agreement=agreement).first()
    assert planned is not None
    record = planned.history.get()
    assert (record.history_type, record.history_user) == ("+", coordinator)
    assert "coord" in admin_history(client, admin, planned)


def test_it_records_the_daily_planning_as_the_system(admin, client):
    # The daily sweep plans with nobody logged in: the history says so, without a user.
    agreement = AgreementFactory(status="active", start_date=dt.date(2025, 1, 1), end_date=None)
    Evaluation.objects.filter(agreement=agreement).delete()
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        evaluations_plan_all()
    planned = Evaluation.objects.filter(agreement=agreement).order_by("pk").first()
    record = planned.history.get()
    assert record.history_type == "+" and record.history_user is None
    assert record.history_change_reason == "Planned from the cadence"
    # When the schedule moves, the move is in the history too.
    planned.agreement.evaluation_cadence = "monthly"
    planned.agreement.save()
    with time_machine.travel(dt.datetime(2025, 3, 4, 9, tzinfo=dt.UTC), tick=False):
        evaluations_plan_all()
    assert Evaluation.history.filter(id=planned.pk, history_type="-").exists()


def test_it_names_who_withdrew_the_cadre_in_the_mentorship_history(
    client, coordinator, admin, mentor_a
):
    # The coordinator withdraws an enrolment; its active mentorship ends, and the admin
    # sees in the mentorship's history that the coordinator ended it.
    mentorship = MentorshipFactory(
        mentor__user=mentor_a, enrolment__program__coordinator=coordinator
    )
    url = reverse("programs:enrolment_edit", args=[mentorship.enrolment.pk])
    client.force_login(coordinator)
    fields = form_fields(client.get(url).content.decode(), action="")
    fields["status"] = "withdrawn"
    fields["outcome"] = ""
    response = client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    mentorship.refresh_from_db()
    assert mentorship.status == "ended"
    latest = mentorship.history.order_by("-history_id").first()
    assert (latest.history_type, latest.status, latest.history_user) == ("~", "ended", coordinator)
    assert "coord" in admin_history(client, admin, mentorship)


def test_it_names_who_sent_a_failed_reminder_again(client, coordinator, admin):
    # The coordinator presses "Send again" on a failed reminder in the reminders page.
    reminder = ReminderFactory(status=Reminder.Status.FAILED, attempts=6, last_error="boom")
    client.force_login(coordinator)
    page = client.get(reverse("evaluations:reminder_list")).content.decode()
    action = reverse("evaluations:reminder_retry", args=[reminder.pk])
    client.post(action, form_fields(page, action=action))
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    latest = reminder.history.order_by("-history_id").first()
    assert (latest.history_user, latest.status) == (coordinator, Reminder.Status.PENDING)
    assert latest.history_change_reason == "Sent again by hand"
    assert "coord" in admin_history(client, admin, reminder)


def test_it_names_the_admin_who_sent_reminders_again_from_the_admin(client, admin):
    # The admin selects a failed reminder and runs "Send again" in Django admin.
    reminder = ReminderFactory(status=Reminder.Status.FAILED, attempts=6)
    client.force_login(admin)
    response = client.post(
        reverse("admin:evaluations_reminder_changelist"),
        {"action": "send_again", "_selected_action": [reminder.pk]},
    )
    assert response.status_code == 302
    latest = reminder.history.order_by("-history_id").first()
    assert (latest.history_user, latest.status) == (admin, Reminder.Status.PENDING)
