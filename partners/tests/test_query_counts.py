"""The hot pages issue the same number of queries with 3 records as with 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import (
    AgreementFactory,
    CommunicationLogFactory,
    ContactFactory,
    PartnerFactory,
    SuccessIndicatorFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, groups and the menu's permission checks are part of every count; the
# bound catches a page that starts to query per row only at larger sizes.
MAX_QUERIES = 14


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_partners(start: int, stop: int) -> None:
    for i in range(start, stop):
        ContactFactory(partner=PartnerFactory(name=f"Mitra {i:03d}"))


def add_agreements(start: int, stop: int, partner) -> None:
    for i in range(start, stop):
        agreement = AgreementFactory(
            title=f"Perjanjian {i:03d}", parties=[partner, PartnerFactory()]
        )
        SuccessIndicatorFactory(agreement=agreement)
        CommunicationLogFactory(partner=partner, agreement=agreement)
        ContactFactory(partner=partner)


def assert_same_at_3_and_60(client, url: str, grow) -> None:
    grow(0, 3)
    queries(client, url)  # warm-up: the first request of a session may differ
    at_3 = queries(client, url)
    grow(3, 60)
    at_60 = queries(client, url)
    assert at_3 == at_60, f"{at_3} queries with 3 records, {at_60} with 60"
    assert at_60 <= MAX_QUERIES


def test_partner_list_query_count(as_coordinator):
    # The coordinator opens the partner list, sorted, at two sizes.
    url = reverse("partners:partner_list") + "?sort=name"
    assert_same_at_3_and_60(as_coordinator, url, add_partners)


def test_partner_page_query_count(as_coordinator):
    # The coordinator opens a partner with 3, then 60 agreements, contacts and log entries.
    partner = PartnerFactory(name="Mitra Utama")
    url = reverse("partners:partner_detail", args=[partner.pk])
    assert_same_at_3_and_60(
        as_coordinator, url, lambda start, stop: add_agreements(start, stop, partner)
    )


def test_agreement_list_query_count(as_coordinator):
    # The coordinator opens the agreement list, filtered, at two sizes.
    partner = PartnerFactory(name="Mitra Utama")
    url = reverse("partners:agreement_list") + "?status=draft"
    assert_same_at_3_and_60(
        as_coordinator, url, lambda start, stop: add_agreements(start, stop, partner)
    )
