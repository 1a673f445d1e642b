"""Admin: units, organisations and memberships, and each person's effective scope."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organisation, Unit
from .scope import describe, scope_of


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_default", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "unit", "role", "created_at"]
    list_filter = ["role", "organisation", "unit__level"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "organisation", "unit"]
    ordering = ["organisation__name", "unit__path", "user__username"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["organisation", "unit", "role"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class KaderUserAdmin(UserAdmin):
    """Django's user admin, with the person's memberships and what they add up to."""

    inlines = [MembershipInline]
    readonly_fields = ["effective_scope"]
    fieldsets = (*UserAdmin.fieldsets, (_("Scope"), {"fields": ["effective_scope"]}))

    @admin.display(description=_("effective scope"))
    def effective_scope(self, user) -> str:
        if user.pk is None:
            return "—"
        user.__dict__.pop("_kader_scope", None)
        return format_html_join("", "<div>{}</div>", ((line,) for line in describe(scope_of(user))))
