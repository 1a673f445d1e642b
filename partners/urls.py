from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("new/", views.partner_create, name="partner_create"),
    path("lookup/", views.partner_lookup, name="partner_lookup"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/archive/", views.partner_archive, name="partner_archive"),
    path("<int:pk>/delete/", views.partner_delete, name="partner_delete"),
    path("<int:partner_pk>/log/", views.communication_create, name="communication_create"),
    path("log/<int:pk>/", views.communication_edit, name="communication_edit"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/coordinators/", views.coordinator_lookup, name="coordinator_lookup"),
    path("agreements/lookup/", views.agreement_lookup, name="agreement_lookup"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:pk>/activate/",
        views.agreement_transition,
        {"action": "activate"},
        name="agreement_activate",
    ),
    path(
        "agreements/<int:pk>/end/",
        views.agreement_transition,
        {"action": "end"},
        name="agreement_end",
    ),
    path("agreements/<int:pk>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("agreements/<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("agreements/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
]
