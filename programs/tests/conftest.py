"""Shared set-up for the programs tests: a program with pairs for mentors A and B."""

import pytest
from django.utils import translation

from factories import (
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProgramFactory,
    SessionFactory,
)


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (the msgids); requests pick their language by
    # cookie (see `english(client)`), code run outside a request uses this one.
    with translation.override("en"):
        yield


@pytest.fixture
def program(db):
    return ProgramFactory(capacity=5)


@pytest.fixture
def profile_a(mentor_a):
    return MentorProfileFactory(user=mentor_a)


@pytest.fixture
def profile_b(mentor_b):
    return MentorProfileFactory(user=mentor_b)


@pytest.fixture
def pair_a(program, profile_a):
    return MentorshipFactory(mentor=profile_a, enrolment=EnrolmentFactory(program=program))


@pytest.fixture
def pair_b(program, profile_b):
    return MentorshipFactory(mentor=profile_b, enrolment=EnrolmentFactory(program=program))


@pytest.fixture
def session_a(pair_a):
    return SessionFactory(mentorship=pair_a)


@pytest.fixture
def session_b(pair_b):
    return SessionFactory(mentorship=pair_b)


def english(client):
    """Kader speaks Indonesian by default; these tests read English messages."""
    client.cookies["kader_language"] = "en"
    return client
