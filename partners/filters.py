"""Search, filters and sorting for the partner and agreement lists (django-filter)."""

from __future__ import annotations

import django_filters as df
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATOR, User
from core.autocomplete import AutocompleteSelect
from core.filters import ListFilterSet, SortFilter
from core.widgets import YesNoWidget
from jurisdictions.offices import OfficeFilter, offer_offices

from .models import Agreement, Partner, manages_partnerships, province_choices


def coordinators() -> QuerySet:
    """Who may coordinate an agreement: staff and the coordinators' group, active."""
    in_role = Q(is_staff=True) | Q(pk__in=Group.objects.filter(name=COORDINATOR).values("user"))
    return (
        get_user_model().objects.filter(in_role, is_active=True).order_by("first_name", "username")
    )


def person_label(user: User) -> str:
    return user.get_full_name() or user.username


class PartnerFilter(ListFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    sector = df.ChoiceFilter(label=_("Sector"), choices=Partner.Sector.choices)
    province = df.ChoiceFilter(label=_("Province"), choices=province_choices)
    status = df.ChoiceFilter(label=_("Status"), choices=Partner.Status.choices)
    brings = df.ChoiceFilter(label=_("Brings"), choices=Partner.STRENGTHS, method="bringing")
    archived = df.BooleanFilter(
        label=_("Archived"),
        method="archived_filter",
        widget=YesNoWidget(),
    )
    office = OfficeFilter()
    sort = SortFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("status", "status"),
            ("province__name", "province"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"),
            "status": _("Status"),
            "province__name": _("Province"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = Partner
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        offer_offices(self, user)
        self.filters["q"].field.widget.attrs["placeholder"] = _("Name, contact or city")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        words = Q(name__icontains=value) | Q(region__name__icontains=value)
        if manages_partnerships(self.user):  # contacts are not for mentors' eyes
            matching = Partner.objects.filter(
                Q(contacts__name__icontains=value) | Q(contacts__email__icontains=value)
            )
            words |= Q(pk__in=matching.values("pk"))
        return qs.filter(words)

    def bringing(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value not in dict(Partner.STRENGTHS):
            return qs
        return qs.filter(**{value: True})

    def archived_filter(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs

    @property
    def qs(self) -> QuerySet:
        qs = super().qs
        # Archived partners stay out of the way unless asked for.
        show_archived = self.form.is_valid() and self.form.cleaned_data.get("archived")
        return qs.filter(archived_at__isnull=not show_archived)


class AgreementFilter(ListFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    formality = df.ChoiceFilter(label=_("Formality"), choices=Agreement.Formality.choices)
    basis = df.ChoiceFilter(label=_("Basis"), choices=Agreement.Basis.choices)
    status = df.ChoiceFilter(label=_("Status"), choices=Agreement.Status.choices)
    expiring = df.BooleanFilter(
        label=_("Expiring within 60 days"),
        method="expiring_soon",
        widget=YesNoWidget(),
    )
    partner = df.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        field_name="partners",
        distinct=True,
        widget=AutocompleteSelect("partners:partner_lookup"),
    )
    coordinator = df.ModelChoiceFilter(
        label=_("Coordinator"),
        queryset=get_user_model().objects.none(),
        widget=AutocompleteSelect("partners:coordinator_lookup"),
    )
    office = OfficeFilter()
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("start_date", "start"), ("end_date", "end"), ("title", "title")),
        field_labels={
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["partner"].queryset = Partner.objects.visible_to(user).only("pk", "name")
        self.filters["coordinator"].queryset = coordinators()
        self.filters["coordinator"].field.label_from_instance = person_label
        offer_offices(self, user)
        self.filters["q"].field.widget.attrs["placeholder"] = _("Title, number or partner")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        matching = Agreement.objects.filter(
            Q(title__icontains=value)
            | Q(reference__icontains=value)
            | Q(partners__name__icontains=value)
        )
        return qs.filter(pk__in=matching.values("pk"))

    def expiring_soon(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        soon = Agreement.objects.expiring_soon(timezone.localdate()).values("pk")
        return qs.filter(pk__in=soon) if value else qs.exclude(pk__in=soon)
