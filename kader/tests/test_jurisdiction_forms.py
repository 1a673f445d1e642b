"""Where a coordinator's records go: their own office by default, only their offices on
offer, a move kept in the history; and a shared agreement is changed only by its owners.

Every post fills the form the page renders (core.testing.rendered_form)."""

import pytest
from django.urls import reverse

from accounts.roles import COORDINATOR
from core.testing import rendered_form
from factories import AgreementFactory, CadreFactory, PartnerFactory, ProgramFactory, UserFactory
from jurisdictions.models import Unit
from partners.models import Agreement, Partner, Province, Region
from programs.models import Cadre, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def nina(client):
    """The coordinator of Kota Bandung (32.73), logged in."""
    user = UserFactory(username="nina", role=COORDINATOR, unit="32.73")
    client.force_login(user)
    return user


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def offered_units(form) -> set[str]:
    ids = {int(v) for v in form.options("unit")}
    return set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))


def test_a_district_coordinators_new_cadre_goes_to_their_district(client, nina):
    form = rendered_form(client, reverse("programs:cadre_create"), method="post")
    # Only her district is on offer, already chosen.
    assert offered_units(form) == {"32.73"}
    assert form.browser_data()["unit"] == str(unit("32.73").pk)
    response = form.submit(
        client,
        {
            "full_name": "Dimas Pratama",
            "province": str(Province.objects.get(code="32").pk),
            "city": str(Region.objects.get(code="32.73").pk),
        },
    )
    cadre = Cadre.objects.get(full_name="Dimas Pratama")
    assert response.status_code == 302 and response.url == cadre.get_absolute_url()
    assert cadre.unit == unit("32.73")
    # And she can open it: it stayed in her sight.
    assert client.get(cadre.get_absolute_url()).status_code == 200


def test_a_provincial_coordinator_moves_a_program_between_their_districts(client):
    ratna = UserFactory(role=COORDINATOR, unit="32")
    client.force_login(ratna)
    program = ProgramFactory(unit=unit("32.73"))
    url = reverse("programs:program_edit", args=[program.pk])
    form = rendered_form(client, url, method="post")
    offered = offered_units(form)
    assert {"32", "32.73", "32.01"} <= offered and len(offered) == 28
    assert "11" not in offered
    response = form.submit(client, {"unit": str(unit("32.01").pk)})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.unit == unit("32.01")
    # The move is in the program's history: before and after.
    before, after = program.history.order_by("-history_id")[1], program.history.latest()
    delta = after.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "unit"] == [
        ("unit", unit("32.73").pk, unit("32.01").pk)
    ]


def test_a_unit_outside_the_users_offices_is_refused_at_the_field(client, nina):
    partner = PartnerFactory(unit=unit("32.73"))
    url = reverse("partners:partner_edit", args=[partner.pk])
    form = rendered_form(client, url, method="post")
    # A forged post with Kabupaten Bogor: an error at the office field, nothing moved.
    data = form.data({"unit": str(unit("32.01").pk)})
    response = client.post(form.action, data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    partner.refresh_from_db()
    assert partner.unit == unit("32.73")


def test_a_post_without_the_office_keeps_the_record_where_it_is(client, nina):
    partner = PartnerFactory(unit=unit("32.73"))
    url = reverse("partners:partner_edit", args=[partner.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"unit": None, "description": "Karang taruna kelurahan"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.unit == unit("32.73")
    assert partner.description == "Karang taruna kelurahan"


def test_a_new_partner_of_a_district_coordinator_stays_in_their_sight(client, nina):
    form = rendered_form(client, reverse("partners:partner_create"), method="post")
    response = form.submit(client, {"name": "Karang Taruna Cibeunying", "sector": "community"})
    assert response.status_code == 302, response.context["form"].errors
    partner = Partner.objects.get(name="Karang Taruna Cibeunying")
    assert partner.unit == unit("32.73")
    assert client.get(partner.get_absolute_url()).status_code == 200


def test_a_covered_unit_sees_a_shared_agreement_but_cannot_change_it(client, nina):
    # A national agreement that also covers Kota Bandung.
    agreement = AgreementFactory(title="Kemitraan Nasional Literasi")
    agreement.also_covers.add(unit("32.73"))
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kemitraan Nasional Literasi" in html
    assert reverse("partners:agreement_edit", args=[agreement.pk]) not in html
    for name in ("agreement_edit", "agreement_terminate", "agreement_renew"):
        assert client.get(reverse(f"partners:{name}", args=[agreement.pk])).status_code == 404
    response = client.post(reverse("partners:agreement_activate", args=[agreement.pk]))
    assert response.status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


def test_the_owning_office_changes_its_agreement(client):
    owner = UserFactory(role=COORDINATOR)  # national
    client.force_login(owner)
    agreement = AgreementFactory(title="Kemitraan Nasional Literasi")
    agreement.also_covers.add(unit("32.73"))
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert reverse("partners:agreement_edit", args=[agreement.pk]) in html
    url = reverse("partners:agreement_edit", args=[agreement.pk])
    assert client.get(url).status_code == 200


def test_a_superuser_places_anywhere(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    cadre = CadreFactory(unit=unit("32.73"))
    url = reverse("programs:cadre_edit", args=[cadre.pk])
    form = rendered_form(client, url, method="post")
    assert len(form.options("unit")) == Unit.objects.count()
    response = form.submit(client, {"unit": str(unit("11.01").pk)})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.unit == unit("11.01")
    assert Program.objects.count() == 0  # nothing else was made on the way
