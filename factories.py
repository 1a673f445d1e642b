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


# --- partners ---------------------------------------------------------------------------


def _province(code: str = "32"):
    from partners.models import Province

    return Province.objects.get(code=code)  # loaded by partners' data migration


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
