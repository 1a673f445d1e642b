from django.urls import path

from evaluations import views, webhooks

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("mine/", views.my_evaluations, name="my_evaluations"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/fill/", views.evaluation_fill, name="evaluation_fill"),
    path("<int:pk>/review/", views.evaluation_review, name="evaluation_review"),
    path("<int:pk>/plan/", views.evaluation_plan, name="evaluation_plan"),
    path("evaluators/", views.evaluator_lookup, name="evaluator_lookup"),
    path("agreements/<int:agreement_pk>/plan/", views.agreement_plan, name="agreement_plan"),
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("reminders/<int:pk>/retry/", views.reminder_retry, name="reminder_retry"),
    path("reminders/settings/", views.preferences, name="preferences"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("webhooks/whatsapp/", webhooks.whatsapp, name="webhook_whatsapp"),
    path("webhooks/sms/", webhooks.sms, name="webhook_sms"),
]
