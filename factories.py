"""Test data factories, one place for every app (imported by conftest.py and tests)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            self.groups.add(group)

    @factory.post_generation
    def unit(self, create: bool, extracted, **kwargs) -> None:
        """A coordinator or staff admin is a national coordinator of the default organisation
        unless given `unit=` (a Unit or its code) and maybe `organisation=`; `unit=False`: none."""
        if not create or extracted is False or self.is_superuser:
            return
        if extracted is None and not (
            self.is_staff or self.groups.filter(name="coordinator").exists()
        ):
            return
        give_membership(self, extracted or "ID", kwargs.get("organisation"))


def give_membership(user, unit="ID", organisation=None, role="coordinator"):
    """Make `user` a member at `unit` (a Unit or its code) of `organisation` (default one)."""
    from jurisdictions.models import Membership, Organisation, Unit
    from jurisdictions.regions import ensure_loaded

    ensure_loaded()
    if isinstance(unit, str):
        unit = Unit.objects.get(code=unit)
    if organisation is None:
        organisation = Organisation.objects.get(is_default=True)
    elif isinstance(organisation, str):
        organisation = Organisation.objects.get_or_create(name=organisation)[0]
    user.__dict__.pop("_kader_scope", None)
    return Membership.objects.get_or_create(
        user=user, organisation=organisation, unit=unit, role=role
    )[0]


# --- partners ---------------------------------------------------------------------------


def _province(code: str = "32"):
    from partners.models import Province
    from partners.regions import ensure_loaded

    ensure_loaded()  # loaded by migration, but gone after a transactional test's flush
    return Province.objects.get(code=code)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Partner"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Mitra Kader {n}")
    sector = "company"
    status = "active"
    province = factory.LazyFunction(_province)
    brings_mentors = True
    goals = "Menyiapkan calon pemimpin muda di daerah."


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Contact"

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="id_ID")
    role = "Manajer CSR"
    email = factory.Sequence(lambda n: f"kontak{n}@mitra.example")
    phone = "+6281234567890"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Agreement"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Perjanjian Kemitraan Kader {n}")
    formality = "informal"
    basis = "community"
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    evaluation_cadence = "quarterly"

    @factory.post_generation
    def parties(self, create: bool, extracted, **kwargs) -> None:
        """`parties=[partner, ...]`; by default one new partner."""
        if not create:
            return
        from partners.models import AgreementParty

        for partner in extracted if extracted is not None else [PartnerFactory()]:
            AgreementParty.objects.create(agreement=self, partner=partner, role="Mitra")


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.AgreementParty"

    agreement = factory.SubFactory(AgreementFactory, parties=[])
    partner = factory.SubFactory(PartnerFactory)
    role = "Penyedia mentor"


class SuccessIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.SuccessIndicator"

    agreement = factory.SubFactory(AgreementFactory)
    name = "Kader yang menyelesaikan pelatihan"
    unit = "orang"
    baseline = 0
    target = 30


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.AgreementDocument"

    agreement = factory.SubFactory(AgreementFactory)
    kind = "signed"
    file = factory.django.FileField(filename="perjanjian.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "perjanjian.pdf"
    content_type = "application/pdf"
    size = 15


class CommunicationLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.CommunicationLog"

    partner = factory.SubFactory(PartnerFactory)
    date = datetime.date(2025, 3, 3)
    channel = "meeting"
    participants = "Sari (koordinator), Pak Hendra"
    summary = "Membahas jadwal pelatihan kader gelombang kedua."


# --- programs ----------------------------------------------------------------------------


def _days_ago(days: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=days)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Program"

    name = factory.Sequence(lambda n: f"Sekolah Kepemimpinan Angkatan {n}")
    kind = "training"
    status = "running"
    start_date = datetime.date(2025, 1, 6)
    end_date = datetime.date(2026, 12, 18)
    capacity = 30
    is_online = False
    place = "Balai Desa Sukamaju, Bandung"
    objectives = "Membekali kader dengan keterampilan memimpin rapat dan menyusun program."


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Cadre"

    full_name = factory.Faker("name", locale="id_ID")
    email = factory.Sequence(lambda n: f"kader{n}@example.org")
    stage = "participant"
    occupation = "Guru honorer"
    development_focus = "public speaking, manajemen proyek"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Enrolment"

    program = factory.SubFactory(ProgramFactory)
    cadre = factory.SubFactory(CadreFactory)
    status = "active"
    # Today, as the app does, but never after the program ended (Enrolment.clean).
    enrolled_on = factory.LazyAttribute(lambda e: min(_days_ago(0), e.program.end_date))


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.MentorProfile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, role="mentor")
    expertise = "public speaking, keuangan"
    mentee_capacity = 3


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Mentorship"

    mentor = factory.SubFactory(MentorProfileFactory)
    enrolment = factory.SubFactory(EnrolmentFactory)
    started_on = datetime.date(2025, 2, 1)


class DevelopmentGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.DevelopmentGoal"

    mentorship = factory.SubFactory(MentorshipFactory)
    title = "Memimpin rapat warga dengan percaya diri"
    progress = 20


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Session"

    mentorship = factory.SubFactory(MentorshipFactory)
    date = factory.LazyFunction(lambda: _days_ago(3))
    duration_minutes = 60
    mode = "in_person"
    topics = "Persiapan presentasi"
    logged_by = factory.LazyAttribute(lambda s: s.mentorship.mentor.user)


# --- evaluations -------------------------------------------------------------------------


class EvaluationFactory(factory.django.DjangoModelFactory):
    """An agreement's quarterly evaluation by default; pass program= or mentorship= and
    agreement=None for the other subjects."""

    class Meta:
        model = "evaluations.Evaluation"

    agreement = factory.SubFactory(AgreementFactory, status="active")
    kind = "periodic"
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    due_date = factory.LazyAttribute(lambda e: e.period_end + datetime.timedelta(days=14))
    evaluator = factory.SubFactory(UserFactory, role="coordinator")
    status = "scheduled"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.ActionItem"

    evaluation = factory.SubFactory(EvaluationFactory)
    description = "Jadwalkan pertemuan evaluasi bersama mitra"
    owner = factory.LazyAttribute(lambda a: a.evaluation.evaluator)
    due_date = datetime.date(2025, 5, 1)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Reminder"

    kind = "due_today"
    evaluation = factory.SubFactory(EvaluationFactory)
    recipient = factory.LazyAttribute(lambda r: r.evaluation.evaluator)
    subject_key = factory.LazyAttribute(lambda r: f"evaluation:{r.evaluation.pk}")
    for_date = factory.LazyAttribute(lambda r: r.evaluation.due_date)
