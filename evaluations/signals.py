"""Planning follows the subjects: when an agreement, program or mentorship is saved, its
not-started evaluations are re-planned after the commit. Hooks live here so the partners
and programs apps need not know about evaluations."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def _later(function, **kwargs) -> None:
    # robust: a planning error is logged and never undoes the coordinator's own change.
    transaction.on_commit(partial(function, **kwargs), robust=True)


def agreement_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    from evaluations.services import evaluations_plan_for_agreement

    if not raw and instance.status == instance.Status.ACTIVE:
        _later(evaluations_plan_for_agreement, agreement=instance)


def program_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    from evaluations.services import evaluations_plan_for_program

    if not raw:
        _later(evaluations_plan_for_program, program=instance)


def mentorship_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    from evaluations.services import evaluations_plan_for_mentorship

    if not raw:
        _later(evaluations_plan_for_mentorship, mentorship=instance)
