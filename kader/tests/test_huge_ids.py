"""An id no database integer can hold is refused like any unknown id: a field error or an
ignored filter, never a server error. Found by hypothesis on SQLite, where such a number
raised OverflowError (PostgreSQL just finds no row); these tests run on both."""

import pytest
from django.urls import reverse

from programs.models import Program

HUGE = "99999999999999999999"  # > 2**63
pytestmark = pytest.mark.django_db


def test_a_coordinator_creating_a_program_with_a_huge_partner_id_gets_a_field_error(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:program_create"),
        {
            "name": "Magang Desa Digital",
            "kind": "practical",
            "status": "open",
            "partners": HUGE,
            "agreements": HUGE,
            "start_date": "2025-07-01",
            "end_date": "2025-09-30",
            "capacity": 10,
            "place": "Banyuwangi",
            "coordinator": coordinator.pk,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"partners", "agreements"}
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("partners:agreement_list", "coordinator"),
        ("partners:agreement_list", "partner"),
        ("programs:session_list", "program"),
        ("programs:cadre_list", "program"),
        ("programs:cadre_list", "partner"),
    ],
)
def test_a_coordinator_filtering_a_list_by_a_huge_id_gets_the_page(client, coordinator, url, field):
    client.force_login(coordinator)
    response = client.get(reverse(url), {field: HUGE})
    assert response.status_code == 200
    # The filter refuses the id (so nothing is filtered by it) or finds nothing.
    filters = response.context.get("filters") or response.context["filter"]
    assert not filters.is_valid() or not filters.qs.exists()
