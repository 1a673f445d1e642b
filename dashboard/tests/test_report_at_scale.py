"""The program report costs the same queries with 3 pairs as with 20, and lists the
evaluations of the program and of each of its pairs (issue 20: the pairs' ids are read
first, so that PostgreSQL no longer tests every evaluation of the country)."""

import pytest
from django.urls import reverse

from factories import EnrolmentFactory, EvaluationFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 20]


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_program_report_constant(as_coordinator, size, django_assert_num_queries):
    # The coordinator opens the report of a program with `size` pairs, each evaluated once,
    # and one evaluation of the program itself; another program's pair is left out.
    program = ProgramFactory()
    for _ in range(size):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program))
        EvaluationFactory(agreement=None, mentorship=pair)
    EvaluationFactory(agreement=None, program=program)
    EvaluationFactory(agreement=None, mentorship=MentorshipFactory())
    url = reverse("dashboard:program_report", args=[program.pk])
    as_coordinator.get(url)
    with django_assert_num_queries(EXPECTED):
        response = as_coordinator.get(url)
    assert len(response.context["evaluations"]) == size + 1


# Written out so that a change shows up: the request's own five (session, user, groups,
# scope, unread count), the program, its pairs' ids, then one query per part of the report
# (the evaluations' number in all too: the page lists the newest PAGE_EVALUATIONS).
EXPECTED = 17


def test_the_page_lists_the_newest_evaluations_and_every_action_item(as_coordinator, monkeypatch):
    # A program with 5 evaluated pairs; the page shows the newest 3 (here), says so, and
    # still lists the action item of the oldest; the PDF lists all 5.
    import datetime as dt
    import io

    from pypdf import PdfReader

    from dashboard import reports
    from factories import ActionItemFactory

    monkeypatch.setattr(reports, "PAGE_EVALUATIONS", 3)
    program = ProgramFactory()
    evaluations = []
    for month in range(1, 6):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program))
        end = dt.date(2026, month, 28)
        evaluations.append(
            EvaluationFactory(
                agreement=None, mentorship=pair, period_start=end.replace(day=1), period_end=end
            )
        )
    ActionItemFactory(evaluation=evaluations[0], description="Kunjungan ke lokasi magang")
    response = as_coordinator.get(reverse("dashboard:program_report", args=[program.pk]))
    shown = [e.pk for e in response.context["evaluations"]]
    assert shown == [evaluations[4].pk, evaluations[3].pk, evaluations[2].pk]
    html = response.content.decode()
    assert 'data-testid="evaluations-more"' in html
    assert "Kunjungan ke lokasi magang" in html
    pdf = as_coordinator.get(reverse("dashboard:program_pdf", args=[program.pk]))
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert text.count("2026 –") >= 5 and "Kunjungan" in text


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_agreement_report_constant(as_coordinator, size, django_assert_num_queries):
    # An agreement's program with `size` enrolled cadres, each paired and with one attended
    # session: the report counts them all, in the same queries at either size.
    from factories import AgreementFactory, SessionFactory

    agreement = AgreementFactory(status="active")
    program = ProgramFactory()
    program.agreements.add(agreement)
    for _ in range(size):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program, status="active"))
        SessionFactory(mentorship=pair, attendance="attended", duration_minutes=60)
    SessionFactory(attendance="attended", duration_minutes=60)  # another program's
    url = reverse("dashboard:agreement_report", args=[agreement.pk])
    as_coordinator.get(url)
    with django_assert_num_queries(AGREEMENT_EXPECTED):
        response = as_coordinator.get(url)
    assert response.context["hours"] == {"sessions": size, "hours": float(size)}


# The request's own five, the agreement, then one query per part of the report and the
# enrolments' ids (read first for the sessions' hours).
AGREEMENT_EXPECTED = 15
