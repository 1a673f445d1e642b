"""Coordinators see on the mentor list how each mentor can be reached."""

import pytest
from django.utils import timezone

from accounts.models import MobileNumber
from factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def test_the_mentor_list_shows_who_is_reachable_on_which_channel(
    client, coordinator, mentor_a, mentor_b, sms_gateway
):
    # The coordinator reads the list: mentor A confirmed a number, mentor B did not.
    MentorProfileFactory(user=mentor_a)
    MentorProfileFactory(user=mentor_b)
    MobileNumber.objects.create(user=mentor_a, number="+6281234567890", confirmed_at=timezone.now())
    MobileNumber.objects.create(user=mentor_b, number="+6281234567891")
    client.force_login(coordinator)
    page = client.get("/programs/mentors/").content.decode()
    rows = page.split('data-testid="reach"')[1:]
    assert len(rows) == 2
    assert any("SMS" in row.split("</div>")[0] for row in rows)
    assert any("belum dikonfirmasi" in row.split("</div>")[0] for row in rows)
    assert "WhatsApp</span>" not in page  # not set up on this Kader
