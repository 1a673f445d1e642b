"""Project-wide permissions (autodiscovered by `rules`). Per-model rules live in each app."""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor

# The coordinator's tools: the programme-wide home page, registers, exports.
rules.add_perm("accounts.view_programme", is_admin | is_coordinator)
# The mentor's own corner of the app.
rules.add_perm("accounts.use_mentor_home", is_mentor)
