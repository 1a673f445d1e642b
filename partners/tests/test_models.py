"""Model rules: regions, agreement transitions, indicators, phones, archiving."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factories import (
    AgreementDocumentFactory,
    AgreementFactory,
    ContactFactory,
    PartnerFactory,
    SuccessIndicatorFactory,
)
from partners.models import Agreement, Partner, Province, Region, SuccessIndicator

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def test_it_loads_all_provinces_and_regencies():
    assert Province.objects.count() == 38
    assert Region.objects.count() == 514
    bandung = Region.objects.get(name="Kota Bandung")
    assert bandung.kind == Region.Kind.CITY
    assert bandung.province.name == "Jawa Barat"
    assert Region.objects.get(name="Kabupaten Bandung").kind == Region.Kind.REGENCY
    assert Province.objects.filter(name="Papua Barat Daya").exists()


def test_it_refuses_an_end_date_before_the_start():
    agreement = AgreementFactory.build(
        start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "end_date" in error.value.message_dict


def test_the_database_refuses_an_end_date_before_the_start_too():
    agreement = AgreementFactory()
    agreement.end_date = agreement.start_date - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_it_does_not_activate_a_formal_agreement_without_a_signed_document():
    agreement = AgreementFactory(formality="formal")
    AgreementDocumentFactory(agreement=agreement, kind="annex")
    with pytest.raises(ValidationError, match="signed document"):
        agreement.activate(today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


def test_it_activates_a_formal_agreement_with_a_signed_document():
    agreement = AgreementFactory(formality="formal")
    AgreementDocumentFactory(agreement=agreement, kind="signed")
    agreement.activate(today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.activated_on == TODAY


def test_it_activates_an_informal_agreement_without_documents():
    agreement = AgreementFactory(formality="informal")
    agreement.activate(today=TODAY)
    assert agreement.status == Agreement.Status.ACTIVE


def test_it_needs_a_partner_to_activate():
    agreement = AgreementFactory(parties=[])
    with pytest.raises(ValidationError, match="partner"):
        agreement.activate(today=TODAY)


def test_it_activates_only_drafts_and_ends_only_active_agreements():
    agreement = AgreementFactory()
    with pytest.raises(ValidationError):
        agreement.end(today=TODAY)
    agreement.activate(today=TODAY)
    with pytest.raises(ValidationError):
        agreement.activate(today=TODAY)
    agreement.end(today=TODAY)
    assert agreement.status == Agreement.Status.ENDED
    assert agreement.closed_on == TODAY


def test_terminating_needs_a_reason_and_records_it():
    agreement = AgreementFactory()
    agreement.activate(today=TODAY)
    with pytest.raises(ValidationError):
        agreement.terminate("   ", today=TODAY)
    agreement.terminate("Mitra menghentikan program CSR.", today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    assert agreement.termination_reason == "Mitra menghentikan program CSR."
    with pytest.raises(ValidationError):
        agreement.terminate("again", today=TODAY)


def test_renewal_creates_a_linked_draft_with_the_same_parties_and_indicators():
    partners = [PartnerFactory(), PartnerFactory()]
    old = AgreementFactory(parties=partners)
    SuccessIndicatorFactory(agreement=old, name="Kader terlatih")
    old.activate(today=TODAY)
    new = old.renew(start_date=datetime.date(2028, 1, 1), end_date=datetime.date(2029, 12, 31))
    assert new.renewal_of == old
    assert old.renewed_by == new
    assert new.status == Agreement.Status.DRAFT
    assert set(new.partners.all()) == set(partners)
    assert list(new.indicators.values_list("name", flat=True)) == ["Kader terlatih"]
    with pytest.raises(ValidationError, match="already been renewed"):
        old.renew(start_date=datetime.date(2028, 1, 1), end_date=None)


def test_a_draft_cannot_be_renewed():
    with pytest.raises(ValidationError):
        AgreementFactory().renew(start_date=TODAY, end_date=None)


def test_expiring_soon_is_derived_from_the_end_date():
    soon = AgreementFactory(end_date=TODAY + datetime.timedelta(days=60))
    later = AgreementFactory(end_date=TODAY + datetime.timedelta(days=61))
    past = AgreementFactory(start_date=TODAY.replace(year=2025), end_date=TODAY)
    draft = AgreementFactory(end_date=TODAY + datetime.timedelta(days=10))
    open_ended = AgreementFactory(end_date=None)
    for agreement in (soon, later, past, open_ended):
        Agreement.objects.filter(pk=agreement.pk).update(status="active")
    expiring = set(Agreement.objects.expiring_soon(TODAY))
    assert expiring == {soon, past}  # past ends today: still within the window
    assert draft not in expiring
    soon.refresh_from_db()
    assert soon.is_expiring_soon(TODAY)
    later.refresh_from_db()
    assert not later.is_expiring_soon(TODAY)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "ok"),
    [
        ("higher", 0, 30, True),
        ("higher", 30, 10, False),
        ("lower", 20, 5, True),
        ("lower", 5, 9, False),
    ],
)
def test_an_indicator_target_must_improve_on_its_baseline(direction, baseline, target, ok):
    indicator = SuccessIndicator(
        agreement=AgreementFactory(),
        name="x",
        unit="orang",
        baseline=baseline,
        target=target,
        direction=direction,
    )
    if ok:
        indicator.full_clean()
    else:
        with pytest.raises(ValidationError):
            indicator.full_clean()


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890"])
def test_it_stores_indonesian_phone_numbers_as_e164(typed):
    contact = ContactFactory(phone=typed)
    contact.full_clean()
    contact.save()
    contact.refresh_from_db()
    assert str(contact.phone) == "+6281234567890"


def test_a_partner_with_agreements_is_archived_not_deleted():
    partner = PartnerFactory()
    assert partner.can_be_deleted()
    AgreementFactory(parties=[partner])
    assert not partner.can_be_deleted()
    partner.archive()
    assert partner.is_archived
    assert partner.status == Partner.Status.INACTIVE
    assert Partner.objects.current().filter(pk=partner.pk).count() == 0
    partner.restore()
    assert not partner.is_archived


def test_partner_names_are_unique_whatever_the_case():
    PartnerFactory(name="Yayasan Cahaya")
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="yayasan cahaya", sector="ngo")


def test_a_region_must_lie_in_the_partners_province():
    partner = PartnerFactory.build(
        name="Mitra Salah Provinsi",
        province=Province.objects.get(name="Bali"),
        region=Region.objects.get(name="Kota Bandung"),
    )
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "region" in error.value.message_dict


def test_visible_to_gives_coordinators_everything_and_others_nothing(
    coordinator, mentor_a, outsider, admin
):
    agreement = AgreementFactory()
    for user in (coordinator, admin):
        assert Partner.objects.visible_to(user).count() == 1
        assert Agreement.objects.visible_to(user).count() == 1
    for user in (mentor_a, outsider):
        assert Agreement.objects.visible_to(user).count() == 0
    assert Partner.objects.visible_to(outsider).count() == 0
    assert agreement.partners.count() == 1
