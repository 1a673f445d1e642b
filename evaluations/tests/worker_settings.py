"""Settings of the Celery worker in the worker-kill proof (test_worker.py): production's,
from the environment, with the requeue's clocks in seconds instead of 15 minutes, so that
beat's requeue task — not the test — brings back what a killed worker left behind."""

from kader.settings import *  # noqa: F403

REMINDER_SENDING_TIMEOUT = 4  # a row a dead worker left in "sending" is retried after this
REMINDER_LOST_AFTER = 4  # a pending row whose message the dead worker held, likewise
