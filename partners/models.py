"""The partnership register: who our partners are, what binds us, and how we talk.

Stable names other apps may reference (keep them):
- `partners.Province`: one of Indonesia's 38 provinces (reference data, loaded by migration).
- `partners.Region`: a regency (*kabupaten*) or city (*kota*) inside a province.
- `partners.Partner`: an organisation (or an individual) we work with.
- `partners.Contact`: a person at a partner.
- `partners.Agreement`: a partnership agreement between the lead organisation and one or
  more partners (through `partners.AgreementParty`, with each party's role).
- `partners.SuccessIndicator`: what an agreement promised to deliver, with baseline and
  target; `partners.AgreementDocument`: signed copies and annexes;
  `partners.CommunicationLog`: meetings, calls and messages with a partner.

Access is decided in one place per model: `<Model>.objects.visible_to(user)`.
Mentors reach partners only through programs, a higher layer: the programs app registers
which partners a mentor reaches (`register_mentor_reach`), and
`PartnerQuerySet.in_programs_mentored_by(user)` is the one place that asks it.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from accounts.roles import User, is_mentor
from core import limits
from core.scoping import GuardedModel, GuardedQuerySet
from jurisdictions.models import Jurisdictional
from jurisdictions.scope import Scope, scope_of

EXPIRING_SOON_DAYS = 60
LONG_TEXT = limits.LONG_TEXT  # longest free text we accept: a page of notes, not a novel


def _long_text(verbose_name: str, **kwargs) -> models.TextField:
    return limits.bounded_text(verbose_name, LONG_TEXT, **kwargs)


def manages_partnerships(user: User) -> bool:
    """Coordinators and admins, who see and change this app's records in their scope."""
    return not scope_of(user).is_empty


# --- Regions ---------------------------------------------------------------------------


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        cache.delete(_province_choices_key())

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(_province_choices_key())
        return result


def _province_choices_key() -> str:
    # Per database: two databases (a test run, a benchmark) may share one Redis.
    return f"partners:province-choices:{connection.settings_dict['NAME']}"


def province_choices() -> list[tuple[int, str]]:
    """(id, name) of every province: every list's filter bar shows them, so they are cached."""
    return cache.get_or_set(
        _province_choices_key(),
        lambda: list(Province.objects.order_by("name").values_list("pk", "name")),
        timeout=3600,
    )


class Region(models.Model):
    """A regency (kabupaten) or a city (kota)."""

    class Kind(models.TextChoices):
        REGENCY = "regency", _("Regency")
        CITY = "city", _("City")

    province = models.ForeignKey(
        Province, models.PROTECT, related_name="regions", verbose_name=_("province")
    )
    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")

    def __str__(self) -> str:
        return self.name


# --- Partners ----------------------------------------------------------------------------


# Functions `reach(user) -> QuerySet of partner ids` registered by higher apps (programs: the
# partners of the programs where the user mentors). Partners cannot follow relations that
# live above them; without any registered, a mentor reaches no partner.
_mentor_reach: list = []


def register_mentor_reach(reach) -> None:
    if reach not in _mentor_reach:
        _mentor_reach.append(reach)


class PartnerQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> PartnerQuerySet:
        """A coordinator's partners: those of their units, and the parties to agreements
        shared with their units. A mentor's: those of the programs they mentor in."""
        scope = scope_of(user)
        if scope.everything:
            rows = self.all()
        elif not scope.is_empty:
            rows = self.filter(scope.q() | Q(pk__in=_parties_ofshared_agreements(scope)))
        elif is_mentor(user):
            rows = self.in_programs_mentored_by(user)
        else:
            rows = self.none()
        return rows.scoped()

    def in_programs_mentored_by(self, user: User) -> PartnerQuerySet:
        """Partners taking part in a program where `user` mentors a cadre.

        The one place that ties mentors to partners, through what higher apps registered
        (`programs.models.partners_mentored_by`); one subquery per source, no extra query.
        """
        if not _mentor_reach:
            return self.none()
        reached = Q()
        for reach in _mentor_reach:
            reached |= Q(pk__in=reach(user))
        return self.filter(reached)

    def current(self) -> PartnerQuerySet:
        return self.filter(archived_at__isnull=True)


class Partner(Jurisdictional):
    class Sector(models.TextChoices):
        COMPANY = "company", _("Company")
        NGO = "ngo", _("Non-governmental organisation")
        UNIVERSITY = "university", _("University or school")
        GOVERNMENT = "government", _("Government")
        COMMUNITY = "community", _("Community group")
        INDIVIDUAL = "individual", _("Individual")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    # What a partner brings (seed step 4, "manfaatkan keunggulan masing-masing"):
    # one flag each keeps filtering, admin and import simple.
    STRENGTHS = (
        ("brings_network", _("Network")),
        ("brings_expertise", _("Technical expertise")),
        ("brings_funding", _("Funding")),
        ("brings_venues", _("Venues")),
        ("brings_mentors", _("Mentors")),
    )

    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("province"),
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("regency or city"),
    )
    address = _long_text(_("address"))
    website = models.URLField(_("website"), blank=True)
    description = _long_text(_("description"))
    brings_network = models.BooleanField(_("network"), default=False)
    brings_expertise = models.BooleanField(_("technical expertise"), default=False)
    brings_funding = models.BooleanField(_("funding"), default=False)
    brings_venues = models.BooleanField(_("venues"), default=False)
    brings_mentors = models.BooleanField(_("mentors"), default=False)
    strengths_notes = _long_text(
        _("what it brings, in detail"), help_text=_("Which networks, skills, places or people.")
    )
    goals = _long_text(_("goals"), help_text=_("What the partner wants from the partnership."))
    values = _long_text(_("values"), help_text=_("The values we share with this partner."))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="partner_name_unique_ci",
                violation_error_message=_("A partner with this name already exists."),
            ),
            *limits.text_length_checks(
                "partner",
                dict.fromkeys(
                    ["address", "description", "strengths_notes", "goals", "values"], LONG_TEXT
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sector"]),
            models.Index(fields=["name", "id"], name="partner_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", args=[self.pk])

    def clean(self) -> None:
        if self.region_id and self.province_id and self.region.province_id != self.province_id:
            raise ValidationError(
                {"region": _("This regency or city is not in the chosen province.")}
            )
        if self.region_id and not self.province_id:
            self.province_id = self.region.province_id

    @property
    def strengths(self) -> list[str]:
        """Labels of what the partner brings, in a fixed order."""
        return [str(label) for field, label in self.STRENGTHS if getattr(self, field)]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        if self.archived_at is None:
            self.archived_at = timezone.now()
            self.status = self.Status.INACTIVE
            self.save(update_fields=["archived_at", "status", "updated_at"])

    def restore(self) -> None:
        if self.archived_at is not None:
            self.archived_at = None
            self.save(update_fields=["archived_at", "updated_at"])

    def can_be_deleted(self) -> bool:
        # A partner that was ever party to an agreement stays on record: archive it instead.
        return not self.agreement_parties.exists()


class Contact(models.Model):
    partner = models.ForeignKey(
        Partner, models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(
        _("phone"),
        blank=True,
        help_text=_("Indonesian numbers as 08… or +62…; other countries with their + code."),
    )
    is_primary = models.BooleanField(_("main contact"), default=False)
    notes = _long_text(_("notes"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = limits.text_length_checks("contact", {"notes": LONG_TEXT})

    def __str__(self) -> str:
        return self.name


# --- Agreements --------------------------------------------------------------------------


def shared_agreements(scope: Scope) -> models.QuerySet | None:
    """Ids of agreements owned elsewhere that also cover units in `scope` (None: none can be:
    a scope of whole organisations already holds every agreement it may see)."""
    covered = Q()
    for grant in scope.grants:
        if grant.units is not None:
            covered |= Q(agreement__organisation_id=grant.organisation_id, unit_id__in=grant.units)
    if scope.everything or not covered:
        return None
    return Agreement.also_covers.through.objects.filter(covered).values("agreement_id")


def _parties_ofshared_agreements(scope: Scope) -> models.QuerySet:
    shared = shared_agreements(scope)
    if shared is None:
        return AgreementParty.objects.none().values("partner_id")
    return AgreementParty.objects.filter(agreement_id__in=shared).values("partner_id")


class AgreementQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> AgreementQuerySet:
        """The agreements of a coordinator's units, and those shared with them (read only:
        `changeable_by`). Mentors never see agreements: they are the coordinator's business."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none().scoped()
        shared = shared_agreements(scope)
        condition = scope.q() if shared is None else scope.q() | Q(pk__in=shared)
        return self.filter(condition).scoped()

    def changeable_by(self, user: User) -> AgreementQuerySet:
        """Only the owning office (and those above it) changes an agreement."""
        scope = scope_of(user)
        return (self.filter(scope.q()) if not scope.is_empty else self.none()).scoped()

    def expiring_soon(self, today: date | None = None) -> AgreementQuerySet:
        today = today or timezone.localdate()
        return self.filter(
            status=Agreement.Status.ACTIVE,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=EXPIRING_SOON_DAYS),
        )

    def active(self) -> AgreementQuerySet:
        return self.filter(status=Agreement.Status.ACTIVE)


class Agreement(Jurisdictional):
    class Formality(models.TextChoices):
        FORMAL = "formal", _("Formal")
        INFORMAL = "informal", _("Informal")

    class Basis(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        COMMUNITY = "community", _("Community")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("reference number"),
        max_length=100,
        blank=True,
        help_text=_("The number on the signed document, if any."),
    )
    partners = models.ManyToManyField(
        Partner,
        through="AgreementParty",
        related_name="agreements",
        verbose_name=_("partners"),
    )
    formality = models.CharField(_("formality"), max_length=10, choices=Formality.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    objectives_short_term = _long_text(_("short-term objectives"))
    objectives_long_term = _long_text(_("long-term objectives"))
    lead_responsibilities = _long_text(
        _("our roles and responsibilities"),
        help_text=_("What the lead organisation commits to under this agreement."),
    )
    start_date = models.DateField(_("start date"), validators=limits.PLANNED_DATE)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty if open-ended."),
        validators=limits.PLANNED_DATE,
    )
    evaluation_cadence = models.CharField(
        _("evaluation cadence"), max_length=12, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_agreements",
        verbose_name=_("coordinator in charge"),
    )
    # An agreement spanning units (a national company with three provinces) is owned by one
    # office (`unit`), which changes it; the units it also covers see it, run programs and
    # evaluate under it (docs/jurisdictions.md).
    also_covers = models.ManyToManyField(
        "jurisdictions.Unit",
        blank=True,
        related_name="+",
        verbose_name=_("also covers"),
        help_text=_(
            "Other units where it applies; their coordinators see it but do not change it."
        ),
    )
    renewal_of = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renewal of"),
        editable=False,
    )
    activated_on = models.DateField(_("activated on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("ended or terminated on"), null=True, blank=True, editable=False)
    termination_reason = _long_text(_("reason for termination"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_start",
            ),
            *limits.date_range_checks("agreement", ["start_date", "end_date"]),
            *limits.text_length_checks(
                "agreement",
                dict.fromkeys(
                    [
                        "objectives_short_term",
                        "objectives_long_term",
                        "lead_responsibilities",
                        "termination_reason",
                    ],
                    LONG_TEXT,
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "end_date"]),
            # The agreement list's default order and its other sorts (keyset pagination).
            models.Index(fields=["-start_date", "title", "-id"], name="agreement_start_idx"),
            models.Index(fields=["end_date", "id"], name="agreement_end_idx"),
            models.Index(fields=["title", "id"], name="agreement_title_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partners:agreement_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    # -- derived state --

    def is_expiring_soon(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.ACTIVE
            and self.end_date is not None
            and today <= self.end_date <= today + timedelta(days=EXPIRING_SOON_DAYS)
        )

    def has_signed_document(self) -> bool:
        return self.documents.filter(kind=AgreementDocument.Kind.SIGNED).exists()

    # -- transitions: each checks its rule, then saves; errors say what is missing --

    def activate(self, today: date | None = None) -> None:
        today = today or timezone.localdate()
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft agreement can be activated."))
        if not self.agreement_parties.exists():
            raise ValidationError(_("Add at least one partner before activating."))
        if self.end_date and self.end_date < today:
            raise ValidationError(_("The end date has passed: change it before activating."))
        if self.formality == self.Formality.FORMAL and not self.has_signed_document():
            raise ValidationError(
                _("A formal agreement needs an uploaded signed document before it can be active.")
            )
        self.status, self.activated_on = self.Status.ACTIVE, today
        self.save(update_fields=["status", "activated_on", "updated_at"])

    def end(self, today: date | None = None) -> None:
        if self.status != self.Status.ACTIVE:
            raise ValidationError(_("Only an active agreement can be ended."))
        self.status, self.closed_on = self.Status.ENDED, today or timezone.localdate()
        self.save(update_fields=["status", "closed_on", "updated_at"])

    @classmethod
    @transaction.atomic
    def end_lapsed(cls, today: date | None = None) -> list[Agreement]:
        """Active agreements whose end date has passed are ended, in one UPDATE with one
        history row each (the system did it: no user); idempotent. The ended ones."""
        today = today or timezone.localdate()
        lapsed = list(cls.objects.active().filter(end_date__lt=today).select_for_update())
        for agreement in lapsed:
            agreement.status, agreement.closed_on = cls.Status.ENDED, agreement.end_date
            agreement.updated_at = timezone.now()
        bulk_update_with_history(
            lapsed,
            cls,
            ["status", "closed_on", "updated_at"],
            batch_size=1_000,
            default_change_reason="Ended: the end date passed",
        )
        return lapsed

    def terminate(self, reason: str, today: date | None = None) -> None:
        if self.status not in (self.Status.DRAFT, self.Status.ACTIVE):
            raise ValidationError(_("This agreement is already closed."))
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the agreement is terminated.")})
        self.status, self.closed_on = self.Status.TERMINATED, today or timezone.localdate()
        self.termination_reason = reason.strip()
        self.save(update_fields=["status", "closed_on", "termination_reason", "updated_at"])

    @transaction.atomic
    def renew(self, *, start_date: date, end_date: date | None) -> Agreement:
        """A new draft agreement continuing this one: same parties, indicators and terms."""
        if self.status == self.Status.DRAFT:
            raise ValidationError(_("A draft cannot be renewed: edit it instead."))
        # unscoped: a renewal anywhere counts, whoever may see it.
        if Agreement.objects.unscoped().filter(renewal_of=self).exists():
            raise ValidationError(_("This agreement has already been renewed."))
        if end_date and end_date < start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        new = Agreement.objects.create(
            title=self.title,
            formality=self.formality,
            basis=self.basis,
            objectives_short_term=self.objectives_short_term,
            objectives_long_term=self.objectives_long_term,
            lead_responsibilities=self.lead_responsibilities,
            start_date=start_date,
            end_date=end_date,
            evaluation_cadence=self.evaluation_cadence,
            coordinator=self.coordinator,
            renewal_of=self,
        )
        AgreementParty.objects.bulk_create(
            AgreementParty(
                agreement=new,
                partner_id=p.partner_id,
                role=p.role,
                responsibilities=p.responsibilities,
            )
            for p in self.agreement_parties.all()
        )
        SuccessIndicator.objects.bulk_create(
            SuccessIndicator(
                agreement=new,
                name=i.name,
                unit=i.unit,
                baseline=i.baseline,
                target=i.target,
                direction=i.direction,
            )
            for i in self.indicators.all()
        )
        return new


class AgreementParty(models.Model):
    """A partner's place in an agreement: its role and what it is responsible for."""

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="agreement_parties", verbose_name=_("agreement")
    )
    partner = models.ForeignKey(
        Partner, models.PROTECT, related_name="agreement_parties", verbose_name=_("partner")
    )
    role = models.CharField(
        _("role"), max_length=150, blank=True, help_text=_("For example: host, funder, trainer.")
    )
    responsibilities = _long_text(_("responsibilities"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "partner"], name="party_once_per_agreement"
            ),
            *limits.text_length_checks("party", {"responsibilities": LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.agreement}"


class SuccessIndicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="indicators", verbose_name=_("agreement")
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("For example: cadres, hours, %."))
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("success indicator")
        verbose_name_plural = _("success indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def clean(self) -> None:
        if self.baseline is None or self.target is None:
            return
        if self.direction == self.Direction.HIGHER and self.target <= self.baseline:
            raise ValidationError(
                {"target": _("When higher is better, the target must be above the baseline.")}
            )
        if self.direction == self.Direction.LOWER and self.target >= self.baseline:
            raise ValidationError(
                {"target": _("When lower is better, the target must be below the baseline.")}
            )


class DocumentQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> DocumentQuerySet:
        """The documents of the agreements the user sees."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none().scoped()
        shared = shared_agreements(scope)
        condition = scope.q("agreement__")
        if shared is not None:
            condition |= Q(agreement_id__in=shared)
        return self.filter(condition).scoped()


# The extensions each accepted content type may carry; the first is the one given.
DOCUMENT_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
EXTENSION_LIKE = re.compile(r"\.[a-z][a-z0-9]{0,5}")


def name_for_type(name: str, content_type: str) -> str:
    """The file name with the extension of its checked type, so that "report.pdf.html"
    holding a PDF is saved and served as "report.pdf", never as a page a browser runs."""
    extensions = DOCUMENT_EXTENSIONS.get(content_type, (".bin",))
    path = PurePath(name.replace("\\", "/")).name.strip() or "document"
    suffix = PurePath(path).suffix.lower()
    if suffix in extensions:
        return path[-255:]
    stem = path[: -len(suffix)] if EXTENSION_LIKE.fullmatch(suffix) else path
    if PurePath(stem).suffix.lower() not in extensions:
        stem += extensions[0]
    return stem[-255:] if stem.strip(". ") else f"document{extensions[0]}"


def document_path(instance: AgreementDocument, filename: str) -> str:
    # A generated name: the user's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"agreements/{uuid.uuid4().hex}{suffix}"


class AgreementDocument(GuardedModel):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed agreement")
        ANNEX = "annex", _("Annex")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SIGNED)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("partners:document_download", args=[self.pk])

    @property
    def download_name(self) -> str:
        # Also for documents stored before names followed their type.
        return name_for_type(self.original_name, self.content_type)


# --- Communication ----------------------------------------------------------------------


class CommunicationLogQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> CommunicationLogQuerySet:
        """What was said with the partners of the coordinator's units."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none().scoped()
        return self.filter(scope.q("partner__")).scoped()

    def open_follow_ups(self) -> CommunicationLogQuerySet:
        return self.exclude(follow_up="").filter(follow_up_done=False)


class CommunicationLog(GuardedModel):
    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        MESSAGE = "message", _("Message")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")

    partner = models.ForeignKey(
        Partner, models.CASCADE, related_name="communications", verbose_name=_("partner")
    )
    agreement = models.ForeignKey(
        Agreement,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="communications",
        verbose_name=_("agreement"),
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=limits.PAST_DATE)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    participants = models.CharField(_("who took part"), max_length=500, blank=True)
    summary = _long_text(_("summary"), blank=False)
    follow_up = _long_text(_("follow-up"))
    follow_up_due = models.DateField(
        _("follow-up due"), null=True, blank=True, validators=limits.PLANNED_DATE
    )
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    challenge_raised = models.BooleanField(_("raised a challenge"), default=False)
    challenge = _long_text(_("challenge"))
    resolution = _long_text(_("how it was resolved"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CommunicationLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("communication log entry")
        verbose_name_plural = _("communication log")
        constraints = [
            # A follow-up is due on or after the meeting it follows.
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=models.F("date")),
                name="communication_follow_up_after_date",
            ),
            *limits.date_range_checks("communication", ["date", "follow_up_due"]),
            *limits.text_length_checks(
                "communication",
                dict.fromkeys(["summary", "follow_up", "challenge", "resolution"], LONG_TEXT),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_channel_display()}: {self.partner}"

    def clean(self) -> None:
        errors = {}
        if self.follow_up_due and not self.follow_up.strip():
            errors["follow_up"] = _("Say what must be followed up by the due date.")
        if self.follow_up_due and self.date and self.follow_up_due < self.date:
            errors["follow_up_due"] = _("A follow-up cannot be due before the meeting it follows.")
        if self.challenge_raised and not self.challenge.strip():
            errors["challenge"] = _("Describe the challenge that was raised.")
        if self.resolution.strip() and not self.challenge_raised:
            errors["challenge_raised"] = _("Tick this when recording how a challenge was resolved.")
        if errors:
            raise ValidationError(errors)
