"""Every list's filters say "All" (Semua) for a choice left open, and "Default" for the sort,
never Django's "---------"."""

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR
from factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "partners:partner_list",
    "partners:agreement_list",
    "programs:program_list",
    "programs:cadre_list",
    "programs:session_list",
    "evaluations:evaluation_list",
    "evaluations:reminder_list",
]


@pytest.mark.parametrize("name", LISTS)
def test_a_coordinators_list_offers_all_not_dashes(client, name):
    # A national coordinator opens the list in Indonesian.
    client.force_login(UserFactory(role=COORDINATOR))
    html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'id="id_sort"' in html
    assert "---------" not in html
    assert ">Semua</option>" in html
