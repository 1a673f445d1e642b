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


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_partners(n: int) -> None:
    for i in range(n):
        partner = PartnerFactory(name=f"Mitra {i:03d}")
        ContactFactory(partner=partner)


def make_agreements(n: int, partner) -> None:
    for i in range(n):
        agreement = AgreementFactory(
            title=f"Perjanjian {i:03d}", parties=[partner, PartnerFactory()]
        )
        SuccessIndicatorFactory(agreement=agreement)
        CommunicationLogFactory(partner=partner, agreement=agreement)
        ContactFactory(partner=partner)


@pytest.mark.parametrize("n", [3, 60])
def test_partner_list_query_count(as_coordinator, django_assert_num_queries, n):
    make_partners(n)
    url = reverse("partners:partner_list") + "?sort=name"
    count_queries(as_coordinator, url)  # warm the session and the user's groups
    with django_assert_num_queries(PARTNER_LIST):
        as_coordinator.get(url)


@pytest.mark.parametrize("n", [3, 60])
def test_partner_page_query_count(as_coordinator, django_assert_num_queries, n):
    partner = PartnerFactory(name="Mitra Utama")
    make_agreements(n, partner)
    url = reverse("partners:partner_detail", args=[partner.pk])
    count_queries(as_coordinator, url)
    with django_assert_num_queries(PARTNER_PAGE):
        as_coordinator.get(url)


@pytest.mark.parametrize("n", [3, 60])
def test_agreement_list_query_count(as_coordinator, django_assert_num_queries, n):
    make_agreements(n, PartnerFactory(name="Mitra Utama"))
    url = reverse("partners:agreement_list") + "?status=draft"
    count_queries(as_coordinator, url)
    with django_assert_num_queries(AGREEMENT_LIST):
        as_coordinator.get(url)


# Each includes session, user, the user's groups and the two permission look-ups of the
# menu; the rest is the page's own, and none of it grows with the data.
PARTNER_LIST = 8  # + count, page, provinces for the filter
PARTNER_PAGE = 11  # + partner, contacts, agreements, log, can-delete, programs
AGREEMENT_LIST = 11  # + count, kind counts, partners and coordinators to filter, page, parties
