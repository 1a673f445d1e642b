"""The session and evaluation lists of an office read its subjects' ids first
(`listed_for`, for speed at national scale): they must show exactly what `visible_to`
allows, for every persona, whether the ids are read or there are too many and the lists
fall back to `visible_to` itself (issue 17)."""

import datetime as dt

import pytest

from accounts.roles import COORDINATOR, MENTOR
from evaluations import models as evaluation_models
from evaluations.models import Evaluation
from factories import (
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Unit
from jurisdictions.regions import ensure_loaded
from programs import models as program_models
from programs.models import Session

pytestmark = pytest.mark.django_db


def place(code: str, mentor=None) -> None:
    """An agreement, a program, a pair with a session, and an evaluation of each, in `code`."""
    unit = Unit.objects.get(code=code)
    partner = PartnerFactory(unit=unit)
    agreement = AgreementFactory(unit=unit, parties=[partner])
    program = ProgramFactory(unit=unit)
    cadre = CadreFactory(unit=unit)
    pair = MentorshipFactory(
        enrolment=EnrolmentFactory(program=program, cadre=cadre),
        **({"mentor": mentor} if mentor else {}),
    )
    SessionFactory(mentorship=pair, date=dt.date.today())
    EvaluationFactory(agreement=agreement)
    EvaluationFactory(agreement=None, program=program)
    EvaluationFactory(agreement=None, mentorship=pair)


@pytest.fixture
def country():
    ensure_loaded()
    for code in ("32.73", "32.01", "33.74"):  # Bandung, Bogor (same province), Semarang
        place(code)
    # An agreement of Semarang's that also covers Bandung: Bandung sees it, read only.
    shared = AgreementFactory(unit=Unit.objects.get(code="33.74"))
    shared.also_covers.add(Unit.objects.get(code="32.73"))
    EvaluationFactory(agreement=shared)


def personas():
    mentor_coordinator = UserFactory(role=COORDINATOR, unit="32.01")
    mentor_coordinator.groups.add(*UserFactory(role=MENTOR).groups.all())
    place("33.74", mentor=MentorProfileFactory(user=mentor_coordinator))
    return {
        "district": UserFactory(role=COORDINATOR, unit="32.73"),
        "province": UserFactory(role=COORDINATOR, unit="32"),
        "national": UserFactory(role=COORDINATOR),
        "district coordinator who also mentors": mentor_coordinator,
        "mentor": UserFactory(role=MENTOR),
    }


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("cap", [10_000, 0], ids=["ids read first", "too many: visible_to"])
def test_the_lists_show_exactly_what_visible_to_allows(country, monkeypatch, cap):
    monkeypatch.setattr(program_models, "OFFICE_IDS_CAP", cap)
    monkeypatch.setattr(evaluation_models, "EVALUATION_SUBJECTS_CAP", cap)
    for name, user in personas().items():
        sessions = ids(Session.objects.listed_for(user))
        assert sessions == ids(Session.objects.visible_to(user)), name
        evaluations = ids(Evaluation.objects.listed_for(user))
        assert evaluations == ids(Evaluation.objects.visible_to(user)), name
    # Not vacuous: a district sees some and not all; the shared agreement's evaluation too.
    district = UserFactory(role=COORDINATOR, unit="32.73")
    seen = ids(Evaluation.objects.listed_for(district))
    assert 0 < len(seen) < Evaluation.objects.count()
    assert Evaluation.objects.filter(pk__in=seen, agreement__also_covers__code="32.73").exists()
    assert 0 < ids(Session.objects.listed_for(district)).__len__() < Session.objects.count()
