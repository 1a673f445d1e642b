"""Partner-side dates that cannot be true: a follow-up due before the meeting it follows, a
meeting logged in the future or in 1900, an agreement starting in 1900 or ending decades on."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.testing import rendered_form
from factories import AgreementFactory, CommunicationLogFactory, PartnerFactory
from partners.models import Agreement, CommunicationLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The messages are asserted in English: the person chose English (the language cookie).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def log_form(client, partner):
    return rendered_form(
        client, reverse("partners:communication_create", args=[partner.pk]), method="post"
    )


def test_a_follow_up_due_before_its_meeting_is_refused(as_coordinator):
    partner = PartnerFactory()
    form = log_form(as_coordinator, partner)
    response = form.submit(
        as_coordinator,
        {"date": "2026-02-10", "channel": "visit", "summary": "Kunjungan."}
        | {"follow_up": "Kirim daftar.", "follow_up_due": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "before the meeting" in response.context["form"].errors["follow_up_due"][0]
    assert not CommunicationLog.objects.exists()


def test_a_meeting_in_the_future_or_in_1900_is_refused(as_coordinator):
    partner = PartnerFactory()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for day in ("1900-02-10", tomorrow):
        form = log_form(as_coordinator, partner)
        response = form.submit(
            as_coordinator, {"date": day, "channel": "call", "summary": "Telepon."}
        )
        assert response.status_code == 200, day
        assert "date" in response.context["form"].errors
    html = as_coordinator.get(
        reverse("partners:communication_create", args=[partner.pk])
    ).content.decode()
    tag = re.search(r'<input[^>]*name="date"[^>]*>', html).group(0)
    assert 'min="2000-01-01"' in tag and f'max="{timezone.localdate().isoformat()}"' in tag


def test_an_agreement_from_1900_to_2300_is_refused_at_both_dates(as_coordinator):
    agreement = AgreementFactory()
    url = reverse("partners:agreement_edit", args=[agreement.pk])
    form = rendered_form(as_coordinator, url, method="post")
    response = form.submit(as_coordinator, {"start_date": "1900-01-01", "end_date": "2300-01-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "start_date" in errors and "end_date" in errors
    agreement.refresh_from_db()
    assert agreement.start_date == dt.date(2025, 1, 1)


def test_the_database_refuses_a_follow_up_before_its_meeting():
    log = CommunicationLogFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunicationLog.objects.filter(pk=log.pk).update(follow_up_due=dt.date(2025, 3, 2))


def test_the_database_refuses_an_agreement_in_1900():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(start_date=dt.date(1900, 1, 1))
