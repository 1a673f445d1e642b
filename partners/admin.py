"""Django admin for the register: every model, its history, and CSV/XLSX import-export."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from core.admin_lists import HistoryAdmin, LargeTableAdmin
from jurisdictions.offices import office_list_filter

from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CommunicationLog,
    Contact,
    Partner,
    Province,
    Region,
    SuccessIndicator,
)
from .resources import ContactResource, PartnerResource


class HistoryImportExportAdmin(ImportExportMixin, HistoryAdmin):
    """Import with a preview and per-row errors; a file with any bad row imports nothing."""

    skip_admin_log = False


class RegionInline(admin.TabularInline):
    model = Region
    extra = 0
    fields = ["code", "name", "kind"]


@admin.register(Province)
class ProvinceAdmin(LargeTableAdmin):  # reference data: no history kept
    list_display = ["name", "code", "region_count"]
    search_fields = ["name", "code"]
    inlines = [RegionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(region_total=Count("regions"))

    @admin.display(description=_("regencies and cities"), ordering="region_total")
    def region_count(self, obj: Province) -> int:
        return obj.region_total


@admin.register(Region)
class RegionAdmin(LargeTableAdmin):  # reference data: no history kept
    list_display = ["name", "kind", "province", "code"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code", "province__name"]
    list_select_related = ["province"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "is_primary"]


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "responsibilities"]


class IndicatorInline(admin.TabularInline):
    model = SuccessIndicator
    extra = 0
    fields = ["name", "unit", "baseline", "target", "direction"]


class DocumentInline(admin.TabularInline):
    model = AgreementDocument
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields  # uploads go through the app, which checks their content


@admin.register(Partner)
class PartnerAdmin(HistoryImportExportAdmin):
    resource_classes = [PartnerResource]
    list_display = ["name", "sector", "status", "province", "region", "archived_at", "updated_at"]
    list_filter = [
        "sector",
        "status",
        ("archived_at", admin.EmptyFieldListFilter),
        *(field for field, _label in Partner.STRENGTHS),
        "province",
        "organisation",
        office_list_filter(),
    ]
    search_fields = ["name", "contacts__name", "contacts__email", "region__name"]
    list_select_related = ["province", "region"]
    autocomplete_fields = ["region"]
    readonly_fields = ["archived_at", "created_at", "updated_at"]
    inlines = [ContactInline]
    actions = ["archive"]

    @admin.action(description=_("Archive the selected partners"))
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        for partner in queryset:
            partner.archive()


@admin.register(Contact)
class ContactAdmin(HistoryImportExportAdmin):
    resource_classes = [ContactResource]
    list_display = ["name", "partner", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary", "partner__sector"]
    search_fields = ["name", "email", "phone", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = [
        "title",
        "formality",
        "basis",
        "status",
        "start_date",
        "end_date",
        "evaluation_cadence",
        "coordinator",
    ]
    # No filter by coordinator: it would list every user; search finds a coordinator's.
    list_filter = [
        "status",
        "formality",
        "basis",
        "evaluation_cadence",
        "organisation",
        office_list_filter(),
    ]
    search_fields = ["title", "reference", "partners__name", "coordinator__username"]
    list_select_related = ["coordinator"]
    raw_id_fields = ["coordinator"]
    date_hierarchy = "start_date"
    readonly_fields = [
        "status",
        "activated_on",
        "closed_on",
        "termination_reason",
        "renewal_of",
        "created_at",
        "updated_at",
    ]
    inlines = [PartyInline, IndicatorInline, DocumentInline]


@admin.register(AgreementParty)
class AgreementPartyAdmin(HistoryAdmin):
    list_display = ["agreement", "partner", "role"]
    search_fields = ["agreement__title", "partner__name", "role"]
    list_select_related = ["agreement", "partner"]
    autocomplete_fields = ["agreement", "partner"]


@admin.register(SuccessIndicator)
class SuccessIndicatorAdmin(HistoryAdmin):
    list_display = ["name", "agreement", "unit", "baseline", "target", "direction"]
    list_filter = ["direction"]
    search_fields = ["name", "agreement__title"]
    list_select_related = ["agreement"]
    autocomplete_fields = ["agreement"]


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(HistoryAdmin):
    list_display = ["original_name", "agreement", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "agreement__title"]
    list_select_related = ["agreement"]
    # The file itself is uploaded and served by the app only (content check, access check).
    readonly_fields = [
        "agreement",
        "download",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]

    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, obj: AgreementDocument) -> str:
        # Through the app's access-checked view: media files have no public URL.
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(CommunicationLog)
class CommunicationLogAdmin(HistoryAdmin):
    list_display = [
        "date",
        "partner",
        "channel",
        "agreement",
        "follow_up_due",
        "follow_up_done",
        "challenge_raised",
    ]
    list_filter = ["channel", "challenge_raised", "follow_up_done", "date"]
    search_fields = ["summary", "participants", "partner__name", "challenge", "resolution"]
    list_select_related = ["partner", "agreement"]
    autocomplete_fields = ["partner", "agreement"]
    raw_id_fields = ["logged_by"]
    # (-date, -created_at) sorts every log on each request; the date filter replaces the
    # date_hierarchy, whose year links read every row.
    ordering = ["-pk"]
