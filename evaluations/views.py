"""Evaluation pages. Every object comes through `visible_to(user)` + 404, so a mentor who
guesses someone else's evaluation id learns nothing, not even that it exists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import perm_or_404
from core import offline
from core.autocomplete import lookup_response
from core.pagination import paginate
from evaluations import services
from evaluations.filters import EvaluationFilter, ReminderFilter
from evaluations.forms import (
    ActionItemFormSet,
    FindingsForm,
    HealthRatingFormSet,
    IndicatorResultFormSet,
    PlanForm,
    PreferenceForm,
    ReviewForm,
    owner_choices,
    people_with_a_role,
    person_label,
)
from evaluations.models import Evaluation, Reminder
from evaluations.reminders import preference_for, reminder_mark_seen, reminders_retry

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _visible(request: HttpRequest):
    return Evaluation.objects.visible_to(request.user)


# --- lists -----------------------------------------------------------------------------


@perm_or_404("evaluations.view_own_evaluations")
def my_evaluations(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # Every one of the person's evaluations as (status, due date, id) first, on the
    # evaluator's index, then the rows shown by id: ordered by due date under a LIMIT,
    # PostgreSQL walked the due-date index through everyone's evaluations (0.7–1.4 s per
    # list for a national coordinator, who evaluates thousands).
    dated = sorted(
        _visible(request)
        .filter(evaluator=request.user)
        .order_by()
        .values_list("due_date", "pk", "status")
    )
    open_ = [(d, pk) for d, pk, status in dated if status in Evaluation.OPEN_STATUSES]
    overdue = [pk for d, pk in open_ if d < today]
    due = [pk for d, pk in open_ if d >= today]
    done = [pk for d, pk, status in reversed(dated) if status not in Evaluation.OPEN_STATUSES]
    done_page = _page(request, done, 10)
    shown = [*overdue[:MINE_SHOWN], *due[:MINE_SHOWN], *done_page.object_list]
    # unscoped: the ids were read through visible_to just above.
    rows = Evaluation.objects.unscoped().filter(pk__in=shown).with_subjects().in_bulk()
    done_page.object_list = [rows[pk] for pk in done_page.object_list]
    context = {
        "overdue": [rows[pk] for pk in overdue[:MINE_SHOWN]],
        "overdue_count": len(overdue),
        "due": [rows[pk] for pk in due[:MINE_SHOWN]],
        "due_count": len(due),
        "done": done_page,
        "today": today,
    }
    return render(request, "evaluations/evaluation_mine.html", context)


# Open evaluations listed per group on "My evaluations". A national coordinator evaluates
# thousands of agreements and programs: all of them made a page of 1.7 MB and 3–5 s; 50 a
# group, 79 KB and 90–220 ms (its rows drawn in Python). 20 is a day's worklist on a phone.
MINE_SHOWN = 20


@perm_or_404("evaluations.list_evaluations")
def evaluation_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Evaluation.objects.visible_to(request.user).with_subjects().order_by("due_date", "pk")
    )
    filtered = EvaluationFilter(request.GET, queryset=queryset, user=request.user)
    context = {
        "filter": filtered,
        "page": paginate(request, filtered.qs),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/evaluation_list.html", context)


# --- one evaluation --------------------------------------------------------------------


@perm_or_404("evaluations.view_own_evaluations")
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = services.evaluation_for_report(_visible(request), pk)
    return _render_detail(request, evaluation)


def _render_detail(
    request: HttpRequest, evaluation: Evaluation, review_form: ReviewForm | None = None
) -> HttpResponse:
    can_review = _may_review(request, evaluation)
    if can_review and review_form is None:
        review_form = ReviewForm(evaluation=evaluation)
    reminders = evaluation.reminders.select_related("recipient").order_by("-for_date", "-pk")
    context = {
        "evaluation": evaluation,
        "results": evaluation.indicator_results.all(),
        "ratings": [r for r in evaluation.ratings.all() if r.score or r.comment],
        "reminders": reminders if request.user.has_perm("evaluations.view_reminder") else None,
        "review_form": review_form,
        "can_fill": request.user.has_perm("evaluations.fill_evaluation", evaluation),
        "can_review": can_review,
        "can_plan": request.user.has_perm("evaluations.plan_evaluation") and evaluation.is_open,
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/evaluation_detail.html", context)


@perm_or_404("evaluations.view_own_evaluations")
@offline.offline_sendable
def evaluation_fill(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(_visible(request).with_subjects(), pk=pk)
    # is_open too: a superuser passes every permission check, even on a submitted one.
    if not (
        evaluation.is_open and request.user.has_perm("evaluations.fill_evaluation", evaluation)
    ):
        if offline.is_offline_send(request):
            return offline.refused(
                _("This evaluation was submitted meanwhile: the draft was not saved over it.")
            )
        messages.info(request, _("This evaluation is submitted: it can no longer be changed."))
        return redirect(evaluation)
    services.evaluation_prepare(evaluation=evaluation)
    forms = _fill_forms(request, evaluation)
    if request.method == "POST" and _all_valid(forms):
        submit = "submit" in request.POST

        def save() -> tuple[Evaluation, str] | None:
            if not _save_fill(request, evaluation, forms, submit=submit):
                return None
            if submit:
                return evaluation, evaluation.get_absolute_url()
            return evaluation, reverse("evaluations:evaluation_fill", args=[evaluation.pk])

        location = offline.save_once(request, save)
        if location is not None:
            return offline.sent(request, location)
    if offline.is_offline_send(request):
        return offline.form_refused(*forms.values())
    return render(request, "evaluations/evaluation_form.html", {"evaluation": evaluation, **forms})


def _all_valid(forms: dict) -> bool:
    # Every form is validated, not only up to the first invalid one: all errors show at once.
    valid = [form.is_valid() for form in forms.values()]
    return all(valid)


def _fill_forms(request: HttpRequest, evaluation: Evaluation) -> dict:
    data = request.POST if request.method == "POST" else None
    results = evaluation.indicator_results.select_related("indicator")
    return {
        "findings_form": FindingsForm(data, instance=evaluation),
        "indicator_formset": IndicatorResultFormSet(data, queryset=results, prefix="ind"),
        "rating_formset": HealthRatingFormSet(
            data, queryset=evaluation.ratings.all(), prefix="rat"
        ),
        "action_formset": ActionItemFormSet(
            data,
            instance=evaluation,
            prefix="act",
            queryset=evaluation.action_items.all(),
            form_kwargs={"people": list(owner_choices(evaluation))},
        ),
    }


def _save_fill(request: HttpRequest, evaluation: Evaluation, forms: dict, *, submit: bool) -> bool:
    """Save the draft; when submitting, refuse with messages at the fields if incomplete."""
    try:
        with transaction.atomic():
            for form in forms.values():
                form.save()
            if submit:
                services.evaluation_submit(evaluation=evaluation, user=request.user)
            else:
                services.evaluation_save_draft(evaluation=evaluation)
    except ValidationError as error:
        _forget_rolled_back_rows(forms["action_formset"])
        _attach_submit_errors(forms, error)
        return False
    if submit:
        messages.success(request, _("Evaluation submitted for review. Thank you."))
    else:
        messages.success(request, _("Draft saved. You can come back to it at any time."))
    return True


def _forget_rolled_back_rows(formset) -> None:
    # The transaction was rolled back: a new action item saved in it does not exist, and
    # the page shown again must offer it as new (no "delete" box), with what was typed.
    for item in formset.new_objects:
        item.pk = None
        item._state.adding = True


def _attach_submit_errors(forms: dict, error: ValidationError) -> None:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for field, texts in errors.items():
        if field == "findings":
            forms["findings_form"].add_error("findings", texts)
        elif field == "indicators":
            for form in forms["indicator_formset"]:
                if form.cleaned_data.get("actual") is None:
                    form.add_error("actual", texts)
        else:
            forms["findings_form"].add_error(None, texts)


def _may_review(request: HttpRequest, evaluation: Evaluation) -> bool:
    # The status is checked here too: a superuser passes every permission check, and the
    # service refusing an open evaluation was a 500 for them.
    return evaluation.awaits_review and request.user.has_perm(
        "evaluations.review_evaluation", evaluation
    )


@require_POST
@perm_or_404("evaluations.list_evaluations")
def evaluation_review(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = services.evaluation_for_report(_visible(request), pk)
    if not _may_review(request, evaluation):
        messages.warning(request, _("Only a submitted evaluation can be reviewed."))
        return redirect(evaluation)
    form = ReviewForm(request.POST, evaluation=evaluation)
    if not form.is_valid():
        return _render_detail(request, evaluation, form)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.evaluation_review(
            evaluation=evaluation,
            user=request.user,
            accept=accept,
            comment=form.cleaned_data["comment"],
            action_item=form.action_item(),
        )
    except ValidationError as error:
        form.add_error(None, error)  # a dict of errors goes to its fields
        return _render_detail(request, evaluation, form)
    if accept:
        messages.success(request, _("Evaluation accepted."))
    else:
        messages.success(request, _("Evaluation sent back to its evaluator."))
    return redirect(evaluation)


@require_GET
@perm_or_404("evaluations.plan_evaluation")
def evaluator_lookup(request: HttpRequest) -> JsonResponse:
    """Who may evaluate, by name (the planning form's autocomplete; the form accepts the
    same people): coordinators and mentors, 60,000 at national scale."""
    people = people_with_a_role().only("pk", "username", "first_name", "last_name")
    return lookup_response(request, people, ["username", "first_name", "last_name"], person_label)


@perm_or_404("evaluations.plan_evaluation")
def evaluation_plan(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(_visible(request).open().with_subjects(), pk=pk)
    form = PlanForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The evaluation plan was updated."))
        return redirect(evaluation)
    return render(
        request, "evaluations/evaluation_plan.html", {"evaluation": evaluation, "form": form}
    )


@require_POST
@perm_or_404("evaluations.plan_evaluation")
def agreement_plan(request: HttpRequest, agreement_pk: int) -> HttpResponse:
    from partners.models import Agreement

    # Planning changes the agreement's plan: its owning office's, not a unit it is shared with.
    agreement = get_object_or_404(Agreement.objects.changeable_by(request.user), pk=agreement_pk)
    changes = services.evaluations_plan_for_agreement(agreement=agreement)
    messages.success(
        request,
        _("Evaluations planned: %(new)s new, %(removed)s removed.")
        % {"new": len(changes.create), "removed": len(changes.delete)},
    )
    return redirect(agreement)


# --- reminders -------------------------------------------------------------------------


# What a reminder is about: read with it wherever reminders are listed.
# The reminder's own subjects (joined) and what lies behind them (read for the page's rows).
OWN_SUBJECTS = ("evaluation", "action_item", "agreement", "mentorship")
SUBJECTS = (
    "evaluation__agreement",
    "evaluation__program",
    "evaluation__mentorship__enrolment__cadre",
    "evaluation__mentorship__mentor__user",
    "action_item__evaluation",
    "agreement",
    "mentorship__enrolment__cadre",
)


@perm_or_404("evaluations.view_reminder")
def reminder_list(request: HttpRequest) -> HttpResponse:
    # Everything "about" shows: the row's own subjects joined, what lies behind them read
    # for the page's rows afterwards. All of SUBJECTS in one query joined 18 tables, which
    # PostgreSQL took ≈ 40 ms to plan (its genetic planner, past 12 tables) for a 5 ms
    # run: the national coordinator's page 46 → 22 ms of SQL.
    queryset = (
        Reminder.objects.visible_to(request.user)
        .select_related("recipient", "fell_back_from", *OWN_SUBJECTS)
        .prefetch_related(*SUBJECTS)
    )
    filtered = ReminderFilter(request.GET, queryset=queryset, user=request.user)
    context = {
        "filter": filtered,
        "page": paginate(request, filtered.qs),
    }
    return render(request, "evaluations/reminder_list.html", context)


@require_POST
@perm_or_404("evaluations.retry_reminder")
def reminder_retry(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder.objects.visible_to(request.user), pk=pk)
    retried = reminders_retry(
        reminders=Reminder.objects.visible_to(request.user).filter(pk=reminder.pk),
        user=request.user,
        statuses=(Reminder.Status.FAILED,),
    )
    if retried:
        messages.success(request, _("The reminder will be sent again."))
    return redirect(reminder.evaluation or "evaluations:reminder_list")


@perm_or_404("evaluations.view_inbox")
def inbox(request: HttpRequest) -> HttpResponse:
    """Every reminder sent to this person, on any channel, newest first."""
    # As the reminder list reads them: 18 joined tables cost more to plan than to run.
    received = (
        Reminder.objects.received_by(request.user)
        .select_related("fell_back_from", *OWN_SUBJECTS)
        .prefetch_related(*SUBJECTS)
    )
    return render(request, "evaluations/inbox.html", {"page": paginate(request, received)})


@perm_or_404("evaluations.view_inbox")
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a reminder marks it read, then goes where it asks the person to act."""
    reminder = get_object_or_404(
        Reminder.objects.received_by(request.user).select_related(
            "evaluation", "action_item__evaluation", "agreement", "mentorship"
        ),
        pk=pk,
    )
    reminder_mark_seen(reminder=reminder)
    return redirect(reminder.action_url())


@perm_or_404("evaluations.set_reminder_preferences")
def preferences(request: HttpRequest) -> HttpResponse:
    preference = preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("evaluations:preferences")
    return render(request, "evaluations/preferences.html", {"form": form})
