"""Who may do what with evaluations (autodiscovered by `rules`).

Coordinators and admins: everything. A mentor: only the evaluations assigned to them.
Lists use `Evaluation.objects.visible_to(user)`, which makes the same decision.
"""

import rules

from accounts.roles import is_admin, is_coordinator, is_mentor
from evaluations.models import Evaluation

runs_evaluations = is_admin | is_coordinator


@rules.predicate
def is_evaluator(user, evaluation: Evaluation | None) -> bool:
    return evaluation is not None and evaluation.evaluator_id == user.pk


@rules.predicate
def is_open(user, evaluation: Evaluation | None) -> bool:
    return evaluation is not None and evaluation.is_open


@rules.predicate
def is_submitted(user, evaluation: Evaluation | None) -> bool:
    return evaluation is not None and evaluation.status == Evaluation.Status.SUBMITTED


rules.add_perm("evaluations.view_own_evaluations", runs_evaluations | is_mentor)
rules.add_perm("evaluations.view_evaluation", runs_evaluations | (is_mentor & is_evaluator))
rules.add_perm("evaluations.fill_evaluation", is_open & (runs_evaluations | is_evaluator))
rules.add_perm("evaluations.review_evaluation", runs_evaluations & is_submitted)
rules.add_perm("evaluations.list_evaluations", runs_evaluations)
rules.add_perm("evaluations.plan_evaluation", runs_evaluations)
rules.add_perm("evaluations.view_reminder", runs_evaluations)
rules.add_perm("evaluations.retry_reminder", runs_evaluations)
rules.add_perm("evaluations.set_reminder_preferences", runs_evaluations | is_mentor)
rules.add_perm("evaluations.view_inbox", runs_evaluations | is_mentor)
