from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin_lists import HistoryAdmin
from evaluations.models import (
    ActionItem,
    Evaluation,
    HealthRating,
    IndicatorResult,
    Reminder,
    ReminderPreference,
)
from jurisdictions.offices import office_list_filter


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0
    autocomplete_fields = ["indicator"]


class HealthRatingInline(admin.TabularInline):
    model = HealthRating
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    raw_id_fields = ["owner"]


class ReminderInline(admin.TabularInline):
    """Each evaluation's reminders and their state, read-only: the outbox is the record."""

    model = Reminder
    fk_name = "evaluation"
    extra = 0
    can_delete = False
    fields = ["kind", "recipient", "for_date", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(HistoryAdmin):
    list_display = ["__str__", "kind", "status", "due_date", "evaluator"]
    list_filter = [
        "status",
        "kind",
        "due_date",
        office_list_filter(),  # the evaluation's own office, its subject's
    ]
    search_fields = [
        "agreement__title",
        "program__name",
        "mentorship__enrolment__cadre__full_name",
        "evaluator__username",
    ]
    raw_id_fields = ["agreement", "program", "mentorship", "evaluator", "reviewed_by"]
    # What __str__ (the subject) reads, in the one list query.
    list_select_related = [
        "agreement",
        "program",
        "mentorship__mentor__user",
        "mentorship__enrolment__cadre",
        "evaluator",
    ]
    # Newest first along the primary key's index (1 M rows); no date_hierarchy, whose year
    # links scan every row.
    ordering = ["-pk"]
    inlines = [IndicatorResultInline, HealthRatingInline, ActionItemInline, ReminderInline]


@admin.register(ActionItem)
class ActionItemAdmin(HistoryAdmin):
    list_display = ["description", "owner", "due_date", "done", "evaluation"]
    list_filter = ["done", "due_date"]
    search_fields = ["description", "owner__username"]
    raw_id_fields = ["evaluation", "owner"]
    list_select_related = [
        "owner",
        "evaluation__agreement",
        "evaluation__program",
        "evaluation__mentorship__mentor__user",
        "evaluation__mentorship__enrolment__cadre",
    ]
    ordering = ["-pk"]


@admin.action(description=_("Send again (failed or stuck reminders)"))
def send_again(modeladmin, request, queryset) -> None:
    from evaluations.reminders import reminders_retry

    ids = reminders_retry(
        reminders=queryset,
        user=request.user,
        statuses=(Reminder.Status.FAILED, Reminder.Status.SENDING),
    )
    messages.info(request, _("%(n)s reminders will be sent again.") % {"n": len(ids)})


@admin.register(Reminder)
class ReminderAdmin(HistoryAdmin):
    list_display = [
        "kind",
        "recipient",
        "for_date",
        "channel",
        "status",
        "delivery",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = [
        "status",
        "channel",
        "delivery",
        "kind",
        "for_date",
        office_list_filter(),  # the reminder's own office, its subject's
    ]
    search_fields = [
        "recipient__username",
        "recipient__email",
        "subject_key",
        "provider_message_id",
    ]
    raw_id_fields = [
        "recipient",
        "evaluation",
        "action_item",
        "agreement",
        "mentorship",
        "fell_back_from",
    ]
    readonly_fields = [
        "subject_key",
        "claimed_at",
        "sent_at",
        "created_at",
        "provider_message_id",
        "delivery_at",
        "seen_at",
    ]
    list_select_related = ["recipient"]
    ordering = ["-pk"]
    actions = [send_again]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(HistoryAdmin):
    list_display = ["user", "language", "muted_kinds", "channels"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
