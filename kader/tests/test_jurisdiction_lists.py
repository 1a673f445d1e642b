"""Sessions and evaluations are scoped by their own copy of their subject's office
(`jurisdictions.models.Placed`, kept by database triggers, for speed at national scale):
for every persona they must show exactly what the subject's office allows — the rule as it
reads through the cadre, the agreement or the program (issue 17)."""

import datetime as dt

import pytest
from django.db.models import Q

from accounts.roles import COORDINATOR, MENTOR, is_mentor
from evaluations import models as evaluation_models
from evaluations.models import Evaluation, Reminder
from factories import (
    ActionItemFactory,
    AgreementFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    ReminderFactory,
    SessionFactory,
    UserFactory,
)
from jurisdictions.models import Unit
from jurisdictions.regions import ensure_loaded
from jurisdictions.scope import scope_of
from partners.models import Agreement, shared_agreements
from programs.models import Cadre, Program, Session

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
    of_pair = EvaluationFactory(agreement=None, mentorship=pair)
    # Reminders about each kind of subject.
    ReminderFactory(evaluation=of_pair)
    item = ActionItemFactory(evaluation=of_pair)
    someone = of_pair.evaluator
    for subject in ({"action_item": item}, {"agreement": agreement}, {"mentorship": pair}):
        key = f"{next(iter(subject))}:{next(iter(subject.values())).pk}"
        ReminderFactory(
            evaluation=None, recipient=someone, subject_key=key, for_date=dt.date.today(), **subject
        )


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


def by_subject(user) -> tuple[set[int], set[int]]:
    """The sessions and evaluations `user` may see, decided through their subjects' rows."""
    scope = scope_of(user)
    sessions = Session.objects.unscoped()
    evaluations = Evaluation.objects.unscoped()
    if scope.everything:
        return ids(sessions), ids(evaluations)
    pairs_in_scope = Q(pk__in=[]) if scope.is_empty else scope.q("mentorship__enrolment__cadre__")
    own_pairs = Q(mentorship__mentor__user=user) if is_mentor(user) else Q(pk__in=[])
    subjects = Q(pk__in=[])
    if not scope.is_empty:
        subjects = scope.q("agreement__") | scope.q("program__") | pairs_in_scope
        shared = shared_agreements(scope)
        if shared is not None:
            subjects |= Q(agreement_id__in=shared)
    own_evaluations = Q(evaluator=user) if is_mentor(user) else Q(pk__in=[])
    return (
        ids(sessions.filter(pairs_in_scope | own_pairs)),
        ids(evaluations.filter(subjects | own_evaluations)),
    )


def reminders_by_subject(user) -> set[int]:
    """The reminders `user` may see, decided through their subjects' rows: those sent to
    them, and those about what their offices own (not agreements merely shared with them)."""
    scope = scope_of(user)
    reminders = Reminder.objects.unscoped()
    if scope.everything:
        return ids(reminders)
    own = Q(recipient=user)
    if scope.is_empty:
        return ids(reminders.filter(own))
    of_evaluation = ("agreement__", "program__", "mentorship__enrolment__cadre__")
    subjects = scope.q("agreement__") | scope.q("mentorship__enrolment__cadre__")
    for path in of_evaluation:
        subjects |= scope.q(f"evaluation__{path}") | scope.q(f"action_item__evaluation__{path}")
    return ids(reminders.filter(subjects | own))


@pytest.mark.parametrize("cap", [1000, 0], ids=["shared ids as a list", "as a subquery"])
def test_the_lists_show_exactly_what_the_subjects_offices_allow(country, monkeypatch, cap):
    monkeypatch.setattr(evaluation_models, "SHARED_IDS_CAP", cap)
    for name, user in personas().items():
        sessions, evaluations = by_subject(user)
        assert ids(Session.objects.visible_to(user)) == sessions, name
        assert ids(Evaluation.objects.visible_to(user)) == evaluations, name
        assert ids(Reminder.objects.visible_to(user)) == reminders_by_subject(user), name
        assert ids(Reminder.objects.visible_to(user)) == reminders_by_subject(user), name
    # Not vacuous: a district sees some and not all; the shared agreement's evaluation too.
    district = UserFactory(role=COORDINATOR, unit="32.73")
    seen = ids(Evaluation.objects.visible_to(district))
    assert 0 < len(seen) < Evaluation.objects.count()
    assert Evaluation.objects.filter(pk__in=seen, agreement__also_covers__code="32.73").exists()
    assert 0 < len(ids(Session.objects.visible_to(district))) < Session.objects.count()
    assert 0 < len(ids(Reminder.objects.visible_to(district))) < Reminder.objects.count()


def test_they_still_agree_after_every_subject_moved(country):
    # Bandung's cadre, program and agreement all move to Semarang, by a bulk update (no
    # model code runs): the copies follow, and the lists with them.
    semarang = Unit.objects.get(code="33.74")
    for model in (Cadre, Program, Agreement):
        model.objects.unscoped().filter(unit__code="32.73").update(unit=semarang)
    for name, user in personas().items():
        sessions, evaluations = by_subject(user)
        assert ids(Session.objects.visible_to(user)) == sessions, name
        assert ids(Evaluation.objects.visible_to(user)) == evaluations, name
        assert ids(Reminder.objects.visible_to(user)) == reminders_by_subject(user), name
