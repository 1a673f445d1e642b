"""Shared fixtures for the evaluations tests: a small world of one agreement, one program
and one mentorship. (The SMTP server, `smtp`, is the root conftest's.)"""

from __future__ import annotations

import datetime as dt

import pytest

from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SuccessIndicatorFactory,
)


@pytest.fixture
def world(coordinator, mentor_a):
    """An active agreement with two indicators, evaluated by the coordinator; a mentorship
    evaluated by mentor A; both due on 16 June 2025."""
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    SuccessIndicatorFactory(agreement=agreement, name="Kader terlatih", baseline=0, target=40)
    SuccessIndicatorFactory(
        agreement=agreement, name="Kader keluar", unit="%", baseline=20, target=5, direction="lower"
    )
    program = ProgramFactory(coordinator=coordinator)
    mentorship = MentorshipFactory(enrolment__program=program, mentor__user=mentor_a)
    due = dt.date(2025, 6, 16)
    return {
        "agreement": agreement,
        "program": program,
        "mentorship": mentorship,
        "agreement_evaluation": EvaluationFactory(
            agreement=agreement,
            evaluator=coordinator,
            period_start=dt.date(2025, 4, 1),
            period_end=dt.date(2025, 6, 2),
            due_date=due,
        ),
        "mentor_evaluation": EvaluationFactory(
            agreement=None,
            mentorship=mentorship,
            kind="midpoint",
            evaluator=mentor_a,
            period_start=dt.date(2025, 2, 1),
            period_end=dt.date(2025, 6, 9),
            due_date=due,
        ),
    }
