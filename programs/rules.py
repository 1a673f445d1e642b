"""Who may do what with programs, cadres and mentoring (autodiscovered by `rules`).

Lists are scoped by each model's `visible_to(user)`; these rules decide the actions.
Object rules receive objects that already passed `visible_to`, so they only add what
lists cannot say (ownership, the 14-day edit window).
"""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor

runs_programme = is_admin | is_coordinator


@rules.predicate
def logged_it(user, session) -> bool:
    return session is not None and session.logged_by_id == user.pk


@rules.predicate
def still_editable(user, session) -> bool:
    return session is not None and session.is_editable()


@rules.predicate
def mentors_it(user, obj) -> bool:
    """The mentor of a mentorship, or of the mentorship a goal belongs to."""
    mentorship = getattr(obj, "mentorship", obj)
    return mentorship is not None and mentorship.mentor.user_id == user.pk


# Coordinator's tools.
rules.add_perm("programs.view_program", runs_programme)
rules.add_perm("programs.manage_programs", runs_programme)
rules.add_perm("programs.view_cadre", runs_programme)
rules.add_perm("programs.manage_cadres", runs_programme)
rules.add_perm("programs.import_cadres", runs_programme)
rules.add_perm("programs.manage_mentors", runs_programme)
rules.add_perm("programs.pair_mentors", runs_programme)

# Mentors' corner; coordinators may look at any mentorship, and help with goals.
rules.add_perm("programs.use_mentor_home", is_mentor)
rules.add_perm("programs.log_session", is_mentor)
# The sessions list across programs: coordinators see all, a mentor their own (visible_to).
rules.add_perm("programs.list_sessions", is_admin | is_coordinator | is_mentor)
rules.add_perm("programs.view_mentorship", runs_programme | is_mentor)
rules.add_perm("programs.manage_goals", runs_programme | (is_mentor & mentors_it))
rules.add_perm("programs.update_goal_progress", runs_programme | (is_mentor & mentors_it))
# A session is the mentor's record: only its author changes it, and only for 14 days.
rules.add_perm("programs.amend_session", is_mentor & logged_it & still_editable)
rules.add_perm("programs.remove_session", is_mentor & logged_it & still_editable)
