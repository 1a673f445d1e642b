"""Hypothesis profiles for the property-based tests over forms.

"kader" (the default) keeps CI bounded and repeatable: 40 examples per property (10 until
the hostile tester's findings), drawn from a fixed seed (derandomized), no deadline (a page
can be slow on a loaded machine without being wrong). A gate that fails on a new random
draw unrelated to the change is noise; finding new cases is the job of
`HYPOTHESIS_PROFILE=thorough`, which draws many more examples at random, for a night run
or after changing a form.
"""

import os

from hypothesis import HealthCheck, settings

BOUNDED = {
    "database": None,
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("kader", max_examples=40, derandomize=True, **BOUNDED)
settings.register_profile("thorough", max_examples=300, **BOUNDED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kader"))
