"""A mentor is told of a new mentee through the outbox: one reminder row, sent once, in
their language, visible among their reminders; nothing when the pairing is refused."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.testing import rendered_form
from evaluations.models import Reminder, ReminderKind, ReminderPreference
from evaluations.reminders import reminder_send
from factories import EnrolmentFactory, MentorProfileFactory, MentorshipFactory
from programs.models import Mentorship

pytestmark = pytest.mark.django_db


def pair(client, enrolment, mentor, **more):
    url = reverse("programs:pairing", args=[enrolment.pk])
    form = rendered_form(client, url, method="post")
    return form.submit(client, {"mentor": str(mentor.pk), **more})


def test_the_mentor_hears_of_a_new_mentee_once(as_coordinator, mentor_a, smtp):
    profile = MentorProfileFactory(user=mentor_a)
    ReminderPreference.objects.create(user=mentor_a, language="en")
    enrolment = EnrolmentFactory(cadre__full_name="Ayu Lestari", program__name="Sekolah Desa")
    assert pair(as_coordinator, enrolment, profile).status_code == 302
    mentorship = Mentorship.objects.get(enrolment=enrolment)

    reminder = Reminder.objects.unscoped().get(kind=ReminderKind.MENTEE_NEW)
    assert (reminder.recipient, reminder.mentorship) == (mentor_a, mentorship)
    assert reminder.status == Reminder.Status.PENDING
    reminder_send(reminder_id=reminder.pk)
    reminder_send(reminder_id=reminder.pk)  # a message delivered twice sends nothing more
    [message] = smtp.inbox.messages
    assert message["To"] == mentor_a.email
    assert message["Subject"] == "Your new mentee: Ayu Lestari"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ayu Lestari of Sekolah Desa is now your mentee" in body
    assert mentorship.get_absolute_url() in body

    # Theirs to see, as every reminder sent to them.
    assert Reminder.objects.visible_to(mentor_a).filter(pk=reminder.pk).exists()


def test_a_refused_pairing_tells_nobody(as_coordinator):
    full = MentorProfileFactory(mentee_capacity=1)
    MentorshipFactory(mentor=full)
    enrolment = EnrolmentFactory()
    response = pair(as_coordinator, enrolment, full)
    assert response.status_code == 200  # asks for the override
    assert not Reminder.objects.unscoped().filter(kind=ReminderKind.MENTEE_NEW).exists()


def test_a_pairing_ended_before_the_send_is_not_announced(as_coordinator, smtp):
    profile = MentorProfileFactory()
    enrolment = EnrolmentFactory()
    pair(as_coordinator, enrolment, profile)
    Mentorship.objects.filter(enrolment=enrolment).update(status="ended")
    reminder = Reminder.objects.unscoped().get(kind=ReminderKind.MENTEE_NEW)
    reminder_send(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SKIPPED
    with translation.override("en"):
        assert reminder.problem() == "The pairing ended meanwhile."
    assert smtp.inbox.messages == []
