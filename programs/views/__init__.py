"""Programs' views, split by who uses them: coordinators' programs and cadres, mentors."""

from programs.views.cadres import (  # noqa: F401
    background_edit,
    background_field_edit,
    background_fields,
    cadre_create,
    cadre_detail,
    cadre_edit,
    cadre_import,
    cadre_list,
    city_options,
)
from programs.views.lookups import program_lookup  # noqa: F401
from programs.views.mentoring import (  # noqa: F401
    goal_create,
    goal_progress,
    mentor_home,
    mentorship_detail,
    mentorship_end,
    session_create,
    session_delete,
    session_edit,
)
from programs.views.programs import (  # noqa: F401
    enrolment_cadres,
    enrolment_create,
    enrolment_edit,
    mentor_create,
    mentor_edit,
    mentor_list,
    mentor_lookup,
    pairing,
    program_create,
    program_detail,
    program_edit,
    program_list,
)
from programs.views.sessions import session_list  # noqa: F401
