from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_create, name="program_create"),
    path("lookup/", views.program_lookup, name="program_lookup"),
    path("sessions/", views.session_list, name="session_list"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("<int:pk>/enrol/", views.enrolment_create, name="enrolment_create"),
    path("<int:pk>/enrol/cadres/", views.enrolment_cadres, name="enrolment_cadres"),
    path("enrolments/<int:pk>/", views.enrolment_edit, name="enrolment_edit"),
    path("enrolments/<int:pk>/pair/", views.pairing, name="pairing"),
    path("enrolments/<int:pk>/pair/mentors/", views.mentor_lookup, name="mentor_lookup"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/import/", views.cadre_import, name="cadre_import"),
    path("cadres/cities/", views.city_options, name="city_options"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/background/", views.background_edit, name="background_edit"),
    path("background-questions/", views.background_fields, name="background_fields"),
    path(
        "background-questions/<int:pk>/",
        views.background_field_edit,
        name="background_field_edit",
    ),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/new/", views.mentor_create, name="mentor_create"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentor/", views.mentor_home, name="mentor_home"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_progress, name="goal_progress"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
]
