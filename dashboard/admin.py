from django.contrib import admin

from core.admin_lists import HistoryAdmin
from dashboard.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(HistoryAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["created_at", "last_used_at"]
    # The token is never shown: an admin revokes (deletes) a feed, the user makes a new one.
    exclude = ["token"]
    raw_id_fields = ["user"]
