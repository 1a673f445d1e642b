from django.contrib import admin

from accounts.models import MobileNumber
from core.admin_lists import LargeTableAdmin


@admin.register(MobileNumber)
class MobileNumberAdmin(LargeTableAdmin):
    """People's mobile numbers: an admin may correct one or withdraw its confirmation; the
    confirmation code is never shown (only its hash is kept)."""

    list_display = ["user", "number", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email", "number"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    fields = ["user", "number", "confirmed_at"]
    ordering = ["-pk"]
