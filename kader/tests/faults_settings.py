"""Settings of the app processes in test_faults_under_load.py: production's, from the
environment, except that static files are not collected (as in every other test).

`collectstatic` with the manifest storage costs a loaded CI machine twenty seconds and
has nothing to do with database faults; the load never asks for a static file.
"""

from kader.settings import *  # noqa: F403
from kader.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
