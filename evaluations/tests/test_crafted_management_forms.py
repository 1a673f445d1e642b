"""Every formset of the project, posted with crafted management-form values (a hostile
tester editing the hidden fields): a page with a message, never a server error."""

import pytest
from django.urls import reverse

from core.testing import form_fields
from factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    EvaluationFactory,
    PartnerFactory,
    SuccessIndicatorFactory,
)

pytestmark = pytest.mark.django_db


def crafted(fields: dict, prefix: str) -> list[tuple[str, dict]]:
    """Variants of the page's own fields, each with one management value changed."""
    total = int(fields[f"{prefix}-TOTAL_FORMS"])
    initial = int(fields[f"{prefix}-INITIAL_FORMS"])
    variants = {
        "one above": {f"{prefix}-TOTAL_FORMS": str(total + 1)},
        "one above, filled": {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            **{
                f"{prefix}-{total}-{name.split('-', 2)[2]}": value or "1"
                for name, value in fields.items()
                if name.startswith(f"{prefix}-0-") and not name.endswith("-id")
            },
        },
        "initial above total": {
            f"{prefix}-INITIAL_FORMS": str(total + 1),
            f"{prefix}-TOTAL_FORMS": str(total + 1),
        },
        "initial above rows": {f"{prefix}-INITIAL_FORMS": str(initial + 1)},
        "negative": {f"{prefix}-TOTAL_FORMS": "-1", f"{prefix}-INITIAL_FORMS": "-3"},
        "huge": {f"{prefix}-TOTAL_FORMS": "99999999999999999999"},
        "not a number": {f"{prefix}-TOTAL_FORMS": "dua"},
        "missing": {f"{prefix}-TOTAL_FORMS": None},
    }
    out = []
    for name, change in variants.items():
        data = dict(fields)
        for key, value in change.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        out.append((name, data))
    return out


def pages(coordinator):
    partner = PartnerFactory()
    ContactFactory(partner=partner)
    agreement = AgreementFactory(coordinator=coordinator)
    AgreementPartyFactory(agreement=agreement, partner=partner)
    SuccessIndicatorFactory(agreement=agreement)
    evaluation = EvaluationFactory(agreement=agreement, evaluator=coordinator)
    return [
        (reverse("partners:partner_edit", args=[partner.pk]), ["contacts"], {}),
        (reverse("partners:partner_create"), ["contacts"], {}),
        (reverse("partners:agreement_edit", args=[agreement.pk]), ["parties", "indicators"], {}),
        (reverse("partners:agreement_create"), ["parties", "indicators"], {}),
        (
            reverse("evaluations:evaluation_fill", args=[evaluation.pk]),
            ["ind", "rat", "act"],
            {"save": ""},
        ),
    ]


def test_it_answers_crafted_management_forms_without_a_server_error(client, coordinator):
    # The coordinator edits the hidden form counts of every formset page before posting.
    # (The test client raises what the view raised, as a 500 would be: an invented
    # indicator row reached the database without its evaluation.)
    client.raise_request_exception = False
    client.force_login(coordinator)
    failures = []
    for url, prefixes, button in pages(coordinator):
        html = client.get(url).content.decode()
        fields = form_fields(html, action="")
        for prefix in prefixes:
            for name, data in crafted(fields, prefix):
                response = client.post(url, {**data, **button})
                if response.status_code >= 500:
                    failures.append((url, prefix, name, response.status_code))
    assert failures == []


def test_it_refuses_crafted_counts_of_fixed_rows_with_a_message(client, coordinator):
    # The evaluation's indicator and rating rows are never added or removed by the page:
    # every crafted count is answered with the message at that part of the form.
    evaluation = EvaluationFactory(evaluator=coordinator)
    SuccessIndicatorFactory(agreement=evaluation.agreement)
    url = reverse("evaluations:evaluation_fill", args=[evaluation.pk])
    client.force_login(coordinator)
    fields = form_fields(client.get(url).content.decode(), action="")
    for prefix in ("ind", "rat"):
        for name, data in crafted(fields, prefix):
            response = client.post(url, {**data, "save": ""})
            assert response.status_code == 200, (prefix, name)
            assert f'data-testid="formset-errors-{prefix}"' in response.content.decode(), (
                prefix,
                name,
            )
