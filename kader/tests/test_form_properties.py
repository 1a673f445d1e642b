"""Property-based tests (hypothesis) over the main forms, through the views: whatever a
user types, no server error, and nobody changes what they may not change."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from factories import MentorProfileFactory, MentorshipFactory, PartnerFactory, SessionFactory
from partners.models import Partner
from programs.models import Session

pytestmark = pytest.mark.django_db

# Bounded for CI: a few seconds per property.
BOUNDED = hypothesis_settings(
    database=None,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "", " ", "\x00", "9" * 40]),
)
SESSION_FIELDS = ["mentorship", "date", "duration_minutes", "mode", "attendance", "topics"]
PARTNER_FIELDS = ["name", "sector", "status", "province", "region", "website", "description"]


def form_data(fields):
    return st.dictionaries(st.sampled_from(fields), text, max_size=len(fields))


@BOUNDED
@given(data=form_data(SESSION_FIELDS))
def test_a_mentor_logging_a_session_never_gets_a_server_error(client, mentor_a, data):
    # Mentor A submits the session form with anything at all.
    MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    client.force_login(mentor_a)
    response = client.post(reverse("programs:session_create"), data)
    assert response.status_code < 500


@BOUNDED
@given(data=form_data(SESSION_FIELDS))
def test_mentor_b_cannot_change_mentor_as_session_whatever_is_sent(
    client, mentor_a, mentor_b, data
):
    # Mentor B posts anything to the edit and delete URLs of mentor A's session.
    session = SessionFactory(
        mentorship=MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    )
    MentorshipFactory(mentor=MentorProfileFactory(user=mentor_b))
    before = Session.objects.filter(pk=session.pk).values().get()
    client.force_login(mentor_b)
    assert client.post(reverse("programs:session_edit", args=[session.pk]), data).status_code == 404
    assert (
        client.post(reverse("programs:session_delete", args=[session.pk]), data).status_code == 404
    )
    assert Session.objects.filter(pk=session.pk).values().get() == before


@BOUNDED
@given(data=form_data(PARTNER_FIELDS))
def test_a_coordinator_editing_a_partner_never_gets_a_server_error(client, coordinator, data):
    partner = PartnerFactory()
    client.force_login(coordinator)
    assert client.post(reverse("partners:partner_create"), data).status_code < 500
    assert client.post(reverse("partners:partner_edit", args=[partner.pk]), data).status_code < 500


@BOUNDED
@given(data=form_data(PARTNER_FIELDS))
def test_a_mentor_cannot_change_a_partner_whatever_is_sent(client, mentor_a, data):
    partner = PartnerFactory()
    before = Partner.objects.filter(pk=partner.pk).values().get()
    count = Partner.objects.count()
    client.force_login(mentor_a)
    assert client.post(reverse("partners:partner_edit", args=[partner.pk]), data).status_code == 404
    assert client.post(reverse("partners:partner_create"), data).status_code == 404
    assert Partner.objects.filter(pk=partner.pk).values().get() == before
    assert Partner.objects.count() == count
