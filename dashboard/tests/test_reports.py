"""The agreement and program reports, as printable pages and as PDF downloads."""

import datetime as dt

import pytest
from django.urls import reverse

from evaluations.models import HealthRating, IndicatorResult
from factories import (
    AgreementFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SessionFactory,
    SuccessIndicatorFactory,
)
from programs.models import CadreBackground

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(coordinator):
    agreement = AgreementFactory(
        title="Kemitraan Industri Hijau", objectives_short_term="Melatih 30 kader <b>hijau</b>"
    )
    indicator = SuccessIndicatorFactory(agreement=agreement, name="Kader terlatih", target=30)
    evaluation = EvaluationFactory(agreement=agreement, status="reviewed", evaluator=coordinator)
    IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator, actual=12)
    HealthRating.objects.create(evaluation=evaluation, factor="trust", score=4)
    program = ProgramFactory(name="Magang Hijau")
    program.agreements.add(agreement)
    SessionFactory(mentorship=MentorshipFactory(enrolment=EnrolmentFactory(program=program)))
    return agreement


def test_it_reports_an_agreement_with_attainment_health_hours_and_stages(
    client, coordinator, agreement
):
    # The coordinator opens the agreement's report.
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:agreement_report", args=[agreement.pk]))
    html = response.content.decode()
    assert "Kader terlatih" in html and "40 %" in html  # 12 of 30
    assert "4,0" in html or "4.0" in html  # health of the evaluation
    assert response.context["hours"] == {"sessions": 1, "hours": 1.0}
    assert [s["count"] for s in response.context["stages"]] == [0, 1, 0, 0]
    assert "&lt;b&gt;hijau&lt;/b&gt;" in html  # text is escaped


def test_it_downloads_the_agreement_report_as_pdf(client, coordinator, agreement):
    # The coordinator downloads the PDF.
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:agreement_pdf", args=[agreement.pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and len(body) > 1500
    assert response["Content-Disposition"].startswith("attachment")
    assert "kader-agreement-" in response["Content-Disposition"]


def test_it_reports_a_program_and_hides_a_small_groups_diversity(client, coordinator, agreement):
    # The coordinator opens the program report: one answer only, so no diversity shown.
    program = agreement.programs.get()
    cadre = program.enrolments.get().cadre
    CadreBackground.objects.create(
        cadre=cadre, gender="female", consent_given_on=dt.date(2026, 1, 1),
        consent_recorded_by=coordinator,
    )  # fmt: skip
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:program_report", args=[program.pk]))
    assert response.context["diversity"]["shown"] is False
    assert 'data-testid="diversity-hidden"' in response.content.decode()
    pdf = client.get(reverse("dashboard:program_pdf", args=[program.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_it_shows_a_large_groups_mix_with_small_counts_hidden(client, coordinator):
    # Six cadres answered: five women, one man; the lone man is not shown, nor the five.
    program = ProgramFactory()
    for gender in ["female"] * 5 + ["male"]:
        cadre = EnrolmentFactory(program=program).cadre
        CadreBackground.objects.create(
            cadre=cadre, gender=gender, consent_given_on=dt.date(2026, 1, 1),
            consent_recorded_by=coordinator,
        )  # fmt: skip
    client.force_login(coordinator)
    diversity = client.get(reverse("dashboard:program_report", args=[program.pk])).context[
        "diversity"
    ]
    gender = diversity["dimensions"][0]["cells"]
    assert diversity["shown"] and [count for _label, count in gender] == [None, None, 0]
