"""Django admin: every programs model with history, search and filters; cadre import/export."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from core.admin_lists import HistoryAdmin
from jurisdictions.offices import office_list_filter
from programs.models import (
    BackgroundField,
    Cadre,
    CadreBackground,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)
from programs.resources import CadreResource


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ["name", "kind", "status", "start_date", "end_date", "capacity", "is_online"]
    list_filter = [
        "kind",
        "status",
        "is_online",
        "start_date",
        "organisation",
        office_list_filter(),
    ]
    search_fields = ["name", "place", "objectives"]
    autocomplete_fields = ["agreements", "partners"]
    raw_id_fields = ["coordinator"]
    readonly_fields = ["enrolment_list"]
    date_hierarchy = "start_date"

    # A link, not an inline: a program has hundreds of enrolments at national scale, and
    # an inline renders a form row (and queries a cadre) for each one.
    @admin.display(description=_("enrolments"))
    def enrolment_list(self, program: Program) -> str:
        if program.pk is None:
            return "–"
        count = program.enrolments.count()
        url = reverse("admin:programs_enrolment_changelist")
        label = ngettext("%(count)s enrolment", "%(count)s enrolments", count) % {"count": count}
        return format_html('<a href="{}?program__id__exact={}">{}</a>', url, program.pk, label)


class BackgroundInline(admin.StackedInline):
    # Shown on the cadre's own admin page only; no list, export or history of it.
    model = CadreBackground
    extra = 0
    max_num = 1
    fields = [
        "gender",
        "age_band",
        "disability",
        "first_in_family_university",
        "area",
        "extra",
        "consent_given_on",
        "consent_recorded_by",
    ]
    raw_id_fields = ["consent_recorded_by"]


@admin.register(Cadre)
class CadreAdmin(ImportExportMixin, HistoryAdmin):
    resource_classes = [CadreResource]
    list_display = ["full_name", "email", "stage", "province", "city", "occupation"]
    list_filter = ["stage", "education", "province", "organisation", office_list_filter()]
    search_fields = ["full_name", "email", "phone", "occupation", "home_organisation"]
    list_select_related = ["province", "city"]
    # Walks the (full_name, id) index; Django would add "-pk", which the index cannot serve.
    ordering = ["full_name", "pk"]
    autocomplete_fields = ["home_partner"]
    raw_id_fields = ["city"]
    inlines = [BackgroundInline]


@admin.register(BackgroundField)
class BackgroundFieldAdmin(HistoryAdmin):
    list_display = ["label", "key", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "key"]


@admin.register(Enrolment)
class EnrolmentAdmin(HistoryAdmin):
    list_display = ["cadre", "program", "status", "enrolled_on", "outcome"]
    # No filter by program (3,000 at national): search by its name instead.
    list_filter = ["status", "outcome", office_list_filter("cadre__")]
    search_fields = ["cadre__full_name", "cadre__email", "program__name"]
    list_select_related = ["cadre", "program"]
    ordering = ["-pk"]  # newest first without sorting 1.2 M rows by program and name
    autocomplete_fields = ["cadre", "program"]


@admin.register(MentorProfile)
class MentorProfileAdmin(HistoryAdmin):
    list_display = ["__str__", "partner", "province", "mentee_capacity", "is_active"]
    list_filter = ["is_active", "province", "organisation", office_list_filter()]
    search_fields = ["user__username", "user__first_name", "user__last_name", "expertise"]
    list_select_related = ["user", "partner", "province"]
    ordering = ["-pk"]  # sorting 60,000 profiles by their users' names costs 0.4 s
    autocomplete_fields = ["partner"]
    raw_id_fields = ["user"]


class GoalInline(admin.TabularInline):
    model = DevelopmentGoal
    extra = 0
    fields = ["title", "target_date", "progress", "progress_note"]


@admin.register(Mentorship)
class MentorshipAdmin(HistoryAdmin):
    list_display = ["__str__", "program_name", "status", "started_on", "over_capacity"]
    list_filter = ["status", "over_capacity", office_list_filter("enrolment__cadre__")]
    search_fields = [
        "enrolment__cadre__full_name",
        "mentor__user__username",
        "mentor__user__first_name",
        "mentor__user__last_name",
    ]
    list_select_related = ["mentor__user", "enrolment__cadre", "enrolment__program"]
    raw_id_fields = ["enrolment", "mentor", "created_by"]
    ordering = ["-pk"]
    inlines = [GoalInline]

    @admin.display(description=_("program"), ordering="enrolment__program__name")
    def program_name(self, obj: Mentorship) -> str:
        return obj.enrolment.program.name


@admin.register(DevelopmentGoal)
class DevelopmentGoalAdmin(HistoryAdmin):
    list_display = ["title", "mentorship", "target_date", "progress"]
    list_filter = ["target_date"]
    search_fields = ["title", "mentorship__enrolment__cadre__full_name"]
    list_select_related = ["mentorship__mentor__user", "mentorship__enrolment__cadre"]
    raw_id_fields = ["mentorship"]
    ordering = ["-pk"]


@admin.register(Session)
class SessionAdmin(HistoryAdmin):
    list_display = ["date", "mentorship", "duration_minutes", "mode", "attendance", "logged_by"]
    list_filter = [
        "mode",
        "attendance",
        "date",
        office_list_filter(),  # the session's own office, its cadre's
    ]
    # By the cadre's name only: a substring search of topics and notes reads all 12 million
    # sessions (10 s at national); the name narrows to a few cadres first.
    search_fields = ["mentorship__enrolment__cadre__full_name"]
    list_select_related = ["mentorship__mentor__user", "mentorship__enrolment__cadre", "logged_by"]
    raw_id_fields = ["mentorship", "logged_by"]
    # The session_date_idx (date, id) order; no date_hierarchy: its year links scan every row.
    ordering = ["-date", "-pk"]
