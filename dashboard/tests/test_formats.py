"""One way to write dates, numbers and durations per language: pages, PDFs and e-mails
read the same formats (core/formats/<language>/formats.py, core/formatting.py)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core import formatting
from dashboard import pdf
from evaluations.models import HealthRating
from factories import AgreementDocumentFactory, AgreementFactory, EvaluationFactory
from programs import importing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["1,5 jam", "1 jam", "12 jam", "45 mnt", "1.234.567", "4,5", "5 Des 2026"]),
        ("en", ["1.5 hours", "1 hour", "12 hours", "45 min", "1,234,567", "4.5", "5 Dec 2026"]),
    ],
)
def test_it_writes_numbers_durations_and_dates_in_the_language(language, expected):
    with translation.override(language):
        written = [
            formatting.hours(1.5),
            formatting.hours(1.0),
            formatting.hours(12),
            formatting.minutes(45),
            formatting.number(1234567),
            formatting.number(4.5),
            formatting.day(dt.date(2026, 12, 5)),
        ]
    assert written == expected


def test_it_groups_thousands_in_the_import_limits_as_the_language_does():
    limits = importing.Limits.from_settings()
    with translation.override("id"):
        assert "2.000" in importing.too_many_rows(limits)
    with translation.override("en"):
        assert "2,000" in importing.too_many_rows(limits)


@pytest.fixture
def agreement(coordinator):
    agreement = AgreementFactory(
        title="Kemitraan Tepat Waktu",
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2027, 1, 4),
        coordinator=coordinator,
    )
    AgreementDocumentFactory(agreement=agreement)
    evaluation = EvaluationFactory(
        agreement=agreement,
        status="reviewed",
        evaluator=coordinator,
        period_start=dt.date(2026, 1, 5),
        period_end=dt.date(2026, 6, 30),
    )
    HealthRating.objects.create(evaluation=evaluation, factor="trust", score=4)
    HealthRating.objects.create(evaluation=evaluation, factor="communication", score=5)
    return agreement


def test_it_writes_one_date_format_on_the_agreement_page(client, coordinator, agreement):
    # The coordinator (Indonesian UI) opens the agreement: its dates, its documents' and
    # its evaluations' all read "5 Jan 2026", never "05-01-2026" or "5 Jan. 2026".
    client.force_login(coordinator)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "5 Jan 2026" in page and "4 Jan 2027" in page and "30 Jun 2026" in page
    assert not re.search(r"\b\d{2}-\d{2}-\d{4}\b", page)
    assert not re.search(r"\b\d{1,2} [A-Z][a-z]{2}\. \d{4}\b", page)


def test_it_writes_decimal_commas_in_the_indonesian_pdf(
    client, coordinator, agreement, monkeypatch
):
    # The report page writes a health of 4.5 as "4,5" in Indonesian; its PDF must too.
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:agreement_report", args=[agreement.pk])).content.decode()
    assert ">4,5<" in page
    printed = []
    paragraph = pdf.Paragraph
    monkeypatch.setattr(
        pdf, "Paragraph", lambda t, *a, **k: printed.append(t) or paragraph(t, *a, **k)
    )
    response = client.get(reverse("dashboard:agreement_pdf", args=[agreement.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "4,5" in printed and "4.5" not in printed
    assert "5 Jan 2026 – 30 Jun 2026" in printed
