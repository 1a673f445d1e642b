"""The coordinator's partner pages: list, create with contacts, edit, archive, delete."""

import pytest
from django.urls import reverse

from factories import AgreementFactory, ContactFactory, PartnerFactory
from partners.models import Partner, Province, Region

pytestmark = pytest.mark.django_db


def partner_data(**overrides) -> dict:
    data = {
        "name": "PT Maju Bersama",
        "sector": "company",
        "status": "active",
        "province": Province.objects.get(name="Jawa Barat").pk,
        "region": Region.objects.get(name="Kota Bandung").pk,
        "brings_funding": "on",
        "brings_mentors": "on",
        "goals": "Mencetak pemimpin muda industri.",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
        "contacts-0-name": "Rina Kusuma",
        "contacts-0-role": "Manajer CSR",
        "contacts-0-email": "rina@maju.example",
        "contacts-0-phone": "0812 3456 7890",
        "contacts-0-is_primary": "on",
    }
    return data | overrides


def test_it_lists_searches_and_filters_partners(as_coordinator):
    # The coordinator searches by name, by contact and by city, and filters.
    bandung = Region.objects.get(name="Kota Bandung")
    cahaya = PartnerFactory(
        name="Yayasan Cahaya",
        sector="ngo",
        region=bandung,
        province=bandung.province,
        brings_funding=False,
    )
    ContactFactory(partner=cahaya, name="Agus Salim")
    PartnerFactory(
        name="Universitas Nusantara",
        sector="university",
        brings_mentors=False,
        brings_venues=True,
        province=Province.objects.get(name="Bali"),
    )
    url = reverse("partners:partner_list")

    def names(**params):
        response = as_coordinator.get(url, params)
        return [p.name for p in response.context["page"].object_list]

    assert names() == ["Universitas Nusantara", "Yayasan Cahaya"]
    assert names(q="cahaya") == ["Yayasan Cahaya"]
    assert names(q="agus") == ["Yayasan Cahaya"]
    assert names(q="bandung") == ["Yayasan Cahaya"]
    assert names(sector="university") == ["Universitas Nusantara"]
    assert names(brings="brings_venues") == ["Universitas Nusantara"]
    assert names(province=bandung.province.pk) == ["Yayasan Cahaya"]
    assert names(sort="-name") == ["Yayasan Cahaya", "Universitas Nusantara"]
    assert names(q="nothing-like-this") == []


def test_it_paginates_and_shows_an_empty_state(as_coordinator):
    # The coordinator pages through 30 partners, then filters to nothing.
    for i in range(30):
        PartnerFactory(name=f"Mitra {i:02d}")
    url = reverse("partners:partner_list")
    first = as_coordinator.get(url).context["page"]
    assert len(first.object_list) == 25
    second = as_coordinator.get(url, {"after": first.next_cursor}).context["page"]
    assert [p.name for p in second] == [f"Mitra {i}" for i in range(25, 30)]
    assert as_coordinator.get(url, {"after": "abc"}).status_code == 200
    empty = as_coordinator.get(url, {"status": "inactive"})
    assert 'data-testid="empty-state"' in empty.content.decode()


def test_archived_partners_are_hidden_unless_asked_for(as_coordinator):
    # The coordinator archives a partner; the list hides it until "archived" is chosen.
    partner = PartnerFactory(name="Komunitas Lama")
    partner.archive()
    url = reverse("partners:partner_list")
    assert "Komunitas Lama" not in as_coordinator.get(url).content.decode()
    assert "Komunitas Lama" in as_coordinator.get(url, {"archived": "true"}).content.decode()


def test_it_creates_a_partner_with_a_contact(as_coordinator):
    # The coordinator creates a partner and its first contact in one form.
    response = as_coordinator.post(reverse("partners:partner_create"), partner_data())
    partner = Partner.objects.get(name="PT Maju Bersama")
    assert response.status_code == 302
    assert response["Location"] == partner.get_absolute_url()
    contact = partner.contacts.get()
    assert str(contact.phone) == "+6281234567890"
    assert partner.strengths == ["Funding", "Mentors"] or len(partner.strengths) == 2
    page = as_coordinator.get(partner.get_absolute_url()).content.decode()
    assert "Rina Kusuma" in page
    assert "+62 812-3456-7890" in page


def test_a_bad_phone_number_is_refused_at_the_field_and_the_input_kept(as_coordinator):
    # The coordinator types a phone number that is not one.
    data = partner_data(**{"contacts-0-phone": "12345"})
    response = as_coordinator.post(reverse("partners:partner_create"), data)
    assert response.status_code == 200
    form = response.context["contacts"].forms[0]
    assert "phone" in form.errors
    body = response.content.decode()
    assert 'value="PT Maju Bersama"' in body
    assert 'value="12345"' in body
    assert not Partner.objects.exists()


def test_a_duplicate_name_is_refused_whatever_the_case(as_coordinator):
    # The coordinator creates a partner that already exists, in other capitals.
    PartnerFactory(name="PT Maju Bersama")
    response = as_coordinator.post(
        reverse("partners:partner_create"), partner_data(name="pt  maju bersama")
    )
    assert "name" in response.context["form"].errors


def test_a_region_from_another_province_is_refused(as_coordinator):
    # The coordinator picks Kota Bandung while the province says Bali.
    data = partner_data(province=Province.objects.get(name="Bali").pk)
    response = as_coordinator.post(reverse("partners:partner_create"), data)
    assert "region" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("goals", "x" * 5001),
        ("province", "999999"),
        ("region", "not-a-number"),
        ("sector", "spaceship"),
        ("website", "javascript:alert(1)"),
        ("website", "https://" + "a" * 200 + ".example"),
        ("contacts-0-email", "not-an-email"),
    ],
)
def test_bad_input_gets_a_field_error_not_a_crash(as_coordinator, field, value):
    # The coordinator (or someone forging the form) sends values the form must refuse.
    response = as_coordinator.post(
        reverse("partners:partner_create"), partner_data(**{field: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors | response.context["contacts"].forms[0].errors
    assert field.removeprefix("contacts-0-") in errors
    assert not Partner.objects.exists()


def test_script_tags_are_stored_as_typed_and_shown_escaped(as_coordinator):
    # The coordinator (or a pasted text) puts a script tag in a name and in the goals.
    data = partner_data(name="<script>alert('x')</script>", goals="<b>tebal</b>")
    as_coordinator.post(reverse("partners:partner_create"), data)
    partner = Partner.objects.get()
    body = as_coordinator.get(partner.get_absolute_url()).content.decode()
    assert "<script>alert(" not in body
    assert "&lt;script&gt;" in body
    assert "&lt;b&gt;tebal&lt;/b&gt;" in body
    listing = as_coordinator.get(reverse("partners:partner_list")).content.decode()
    assert "<script>alert(" not in listing


def test_it_edits_a_partner_and_removes_a_contact(as_coordinator):
    # The coordinator renames a partner and deletes its only contact.
    contact = ContactFactory(partner=PartnerFactory(name="Lama"))
    partner = contact.partner
    data = partner_data(
        name="Baru",
        **{
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(contact.pk),
            "contacts-0-partner": str(partner.pk),
            "contacts-0-DELETE": "on",
        },
    )
    response = as_coordinator.post(reverse("partners:partner_edit", args=[partner.pk]), data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Baru"
    assert not partner.contacts.exists()


def test_a_contact_id_of_another_partner_is_not_changed(as_coordinator):
    # Someone forges the id of another partner's contact into the edit form.
    other = ContactFactory(name="Milik Mitra Lain")
    partner = PartnerFactory(name="Mitra Ini")
    data = partner_data(
        name="Mitra Ini",
        **{
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(other.pk),
            "contacts-0-name": "Dibajak",
        },
    )
    as_coordinator.post(reverse("partners:partner_edit", args=[partner.pk]), data)
    other.refresh_from_db()
    assert other.name == "Milik Mitra Lain"
    assert other.partner != partner


def test_a_partner_with_agreements_is_archived_never_deleted(as_coordinator):
    # The coordinator tries to delete a partner that has an agreement, then archives it.
    partner = PartnerFactory()
    AgreementFactory(parties=[partner])
    response = as_coordinator.post(reverse("partners:partner_delete", args=[partner.pk]))
    assert response.status_code == 302
    assert Partner.objects.filter(pk=partner.pk).exists()
    as_coordinator.post(reverse("partners:partner_archive", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.is_archived
    as_coordinator.post(reverse("partners:partner_archive", args=[partner.pk]), {"restore": "1"})
    partner.refresh_from_db()
    assert not partner.is_archived


def test_a_partner_without_agreements_can_be_deleted(as_coordinator):
    # The coordinator deletes a prospect entered by mistake.
    partner = PartnerFactory(status="prospect")
    as_coordinator.post(reverse("partners:partner_delete", args=[partner.pk]))
    assert not Partner.objects.filter(pk=partner.pk).exists()


def test_the_partner_page_shows_everything_on_one_screen(as_coordinator):
    # The coordinator opens a partner: brings, goals, contacts, agreements, timeline.
    agreement = AgreementFactory(title="Magang Industri 2026")
    partner = agreement.partners.get()
    ContactFactory(partner=partner, name="Hendra Wijaya")
    from factories import CommunicationLogFactory

    CommunicationLogFactory(
        partner=partner,
        summary="Rapat evaluasi semester.",
        challenge_raised=True,
        challenge="Jadwal bentrok",
        resolution="Digeser ke Sabtu",
    )
    body = as_coordinator.get(partner.get_absolute_url()).content.decode()
    for text in (
        "Mentors",
        "Menyiapkan calon pemimpin muda",
        "Hendra Wijaya",
        "Magang Industri 2026",
        "Rapat evaluasi semester.",
        "Digeser ke Sabtu",
    ):
        assert text in body
