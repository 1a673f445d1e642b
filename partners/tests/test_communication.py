"""The communication log of a partner, optionally about one of its agreements."""

import pytest
from django.urls import reverse

from factories import AgreementFactory, CommunicationLogFactory, PartnerFactory
from partners.models import CommunicationLog

pytestmark = pytest.mark.django_db


def log_data(**overrides) -> dict:
    data = {
        "date": "2026-02-10",
        "channel": "visit",
        "participants": "Sari, Pak Hendra (HRD)",
        "summary": "Kunjungan ke lokasi magang.",
        "follow_up": "Kirim daftar kader.",
        "follow_up_due": "2026-02-20",
    }
    return data | overrides


def test_it_logs_a_conversation_about_an_agreement(as_coordinator, coordinator):
    # The coordinator logs a visit about one of the partner's agreements.
    agreement = AgreementFactory()
    partner = agreement.partners.get()
    url = reverse("partners:communication_create", args=[partner.pk])
    response = as_coordinator.post(url, log_data(agreement=agreement.pk))
    assert response.status_code == 302
    log = CommunicationLog.objects.get()
    assert (log.partner, log.agreement, log.logged_by) == (partner, agreement, coordinator)
    body = as_coordinator.get(partner.get_absolute_url()).content.decode()
    assert "Kunjungan ke lokasi magang." in body
    assert "Kirim daftar kader." in body


def test_an_agreement_of_another_partner_is_refused(as_coordinator):
    # Someone forges the id of an agreement this partner is not party to.
    partner = PartnerFactory()
    other = AgreementFactory()
    url = reverse("partners:communication_create", args=[partner.pk])
    response = as_coordinator.post(url, log_data(agreement=other.pk))
    assert "agreement" in response.context["form"].errors
    assert not CommunicationLog.objects.exists()


def test_a_challenge_needs_a_description(as_coordinator):
    # The coordinator ticks "raised a challenge" but says nothing about it, and records a
    # follow-up date without the follow-up.
    partner = PartnerFactory()
    url = reverse("partners:communication_create", args=[partner.pk])
    response = as_coordinator.post(url, log_data(challenge_raised="on", follow_up=""))
    errors = response.context["form"].errors
    assert "challenge" in errors
    assert "follow_up" in errors
    assert 'value="Sari, Pak Hendra (HRD)"' in response.content.decode()


def test_it_marks_a_follow_up_done_and_records_the_resolution(as_coordinator):
    # The coordinator comes back to a log entry once the challenge is resolved.
    log = CommunicationLogFactory(
        follow_up="Kirim jadwal", challenge_raised=True, challenge="Mentor kurang"
    )
    url = reverse("partners:communication_edit", args=[log.pk])
    data = log_data(
        follow_up="Kirim jadwal",
        follow_up_done="on",
        challenge_raised="on",
        challenge="Mentor kurang",
        resolution="Mitra menambah dua mentor.",
    )
    assert as_coordinator.post(url, data).status_code == 302
    log.refresh_from_db()
    assert log.follow_up_done
    assert log.resolution == "Mitra menambah dua mentor."
    assert CommunicationLog.objects.open_follow_ups().count() == 0
