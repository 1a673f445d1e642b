"""A formset's TOTAL_FORMS comes from the browser: a forged huge number must not make the
server build and render a thousand forms (one request, many seconds of CPU). Each formset
is capped at its own maximum (`absolute_max`) and answers with a form error instead."""

import time

import pytest
from django.urls import reverse

from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def management(prefix: str, total: str = HUGE) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_forged_contact_count_is_refused_quickly(client, coordinator):
    # A coordinator's browser (or someone with her session) claims 10^20 contacts.
    partner = PartnerFactory()
    client.force_login(coordinator)
    start = time.perf_counter()
    response = client.post(
        reverse("partners:partner_edit", args=[partner.pk]),
        {"name": "Mitra", "sector": "company", "status": "active", **management("contacts")},
    )
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    contacts = response.context["contacts"]
    assert len(contacts.forms) <= 50
    assert contacts.non_form_errors()
    assert elapsed < 5, elapsed


def test_a_forged_party_and_indicator_count_is_refused(client, coordinator):
    agreement = AgreementFactory()
    client.force_login(coordinator)
    data = {"title": "Perjanjian", **management("parties"), **management("indicators")}
    response = client.post(reverse("partners:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert len(response.context["parties"].forms) <= 20
    assert len(response.context["indicators"].forms) <= 30
    assert response.context["parties"].non_form_errors()
    assert response.context["indicators"].non_form_errors()


def test_a_forged_count_on_the_evaluation_form_is_refused(client, mentor_a):
    # Mentor A fills her evaluation and her browser claims 10^20 rows in every formset.
    pair = MentorshipFactory(mentor=MentorProfileFactory(user=mentor_a))
    evaluation = EvaluationFactory(agreement=None, mentorship=pair, evaluator=mentor_a)
    client.force_login(mentor_a)
    data = {"findings": "Baik", **management("ind"), **management("rat"), **management("act")}
    response = client.post(reverse("evaluations:evaluation_fill", args=[evaluation.pk]), data)
    assert response.status_code == 200
    for name in ("indicator_formset", "rating_formset", "action_formset"):
        formset = response.context[name]
        assert len(formset.forms) <= 30, name
        assert formset.non_form_errors(), name
