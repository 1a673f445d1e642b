"""The dashboard's permissions (autodiscovered by `rules`)."""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor

# Everyone with a role may keep a personal calendar feed of their dates.
may_have_feed = is_admin | is_coordinator | is_mentor
rules.add_perm("dashboard.have_calendar_feed", may_have_feed)

# Everyone with a role may export a list (each list asks its own permission too) and so
# keep exports written in the background; what they see there is only their own.
rules.add_perm("dashboard.have_exports", is_admin | is_coordinator | is_mentor)
