"""The dashboard's pages (namespace "dashboard"): reports, exports, calendar feed, refresh."""

from django.urls import path

from dashboard import calendar, exports, reports, views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/refresh/", views.dashboard_refresh, name="refresh"),
    path("exports/<slug:name>.<str:fmt>", exports.export, name="export"),
    path("reports/agreements/<int:pk>/", reports.agreement_report, name="agreement_report"),
    path("reports/agreements/<int:pk>.pdf", reports.agreement_report_pdf, name="agreement_pdf"),
    path("reports/programs/<int:pk>/", reports.program_report, name="program_report"),
    path("reports/programs/<int:pk>.pdf", reports.program_report_pdf, name="program_pdf"),
    path("calendar/", calendar.feed_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
