"""The dashboard's pages (namespace "dashboard"): reports, exports, calendar feed, refresh."""

from django.urls import path

from dashboard import calendar, export_views, reports, views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/refresh/", views.dashboard_refresh, name="refresh"),
    path("exports/<slug:name>.<str:fmt>", export_views.export, name="export"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("reports/agreements/<int:pk>/", reports.agreement_report, name="agreement_report"),
    path("reports/agreements/<int:pk>.pdf", reports.agreement_report_pdf, name="agreement_pdf"),
    path("reports/programs/<int:pk>/", reports.program_report, name="program_report"),
    path("reports/programs/<int:pk>.pdf", reports.program_report_pdf, name="program_pdf"),
    path("calendar/", calendar.feed_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
