"""Who is responsible for what: offices (units), lead organisations and memberships.

Stable names other apps may reference (keep them):
- `jurisdictions.Unit`: an office's area, national → province → regency/city, built from
  Indonesia's administrative codes (`regions.py`). `path` is the materialised path of codes
  ("/", "/32/", "/32/32.73/"): a unit's subtree is every unit whose path starts with its own.
- `jurisdictions.Organisation`: a lead organisation sharing the deployment (an NGO, a company,
  a ministry office); one is the default, which existing rows were given.
- `jurisdictions.Membership`: a person's role in an organisation at a unit. A coordinator
  sees and changes what belongs to their organisation in their unit and every unit below.
- `jurisdictions.Jurisdictional`: the abstract model whose two fields (`organisation`,
  `unit`) put a partner, agreement, program, cadre or mentor under an office.

Why a materialised path of the region codes, not django-treebeard or PostgreSQL's ltree: the
tree is three levels of reference data (553 rows) that changes only with the law; its codes
already nest, so the path is the code itself, readable in SQL and in the admin, and works on
SQLite (the quick `make test`) as on PostgreSQL. Rows never filter by path: a user's scope is
resolved once per request to unit ids (`scope.py`), and lists filter on indexed `unit_id`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import GuardedModel


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        COMPANY = "company", _("Company")
        MINISTRY = "ministry", _("Ministry or government office")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("New records without an organisation belong to the default one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnitQuerySet:
        """The offices a person may narrow a list to: those of their scope."""
        from .scope import scope_of

        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        ids = scope.unit_ids()
        return self.all() if ids is None else self.filter(pk__in=sorted(ids))

    def below(self, unit: Unit) -> UnitQuerySet:
        """`unit` and every unit under it."""
        return self.filter(path__startswith=unit.path)

    def above(self, unit: Unit) -> UnitQuerySet:
        """The units over `unit` (its province, the national unit), not itself."""
        codes = [part for part in unit.path.strip("/").split("/") if part][:-1]
        return self.filter(Q(level=Unit.Level.NATIONAL) | Q(code__in=codes)).exclude(pk=unit.pk)


class Unit(models.Model):
    class Level(models.IntegerChoices):
        NATIONAL = 1, _("National")
        PROVINCE = 2, _("Province")
        REGENCY = 3, _("Regency or city")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    path = models.CharField(_("path"), max_length=40, unique=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="unit_has_parent_below_national",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        parent = self.parent if self.parent_id else None
        self.path = f"{parent.path}{self.code}/" if parent is not None else "/"
        super().save(*args, **kwargs)

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator (sees and changes)")
        MENTOR = "mentor", _("Mentor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "unit__path"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "unit", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.unit} · {self.get_role_display()}"


def default_organisation() -> int | None:
    """The default organisation's id: what a record created without one belongs to."""
    return Organisation.objects.filter(is_default=True).values_list("pk", flat=True).first()


def national_unit() -> int | None:
    return Unit.objects.filter(level=Unit.Level.NATIONAL).values_list("pk", flat=True).first()


class Placed(GuardedModel):
    """A record whose office is its subject's (a session's is its cadre's; an evaluation's
    is its agreement's, program's or pair's): copied onto the row so that an office's list
    filters, sorts and counts on the row's own index, where the join to the subject made
    PostgreSQL walk a nation's rows (issue 17, docs/performance.md).

    The copy is kept by database triggers that the owning app's migration installs: set on
    every insert and update of the row, and again whenever its subject moves to another unit
    or organisation, so bulk updates, imports and the admin cannot leave it behind. The
    application never writes it (an instance just created still holds None: the database
    has the value)."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        db_index=False,  # the lists' indexes lead with the unit
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        db_index=False,
        verbose_name=_("unit"),
    )

    class Meta:
        abstract = True


class Jurisdictional(GuardedModel):
    """A record an office is responsible for: who (organisation) and where (unit)."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="+",
        default=default_organisation,
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="+",
        default=national_unit,
        verbose_name=_("unit"),
        help_text=_("The office responsible for it: national, a province or a regency/city."),
    )

    class Meta:
        abstract = True
