"""The reminders page says in words what each reminder is about, with a link to it, and
why one failed, in the coordinator's language; the raw SMTP error is for admins only."""

import pytest
from django.urls import reverse

from evaluations.models import Reminder
from factories import (
    ActionItemFactory,
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ReminderFactory,
)

pytestmark = pytest.mark.django_db

RAW = "SMTPRecipientsRefused: {'x@example.org': (550, b'5.1.1 mailbox unavailable')}"
WORDS = {
    "en": "The mail server refused the recipient address.",
    "id": "Server surel menolak alamat penerima.",
}


@pytest.fixture
def reminders(coordinator, mentor_a):
    evaluation = EvaluationFactory(agreement=AgreementFactory(title="Kemitraan Air Bersih"))
    item = ActionItemFactory(description="Kirim laporan ke mitra", owner=coordinator)
    mentorship = MentorshipFactory(mentor__user=mentor_a, enrolment__cadre__full_name="Ani L")
    agreement = AgreementFactory(title="Perjanjian Pelatihan Tani", coordinator=coordinator)
    return {
        "evaluation": ReminderFactory(
            evaluation=evaluation, status=Reminder.Status.FAILED, last_error=RAW
        ),
        "action_item": ReminderFactory(
            evaluation=None,
            action_item=item,
            kind="action_overdue",
            recipient=coordinator,
            subject_key=f"action_item:{item.pk}",
            for_date=item.due_date,
        ),
        "agreement": ReminderFactory(
            evaluation=None,
            agreement=agreement,
            kind="agreement_ending",
            recipient=coordinator,
            subject_key=f"agreement:{agreement.pk}",
            for_date=evaluation.due_date,
        ),
        "mentorship": ReminderFactory(
            evaluation=None,
            mentorship=mentorship,
            kind="mentee_stale",
            recipient=mentor_a,
            subject_key=f"mentorship:{mentorship.pk}",
            for_date=evaluation.due_date,
        ),
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_says_what_each_reminder_is_about_and_why_it_failed(
    client, coordinator, reminders, language, settings
):
    # The coordinator opens the reminders page in Indonesian, then in English.
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("evaluations:reminder_list")).content.decode()
    for reminder in reminders.values():
        assert reminder.subject_key not in html
    evaluation = reminders["evaluation"].evaluation
    item = reminders["action_item"].action_item
    assert f'href="{evaluation.get_absolute_url()}"' in html
    assert "Kemitraan Air Bersih" in html
    assert "Kirim laporan ke mitra" in html
    assert f'href="{item.evaluation.get_absolute_url()}"' in html
    assert "Perjanjian Pelatihan Tani" in html
    assert f'href="{reminders["agreement"].agreement.get_absolute_url()}"' in html
    assert "Ani L" in html
    assert f'href="{reminders["mentorship"].mentorship.get_absolute_url()}"' in html
    assert WORDS[language] in html
    assert "SMTPRecipientsRefused" not in html and "5.1.1" not in html


def test_it_keeps_the_raw_error_for_the_admin(client, admin, reminders):
    # The admin opens the failed reminder in Django admin: the raw SMTP answer is there.
    reminder = reminders["evaluation"]
    client.force_login(admin)
    url = reverse("admin:evaluations_reminder_change", args=[reminder.pk])
    assert "5.1.1 mailbox unavailable" in client.get(url).content.decode()


def test_it_lists_reminders_in_a_fixed_number_of_queries(
    client, coordinator, reminders, django_assert_max_num_queries
):
    # Twice the reminders cost no more queries: everything "about" shows is joined.
    client.force_login(coordinator)
    url = reverse("evaluations:reminder_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for reminder in list(reminders.values()):
        reminder.pk, reminder.for_date = None, reminder.for_date.replace(year=2030)
        reminder.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
