"""The coordinator's agreement pages: list with counts and filters, form, transitions."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from factories import AgreementDocumentFactory, AgreementFactory, PartnerFactory
from partners.models import Agreement

pytestmark = pytest.mark.django_db


def agreement_data(partners, **overrides) -> dict:
    data = {
        "title": "Kemitraan Magang Industri",
        "formality": "formal",
        "basis": "industry",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "evaluation_cadence": "quarterly",
        "objectives_short_term": "30 kader magang.",
        "parties-TOTAL_FORMS": str(len(partners)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "20",
        "indicators-TOTAL_FORMS": "2",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "30",
        "indicators-0-name": "Kader selesai magang",
        "indicators-0-unit": "orang",
        "indicators-0-baseline": "0",
        "indicators-0-target": "30",
        "indicators-0-direction": "higher",
        "indicators-1-name": "Kader keluar sebelum selesai",
        "indicators-1-unit": "%",
        "indicators-1-baseline": "20",
        "indicators-1-target": "5",
        "indicators-1-direction": "lower",
    }
    for i, partner in enumerate(partners):
        data[f"parties-{i}-partner"] = str(partner.pk)
        data[f"parties-{i}-role"] = "Tuan rumah magang"
        data[f"parties-{i}-responsibilities"] = "Menyediakan tempat dan mentor."
    return data | overrides


def test_it_creates_an_agreement_with_parties_and_indicators(as_coordinator, coordinator):
    # The coordinator records a formal agreement with two partners and two indicators.
    partners = [PartnerFactory(), PartnerFactory()]
    response = as_coordinator.post(reverse("partners:agreement_create"), agreement_data(partners))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert agreement.status == Agreement.Status.DRAFT
    assert set(agreement.partners.all()) == set(partners)
    assert agreement.indicators.count() == 2
    assert agreement.agreement_parties.first().role == "Tuan rumah magang"


def test_an_end_date_before_the_start_is_refused_at_the_field(as_coordinator):
    # The coordinator swaps the dates by mistake; what was typed stays in the form.
    data = agreement_data([PartnerFactory()], end_date="2025-06-30")
    response = as_coordinator.post(reverse("partners:agreement_create"), data)
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert 'value="Kemitraan Magang Industri"' in response.content.decode()
    assert not Agreement.objects.exists()


def test_an_agreement_needs_a_partner_and_each_partner_once(as_coordinator):
    # The coordinator forgets the partner, then adds the same partner twice.
    response = as_coordinator.post(
        reverse("partners:agreement_create"),
        agreement_data([], **{"parties-TOTAL_FORMS": "1"}),
    )
    assert response.context["parties"].non_form_errors() or response.context["parties"].errors[0]
    partner = PartnerFactory()
    response = as_coordinator.post(
        reverse("partners:agreement_create"), agreement_data([partner, partner])
    )
    assert response.context["parties"].non_form_errors()
    assert not Agreement.objects.exists()


def test_a_forged_partner_id_is_refused(as_coordinator):
    # Someone posts the id of a partner that does not exist (or is not theirs to use).
    data = agreement_data([PartnerFactory()], **{"parties-0-partner": "987654"})
    response = as_coordinator.post(reverse("partners:agreement_create"), data)
    assert "partner" in response.context["parties"].forms[0].errors
    assert not Agreement.objects.exists()


def test_a_bad_indicator_is_refused_at_its_field(as_coordinator):
    # The coordinator sets a target below the baseline where higher is better, and text
    # where a number belongs.
    data = agreement_data(
        [PartnerFactory()],
        **{"indicators-0-target": "-5", "indicators-1-baseline": "banyak"},
    )
    response = as_coordinator.post(reverse("partners:agreement_create"), data)
    forms = response.context["indicators"].forms
    assert "target" in forms[0].errors
    assert "baseline" in forms[1].errors


def test_the_list_counts_each_formality_and_basis(as_coordinator):
    # The coordinator opens the list: four counts above it, which follow the other filters.
    AgreementFactory(formality="formal", basis="industry")
    AgreementFactory(formality="formal", basis="industry")
    AgreementFactory(formality="informal", basis="community")
    active = AgreementFactory(formality="informal", basis="industry")
    active.activate()
    response = as_coordinator.get(reverse("partners:agreement_list"))
    counts = {
        (c["formality"].value, c["basis"].value): c["count"] for c in response.context["counts"]
    }
    assert counts == {
        ("formal", "industry"): 2,
        ("formal", "community"): 0,
        ("informal", "industry"): 1,
        ("informal", "community"): 1,
    }
    response = as_coordinator.get(reverse("partners:agreement_list"), {"status": "active"})
    counts = {
        (c["formality"].value, c["basis"].value): c["count"] for c in response.context["counts"]
    }
    assert counts[("informal", "industry")] == 1
    assert sum(counts.values()) == 1


@time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_the_list_filters_agreements(as_coordinator, coordinator):
    # The coordinator filters by kind, status, partner, coordinator and "expiring soon".
    partner = PartnerFactory(name="PT Sinar")
    soon = AgreementFactory(title="Segera", end_date=datetime.date(2026, 4, 1), parties=[partner])
    soon.activate()
    later = AgreementFactory(title="Nanti", formality="formal", coordinator=coordinator)
    url = reverse("partners:agreement_list")

    def titles(**params):
        return [a.title for a in as_coordinator.get(url, params).context["page"].object_list]

    assert titles(expiring="true") == ["Segera"]
    assert titles(formality="formal") == ["Nanti"]
    assert titles(status="draft") == ["Nanti"]
    assert titles(partner=partner.pk) == ["Segera"]
    assert titles(coordinator=coordinator.pk) == ["Nanti"]
    assert titles(q="sinar") == ["Segera"]
    forged = as_coordinator.get(url, {"partner": "999999"})
    assert "partner" in forged.context["filter"].form.errors  # said at the field, no crash
    assert later.title in as_coordinator.get(url).content.decode()
    assert "Expiring soon" in as_coordinator.get(url).content.decode()


def test_activation_is_refused_for_a_formal_agreement_without_its_signed_document(
    as_coordinator,
):
    # The coordinator presses "Activate" before uploading the signed agreement.
    agreement = AgreementFactory(formality="formal")
    url = reverse("partners:agreement_activate", args=[agreement.pk])
    response = as_coordinator.post(url, follow=True)
    assert "signed document" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    AgreementDocumentFactory(agreement=agreement)
    as_coordinator.post(url)
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_it_ends_terminates_and_renews_through_the_pages(as_coordinator):
    # The coordinator terminates one agreement with a reason, and renews another.
    first = AgreementFactory()
    response = as_coordinator.post(
        reverse("partners:agreement_terminate", args=[first.pk]), {"reason": ""}
    )
    assert "reason" in response.context["form"].errors
    as_coordinator.post(
        reverse("partners:agreement_terminate", args=[first.pk]), {"reason": "Dana dihentikan."}
    )
    first.refresh_from_db()
    assert (first.status, first.termination_reason) == ("terminated", "Dana dihentikan.")

    second = AgreementFactory()
    second.activate()
    as_coordinator.post(reverse("partners:agreement_end", args=[second.pk]))
    response = as_coordinator.post(
        reverse("partners:agreement_renew", args=[second.pk]),
        {"start_date": "2028-01-01", "end_date": "2027-01-01"},
    )
    assert "end_date" in response.context["form"].errors
    response = as_coordinator.post(
        reverse("partners:agreement_renew", args=[second.pk]),
        {"start_date": "2028-01-01", "end_date": "2029-12-31"},
    )
    renewal = Agreement.objects.get(renewal_of=second)
    assert response["Location"] == renewal.get_absolute_url()
    body = as_coordinator.get(second.get_absolute_url()).content.decode()
    assert renewal.get_absolute_url() in body


def test_a_closed_agreement_cannot_be_edited(as_coordinator):
    # The coordinator opens the edit page of a terminated agreement.
    agreement = AgreementFactory()
    agreement.terminate("Batal")
    response = as_coordinator.get(reverse("partners:agreement_edit", args=[agreement.pk]))
    assert response.status_code == 302


def test_get_on_a_transition_is_not_allowed(as_coordinator):
    # Someone follows an "activate" link instead of pressing the button.
    agreement = AgreementFactory()
    response = as_coordinator.get(reverse("partners:agreement_activate", args=[agreement.pk]))
    assert response.status_code == 405
