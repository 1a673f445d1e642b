"""The channel of each reminder kind, on the reminder settings page: a channel whose provider
is not set up says so and is refused at its field, as is a mobile channel before the number
is confirmed; a valid choice is kept."""

import pytest
from django.utils import timezone

from accounts.models import MobileNumber
from core.testing import rendered_form
from evaluations.models import ReminderPreference

pytestmark = pytest.mark.django_db
URL = "/evaluations/reminders/settings/"


def test_with_no_provider_whatsapp_is_marked_off_and_refused(client, mentor_a):
    # Mentor A tries WhatsApp on a Kader with no provider: refused, nothing saved.
    client.force_login(mentor_a)
    form = rendered_form(client, URL, testid="preference-form")
    page = client.get(URL).content.decode()
    assert "WhatsApp (nonaktif)" in page
    response = form.submit(client, {"channel_due_today": "whatsapp"})
    assert response.status_code == 200
    assert "WhatsApp tidak aktif di Kader ini: pilih saluran lain." in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_an_unconfirmed_number_cannot_be_chosen(client, mentor_a, whatsapp_api):
    MobileNumber.objects.create(user=mentor_a, number="+6281234567890")
    client.force_login(mentor_a)
    form = rendered_form(client, URL, testid="preference-form")
    response = form.submit(client, {"channel_due_today": "whatsapp"})
    assert "Konfirmasi nomor ponsel Anda dulu" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_a_confirmed_mentor_chooses_whatsapp_for_one_kind(client, mentor_a, whatsapp_api):
    MobileNumber.objects.create(user=mentor_a, number="+6281234567890", confirmed_at=timezone.now())
    client.force_login(mentor_a)
    form = rendered_form(client, URL, testid="preference-form")
    assert form.submit(client, {"channel_due_today": "whatsapp"}).status_code == 302
    preference = ReminderPreference.objects.get(user=mentor_a)
    assert preference.channels == {"due_today": "whatsapp"}
    assert preference.channel_for("due_in_7") == "email"
