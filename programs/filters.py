"""Search, filters and sorting for the program list, the cadre directory and the sessions."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import User
from core.autocomplete import AutocompleteSelect
from core.filters import ListFilterSet, SortFilter
from core.pagination import COUNT_CAP, id_list
from jurisdictions.offices import OfficeFilter, offer_offices
from partners.models import Agreement, Partner, province_choices
from programs.models import Cadre, Enrolment, Program, Session


def _partners(request) -> QuerySet:
    return Partner.objects.visible_to(request.user) if request else Partner.objects.none()


def _programs(request) -> QuerySet:
    return Program.objects.visible_to(request.user) if request else Program.objects.none()


class ProvinceFirstOrdering(SortFilter):
    """Sorting by province is by the province's official BPS code (Aceh 11 first, Papua
    Barat Daya 96 last, as government lists run), then by name.

    Provinces are loaded in code order (jurisdictions/data/regions.csv), so the code order is
    the id order and the sort is one walk of the index on (province_id, full_name, id).
    Sorting by the province's *name* went through a join that no index serves: 1.3 s at
    1.2 million cadres (issue 7)."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        qs = super().filter(qs, value)
        ordering = list(qs.query.order_by)
        if ordering and ordering[0].lstrip("-") == "province_id":
            sign = "-" if ordering[0].startswith("-") else ""
            qs = qs.order_by(ordering[0], f"{sign}full_name")
        return qs


class CompactFilterSet(ListFilterSet):
    """Small Bootstrap controls: the filter bar must fit a phone."""

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")
            if name == "q":
                field.widget.input_type = "search"
        return form


class ProgramFilter(CompactFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Program.Kind.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Program.Status.choices, empty_label=_("All")
    )
    # 20,000 partners at national scale: typed, not listed (900 KB of <option>s).
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=_partners,
        field_name="partners",
        widget=AutocompleteSelect("partners:partner_lookup"),
    )
    office = OfficeFilter()
    sort = SortFilter(
        label=_("Sort by"),
        empty_label=_("Default"),
        fields=(("start_date", "start_date"), ("name", "name"), ("capacity", "capacity")),
        field_labels={
            "start_date": _("Start date"),
            "name": _("Name"),
            "capacity": _("Capacity"),
        },
    )

    class Meta:
        model = Program
        fields = ["q", "kind", "status", "partner", "office"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self, self.request.user)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(place__icontains=value) | Q(objectives__icontains=value)
        )


# How many matching cadres a search reads as a list of ids (see CadreFilter.search).
SEARCH_IDS_CAP = 5000
# How many matches the directory lists for one search (`CadreFilter.listing`): one more
# than the lists count exactly, so the count reads "more than 1,000" when there are more.
LISTED_MATCHES_CAP = COUNT_CAP + 1


class CadreFilter(CompactFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    province = django_filters.ChoiceFilter(
        label=_("Province"), choices=province_choices, empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Cadre.Stage.choices, empty_label=_("All")
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"),
        queryset=_programs,
        method="in_program",
        widget=AutocompleteSelect("programs:program_lookup"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=_partners,
        method="with_partner",
        widget=AutocompleteSelect("partners:partner_lookup"),
    )
    office = OfficeFilter()
    sort = ProvinceFirstOrdering(
        label=_("Sort by"),
        empty_label=_("Default"),
        fields=(
            ("full_name", "name"),
            ("created_at", "created"),
            ("stage", "stage"),
            ("province_id", "province"),
        ),
        field_labels={
            "full_name": _("Name"),
            "created_at": _("Added"),
            "stage": _("Stage"),
            "province_id": _("Province (official order)"),
        },
    )

    class Meta:
        model = Cadre
        fields = ["q", "province", "stage", "program", "partner", "office"]

    # The directory's page sets this: a search lists its first matches only (`search`).
    listing = False
    search_capped = False

    def __init__(self, *args, listing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.listing = listing
        offer_offices(self, self.request.user)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Three parts joined by UNION rather than one OR across joined tables: on
        # PostgreSQL the first is one trigram GIN index scan (cadre_search_trgm), the
        # others go through the partner and city names and the foreign-key indexes.
        own = (
            Q(full_name__icontains=value)
            | Q(email__icontains=value)
            | Q(phone__icontains=value)
            | Q(occupation__icontains=value)
            | Q(home_organisation__icontains=value)
        )
        # Within `queryset` (already scoped): for a district, PostgreSQL then reads its
        # office's 2,300 cadres by the unit index instead of matching the whole nation's
        # names first (130 ms of a district's search at the national tier).
        cadres = queryset.order_by()
        if self.listing:
            return queryset.filter(pk__in=id_list(self._first_matches(cadres, own, value)))
        matching = (
            cadres.filter(own)
            .order_by()
            .values("pk")
            .union(
                cadres.filter(home_partner__name__icontains=value).order_by().values("pk"),
                cadres.filter(city__name__icontains=value).order_by().values("pk"),
            )
        )
        # The matching ids are fetched once, and the page and its count read them as a list
        # of keys: as a subquery the trigram scan (25–40 ms at national scale) ran twice,
        # once for the page and once for the count. A word that matches more cadres than
        # SEARCH_IDS_CAP (a single common name) keeps the subquery rather than carry tens of
        # thousands of ids through the SQL text.
        ids = list(matching.values_list("pk", flat=True)[: SEARCH_IDS_CAP + 1])
        if len(ids) <= SEARCH_IDS_CAP:
            return queryset.filter(pk__in=id_list(ids))
        return queryset.filter(pk__in=matching)

    def _first_matches(self, cadres: QuerySet, own: Q, value: str) -> list[int]:
        """The first `LISTED_MATCHES_CAP` matches as the index finds them, for the list.

        A fragment common in names ("wati": 38,000 of 1.2 million) made the list sort every
        match by name to show 25 (1.2 s at national scale, three scans of the union). A
        person does not page through thousands of matches; they add a word. So the list
        takes the first matches found (a `UNION ALL` under a `LIMIT` stops scanning there,
        where `UNION` reads every match to drop duplicates), sorts those, and says that
        there are more (`search_capped`). Exports take every match (`listing` is off).
        """
        parts = (
            cadres.filter(own).order_by().values_list("pk", flat=True)
            .union(
                cadres.filter(home_partner__name__icontains=value).order_by().values("pk"),
                cadres.filter(city__name__icontains=value).order_by().values("pk"),
                all=True,
            )
        )  # fmt: skip
        found = list(parts[:LISTED_MATCHES_CAP])
        self.search_capped = len(found) >= LISTED_MATCHES_CAP
        # A cadre matched by its own name and by its city comes twice.
        return list(dict.fromkeys(found))

    # EXISTS rather than a join + DISTINCT: the list keeps walking its sort index.
    def in_program(self, queryset: QuerySet, name: str, value: Program) -> QuerySet:
        enrolled = Enrolment.objects.filter(cadre=OuterRef("pk"), program=value)
        return queryset.filter(Exists(enrolled))

    def with_partner(self, queryset: QuerySet, name: str, value: Partner) -> QuerySet:
        # A cadre belongs with a partner by home organisation or through a program. A UNION
        # of the two, not an OR: an OR with EXISTS is checked row by row down the name index.
        at_home = Cadre.objects.filter(home_partner=value).order_by().values("pk")
        enrolled = Enrolment.objects.filter(program__partners=value).order_by().values("cadre")
        return queryset.filter(pk__in=at_home.union(enrolled))


class SessionFilter(CompactFilterSet):
    """The sessions list across programs (programs/views/sessions.py) and its export."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    program = django_filters.ModelChoiceFilter(
        label=_("Program"),
        queryset=Program.objects.none(),
        field_name="mentorship__enrolment__program",
        widget=AutocompleteSelect("programs:program_lookup"),
    )
    province = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=province_choices,
        empty_label=_("All"),
        field_name="mentorship__enrolment__cadre__province",
    )
    # The session's own office (its cadre's, kept by the database): one index.
    office = OfficeFilter()
    formality = django_filters.ChoiceFilter(
        label=_("Formality"), choices=Agreement.Formality.choices, method="by_agreement"
    )
    basis = django_filters.ChoiceFilter(
        label=_("Basis"), choices=Agreement.Basis.choices, method="by_agreement"
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attendance"), choices=Session.Attendance.choices
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("duration_minutes", "duration")),
        field_labels={"date": _("Date"), "duration_minutes": _("Duration")},
    )

    class Meta:
        model = Session
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.visible_to(user).order_by("name")
        offer_offices(self, user)
        for name in ("date_from", "date_to"):
            self.filters[name].field.widget.input_type = "date"

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(mentorship__enrolment__cadre__full_name__icontains=value)
            | Q(mentorship__mentor__user__first_name__icontains=value)
            | Q(mentorship__mentor__user__last_name__icontains=value)
            | Q(topics__icontains=value)
        )

    def by_agreement(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # The session's program runs under an agreement of that formality or basis.
        agreements = Agreement.objects.filter(**{name: value}).values("pk")
        programs = Program.objects.filter(agreements__in=agreements).values("pk")
        return qs.filter(mentorship__enrolment__program__in=programs)
