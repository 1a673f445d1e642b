"""The office filter of the lists: a person narrows a list to one office and those under it.

A national coordinator picks a province or a regency/city; a provincial one a regency/city of
their province. The offices offered, and accepted, are those of the person's scope
(`Unit.objects.visible_to`), typed into an autocomplete (553 offices are too many for a plain
drop-down). It narrows what `visible_to` already allowed, never widens it.
"""

from __future__ import annotations

import django_filters as df
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.roles import User
from core.autocomplete import AutocompleteSelect, lookup_response

from .models import Unit
from .scope import scope_of


def units_below(unit: Unit) -> QuerySet:
    """The ids of `unit` and every unit under it, as a subquery."""
    return Unit.objects.below(unit).values("pk")


class OfficeFilter(df.ModelChoiceFilter):
    """Rows whose unit (reached through each of `paths`, e.g. "mentorship__enrolment__cadre__")
    is the chosen office or lies under it."""

    def __init__(self, *, paths: tuple[str, ...] = ("",), **kwargs) -> None:
        self.paths = paths
        kwargs.setdefault("label", _("Office"))
        kwargs.setdefault("widget", AutocompleteSelect("offices:unit_lookup"))
        super().__init__(queryset=Unit.objects.none(), **kwargs)

    def filter(self, qs: QuerySet, value: Unit | None) -> QuerySet:
        if not value:
            return qs
        below = units_below(value)
        condition = Q()
        for path in self.paths:
            condition |= Q(**{f"{path}unit__in": below})
        return qs.filter(condition)


def offer_offices(filterset: df.FilterSet, user: User, name: str = "office") -> None:
    """Offer the offices `user` may choose from, or drop the filter where there is no choice
    (a district's coordinator, a mentor)."""
    units = Unit.objects.visible_to(user)
    scope = scope_of(user)
    ids = scope.unit_ids()
    if scope.is_empty or (ids is not None and len(ids) <= 1):
        del filterset.filters[name]
        return
    filterset.filters[name].queryset = units
    filterset.filters[name].field.label_from_instance = office_label


def office_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})" if unit.level != Unit.Level.NATIONAL else unit.name


@require_GET
@login_required
def unit_lookup(request: HttpRequest) -> JsonResponse:
    """Offices for the lists' office filter: only those of the person's scope (none for a
    mentor, who answers 404 like anyone without one)."""
    if scope_of(request.user).is_empty:
        raise Http404
    units = Unit.objects.visible_to(request.user).order_by("path")
    return lookup_response(request, units, ["name", "code"], label=office_label)


def office_list_filter(*paths: str) -> type[admin.SimpleListFilter]:
    """The admin's office filter for rows whose unit is reached through `paths` (as
    `OfficeFilter`): the provinces of the person's scope, and under a chosen one its
    regencies and cities — a few dozen links, where every office would be 553."""
    paths = paths or ("",)

    class OfficeListFilter(admin.SimpleListFilter):
        title = _("office")
        parameter_name = "office"

        def chosen(self, request: HttpRequest) -> Unit | None:
            value = self.value() or ""
            if not (value.isascii() and value.isdigit() and int(value) < 2**31):
                return None
            return Unit.objects.visible_to(request.user).filter(pk=value).first()

        def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
            units = Unit.objects.visible_to(request.user)
            shown = Q(level__lte=Unit.Level.PROVINCE)
            chosen = self.chosen(request)
            if chosen is not None:
                province = chosen if chosen.level == Unit.Level.PROVINCE else chosen.parent_id
                shown |= Q(parent=province)
            return [(str(unit.pk), office_label(unit)) for unit in units.filter(shown)]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            chosen = self.chosen(request)
            if chosen is None:
                return queryset
            return OfficeFilter(paths=paths).filter(queryset, chosen)

    return OfficeListFilter
