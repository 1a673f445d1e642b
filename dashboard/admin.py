from django.contrib import admin

from core.admin_lists import HistoryAdmin, LargeTableAdmin
from dashboard.models import CalendarFeed, Export


@admin.register(CalendarFeed)
class CalendarFeedAdmin(HistoryAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["created_at", "last_used_at"]
    # The token is never shown: an admin revokes (deletes) a feed, the user makes a new one.
    exclude = ["token"]
    raw_id_fields = ["user"]


@admin.register(Export)
class ExportAdmin(LargeTableAdmin):
    """Admins see who exported what and when, and may delete an export; the file itself
    is downloadable only by the person who asked (dashboard.export_views)."""

    list_display = [
        "list_name",
        "file_format",
        "requested_by",
        "status",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status", "list_name"]
    search_fields = ["requested_by__username", "requested_by__email"]
    list_select_related = ["requested_by"]
    ordering = ["-created_at", "-pk"]
    raw_id_fields = ["requested_by"]
    exclude = ["file"]
    readonly_fields = [
        "requested_by",
        "list_name",
        "query",
        "file_format",
        "language",
        "status",
        "rows_written",
        "rows_total",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "notified_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # an export is asked for from a list
