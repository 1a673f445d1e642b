"""The dashboard's permissions (autodiscovered by `rules`)."""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor

# Everyone with a role may keep a personal calendar feed of their dates.
may_have_feed = is_admin | is_coordinator | is_mentor
rules.add_perm("dashboard.have_calendar_feed", may_have_feed)
