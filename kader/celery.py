"""The Celery app: tasks.py of every app is autodiscovered, schedules live in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")

app = Celery("kader")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
