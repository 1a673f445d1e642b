"""Evaluations of agreements, programs and mentorships, and the reminder outbox.

An `Evaluation` has exactly one subject (enforced by a CHECK constraint). A `Reminder` is a
row before it is an e-mail: unique on (kind, recipient, subject, date it is for), so that
running the sweep twice, or two workers racing, can never send the same reminder twice.
Access is decided in one place per model: `<Model>.objects.visible_to(user)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import User, is_mentor
from core import limits
from core.scoping import GuardedModel, GuardedQuerySet
from jurisdictions.models import Placed
from jurisdictions.scope import scope_of

LONG_TEXT = limits.LONG_TEXT


def runs_evaluations(user: User) -> bool:
    """Coordinators and admins see, plan and review the evaluations in their scope."""
    return not scope_of(user).is_empty


def _in_scope(rows: models.QuerySet, user: User, subjects: Q | None, own: Q | None):
    """The one shape of this app's `visible_to`: rows whose subject lies in the user's scope
    (`subjects`, built by `_subjects`), and also `own` (the person's own rows)."""
    scope = scope_of(user)
    if scope.everything:
        return rows.scoped()
    condition = None if scope.is_empty or subjects is None else subjects
    if own is not None:
        condition = own if condition is None else condition | own
    return (rows.none() if condition is None else rows.filter(condition)).scoped()


def _subjects(user: User, prefix: str = "") -> Q | None:
    """Evaluations (reached through `prefix`) whose subject lies in the user's scope: by the
    evaluation's own office, which is its subject's (`Placed`: an agreement's, a program's,
    a pair's cadre's), or an agreement shared with the user's units."""
    scope = scope_of(user)
    if scope.is_empty:
        return None
    condition = scope.q(prefix)
    shared = _shared_agreement_ids(user)
    if shared is not None:
        condition |= Q(**{f"{prefix}agreement_id__in": shared})
    return condition


# The most ids of agreements shared with an office that `_subjects` carries as a list.
SHARED_IDS_CAP = 1000


def _shared_agreement_ids(user: User) -> list[int] | models.QuerySet | None:
    """The agreements shared with the user's offices, read once per request (kept on the user
    object, as the scope is). As a list of ids, not a subquery: under the OR with the
    evaluation's own office, PostgreSQL can only test a subquery row by row (a district's
    evaluation count scanned half a million rows, 53 ms at the national tier), while a list
    and the office are two index scans."""
    from partners.models import shared_agreements

    cached = getattr(user, "_kader_scope_shared_agreements", False)
    if cached is not False:
        return cached
    shared = shared_agreements(scope_of(user))
    if shared is not None:
        ids = list(shared.values_list("agreement_id", flat=True)[: SHARED_IDS_CAP + 1])
        shared = ids if len(ids) <= SHARED_IDS_CAP else shared
    with contextlib.suppress(AttributeError):  # AnonymousUser takes no attributes
        user._kader_scope_shared_agreements = shared  # type: ignore[union-attr]  # a cache
    return shared


class HealthFactor(models.TextChoices):
    """The seeds' own factors of a healthy partnership (seed 1, steps 1–6; seed 2)."""

    SHARED_GOALS = "shared_goals", _("Shared goals and values")
    TRUST = "trust", _("Trust and transparency")
    COMMUNICATION = "communication", _("Communication")
    STRENGTHS = "strengths", _("Use of each other's strengths")
    EXPECTATIONS = "expectations", _("Clear expectations")
    LEADERSHIP = "leadership", _("Leadership development")
    NETWORK = "network", _("Network")
    DIVERSITY = "diversity", _("Diversity")
    INNOVATION = "innovation", _("Innovation")
    SUSTAINABILITY = "sustainability", _("Sustainability")


# --- Evaluations -----------------------------------------------------------------------


class EvaluationQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> EvaluationQuerySet:
        # A mentor sees the evaluations they fill in; a coordinator those of their scope.
        own = Q(evaluator=user) if is_mentor(user) else None
        return _in_scope(self, user, _subjects(user), own)

    def open(self) -> EvaluationQuerySet:
        return self.filter(status__in=Evaluation.OPEN_STATUSES)

    def done(self) -> EvaluationQuerySet:
        return self.exclude(status__in=Evaluation.OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> EvaluationQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def not_started(self) -> EvaluationQuerySet:
        return self.filter(status=Evaluation.Status.SCHEDULED)

    def with_subjects(self) -> EvaluationQuerySet:
        # A pair's cadre and mentor come in a second query: with them, the statement joined
        # nine tables, and PostgreSQL took 7–8 ms to plan it, more than the rows took to
        # read at 1 million evaluations (issue 7).
        pairs = apps.get_model("programs", "Mentorship").objects.select_related(
            "enrolment__cadre", "mentor__user"
        )
        return self.select_related("agreement", "program", "evaluator").prefetch_related(
            Prefetch("mentorship", queryset=pairs)
        )


class Evaluation(Placed):
    """An evaluation of one subject; its office is its subject's (`Placed`)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        MIDPOINT = "midpoint", _("Mid-point")
        FINAL = "final", _("Final")

    OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)

    agreement = models.ForeignKey(
        "partners.Agreement",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("agreement"),
    )
    program = models.ForeignKey(
        "programs.Program",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("program"),
    )
    mentorship = models.ForeignKey(
        "programs.Mentorship",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("mentorship"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    period_start = models.DateField(_("period start"), validators=limits.PLANNED_DATE)
    period_end = models.DateField(_("period end"), validators=limits.PLANNED_DATE)
    due_date = models.DateField(_("due date"), validators=limits.PLANNED_DATE)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations_to_fill",
        verbose_name=_("evaluator"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    # Made by the planner, so the planner may move or remove it while not started;
    # one added by hand (in the admin) is never touched by re-planning.
    planned = models.BooleanField(_("planned from the cadence"), default=False)
    findings = limits.bounded_text(_("findings"))
    review_comment = limits.bounded_text(_("review comment"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The office is the subject's, copied by the database: its history is the subject's.
    history = HistoricalRecords(excluded_fields=["organisation", "unit"])

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            # Exactly one subject: an agreement, a program or a mentorship.
            models.CheckConstraint(
                condition=(
                    Q(agreement__isnull=False, program__isnull=True, mentorship__isnull=True)
                    | Q(agreement__isnull=True, program__isnull=False, mentorship__isnull=True)
                    | Q(agreement__isnull=True, program__isnull=True, mentorship__isnull=False)
                ),
                name="evaluation_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_ends_after_start",
            ),
            # Due once the period has begun; the planner never plans it otherwise.
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("period_start")),
                name="evaluation_due_after_period_start",
            ),
            *limits.date_range_checks("evaluation", ["period_start", "period_end", "due_date"]),
            *limits.text_length_checks(
                "evaluation", dict.fromkeys(["findings", "review_comment"], LONG_TEXT)
            ),
            # Planning twice plans nothing new: one evaluation per subject and period.
            models.UniqueConstraint(
                fields=["agreement", "period_start", "period_end"],
                name="evaluation_once_per_agreement_period",
            ),
            models.UniqueConstraint(
                fields=["program", "kind"], name="evaluation_once_per_program_kind"
            ),
            models.UniqueConstraint(
                fields=["mentorship", "kind"], name="evaluation_once_per_mentorship_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The evaluation list's sorts (keyset pagination walks them).
            models.Index(fields=["due_date", "id"], name="evaluation_due_idx"),
            # An office's evaluations by due date, and their count (issue 17).
            models.Index(fields=["unit", "due_date", "id"], name="evaluation_unit_due_idx"),
            models.Index(fields=["status", "id"], name="evaluation_status_idx"),
            models.Index(fields=["period_start", "id"], name="evaluation_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {date_format(self.period_start)} – {date_format(self.period_end)}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:evaluation_detail", args=[self.pk])

    @property
    def subject(self) -> models.Model:
        return self.agreement or self.program or self.mentorship

    @property
    def subject_type(self) -> str:
        if self.agreement_id:
            return "agreement"
        return "program" if self.program_id else "mentorship"

    @property
    def subject_label(self) -> str:
        labels = {"agreement": _("Agreement"), "program": _("Program"), "mentorship": _("Mentee")}
        return str(labels[self.subject_type])

    def responsible_record(self) -> models.Model:
        """What the subject belongs to (organisation, unit): the agreement, the program, or
        for a pair the cadre, whose records follow the cadre's unit."""
        if self.agreement_id:
            return self.agreement
        if self.program_id:
            return self.program
        return self.mentorship.enrolment.cadre

    def named_coordinator_id(self) -> int | None:
        """The coordinator the subject names (for a pair, the pair's program's)."""
        if self.agreement_id:
            return self.agreement.coordinator_id
        if self.program_id:
            return self.program.coordinator_id
        return self.mentorship.enrolment.program.coordinator_id

    def coordinator(self) -> User | None:
        """Who reviews this evaluation and is told when it is overdue: the coordinator
        responsible for its subject (`responsible_coordinator`)."""
        return responsible_coordinator(self.named_coordinator_id(), self.responsible_record())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaits_review(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days


def responsible_coordinator(named_id: int | None, record) -> User | None:
    """The coordinator responsible for `record` (with `organisation_id` and `unit_id`): the
    named one while they still hold a coordinator membership covering it (its organisation, at
    its unit or above); otherwise the coordinator of the nearest office at or above its unit
    in its organisation (the longest unit path, then the oldest membership). Only active
    people count. The reminder sweep's SQL (`reminders._with_responsible`) is the same rule."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Length

    from jurisdictions.models import Membership, Unit

    unit = Unit.objects.filter(pk=record.unit_id).first()
    if unit is None:
        return None
    offices = Unit.objects.filter(Q(pk=unit.pk) | Q(pk__in=Unit.objects.above(unit).values("pk")))
    covering = Membership.objects.filter(
        role=Membership.Role.COORDINATOR,
        organisation_id=record.organisation_id,
        unit__in=offices,
        user__is_active=True,
    )
    if named_id is not None and covering.filter(user_id=named_id).exists():
        return get_user_model().objects.filter(pk=named_id).first()
    nearest = (
        covering.select_related("user")
        .annotate(depth=Length("unit__path"))
        .order_by("-depth", "pk")
        .first()
    )
    return nearest.user if nearest else None


class IndicatorResult(models.Model):
    """The actual value of one success indicator at the end of an evaluation's period."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="indicator_results", verbose_name=_("evaluation")
    )
    indicator = models.ForeignKey(
        "partners.SuccessIndicator",
        models.CASCADE,
        related_name="results",
        verbose_name=_("success indicator"),
    )
    actual = models.DecimalField(
        _("actual value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_id"]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="indicator_result_once_per_evaluation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual}"

    @property
    def attainment(self) -> Decimal | None:
        return attainment(self.indicator, self.actual)


def attainment(indicator, actual: Decimal | None) -> Decimal | None:
    """How far from baseline to target the actual value got, in percent.

    Direction-aware: when lower is better, falling below the baseline is progress.
    100 means the target is reached; it may exceed 100 or fall below 0.
    """
    if actual is None:
        return None
    span = indicator.target - indicator.baseline
    if indicator.direction == "lower":
        span, gained = indicator.baseline - indicator.target, indicator.baseline - actual
    else:
        gained = actual - indicator.baseline
    if span == 0:
        return None
    return (Decimal(100) * gained / span).quantize(Decimal("1"))


class HealthRating(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="ratings", verbose_name=_("evaluation")
    )
    factor = models.CharField(_("factor"), max_length=20, choices=HealthFactor.choices)
    score = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = poor, 5 = excellent; leave empty if it does not apply."),
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("health rating")
        verbose_name_plural = _("health ratings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "factor"], name="rating_once_per_factor"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="rating_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_factor_display()}: {self.score or '—'}"


class ActionItemQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        own = Q(owner=user) | Q(evaluation__evaluator=user) if is_mentor(user) else None
        return _in_scope(self, user, _subjects(user, "evaluation__"), own)

    def open(self) -> ActionItemQuerySet:
        return self.filter(done=False)

    def past_due(self, today: dt.date | None = None) -> ActionItemQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class ActionItem(GuardedModel):
    """An adjustment agreed in an evaluation (seed step 6, "Evaluasi dan Penyesuaian")."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="action_items", verbose_name=_("evaluation")
    )
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), validators=limits.PLANNED_DATE)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = limits.date_range_checks("action_item", ["due_date"])

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        # The date it was done is a fact we keep; unticking clears it.
        if self.done and not self.done_on:
            self.done_on = timezone.localdate()
        elif not self.done:
            self.done_on = None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # An adjustment follows the evaluation that agreed it: never due before its period.
        if self.due_date and self.evaluation_id:
            start = self.evaluation.period_start
            if self.due_date < start:
                raise ValidationError(
                    {
                        "due_date": ValidationError(
                            _("This is before the evaluated period starts (%(date)s)."),
                            code="before_period",
                            params={"date": date_format(start)},
                        )
                    }
                )


# --- Reminders -------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    DUE_IN_7 = "due_in_7", _("Evaluation due in 7 days")
    DUE_IN_1 = "due_in_1", _("Evaluation due tomorrow")
    DUE_TODAY = "due_today", _("Evaluation due today")
    OVERDUE = "overdue", _("Evaluation overdue")
    OVERDUE_ESCALATION = "overdue_escalation", _("Evaluation overdue (to the coordinator)")
    SUBMITTED = "submitted", _("Evaluation submitted for review")
    ACTION_OVERDUE = "action_overdue", _("Action item past its due date")
    AGREEMENT_ENDING = "agreement_ending", _("Agreement ending soon")
    AGREEMENT_LAPSED = "agreement_lapsed", _("Agreement ended: its end date passed")
    MENTEE_STALE = "mentee_stale", _("Mentee not met for 30 days")
    MENTEE_NEW = "mentee_new", _("New mentee paired with you")


# What a reminder's raw `last_error` (the SMTP exception, or why it was not sent) means,
# in words a coordinator understands; the raw text stays for admins (Django admin).
REMINDER_PROBLEMS = [
    ("SMTPRecipientsRefused", _("The mail server refused the recipient address.")),
    ("SMTPSenderRefused", _("The mail server refused our sender address.")),
    ("SMTPAuthenticationError", _("The mail server refused our login.")),
    ("SMTPDataError", _("The mail server refused the message.")),
    ("SMTPServerDisconnected", _("The mail server closed the connection.")),
    ("SMTPConnectError", _("The mail server could not be reached.")),
    ("ConnectionRefusedError", _("The mail server could not be reached.")),
    ("ConnectionResetError", _("The mail server closed the connection.")),
    ("TimeoutError", _("The mail server did not answer in time.")),
    ("gaierror", _("The mail server name could not be found.")),
    ("The recipient has no active e-mail address", _("The recipient has no e-mail address.")),
    ("The recipient turned this reminder off", _("The recipient turned this reminder off.")),
    ("The evaluation was submitted meanwhile", _("The evaluation was submitted meanwhile.")),
    ("The action item was done meanwhile", _("The action item was done meanwhile.")),
    ("The agreement is no longer lapsed", _("The agreement is no longer lapsed.")),
    ("The pairing ended meanwhile", _("The pairing ended meanwhile.")),
    ("The worker stopped while sending", _("Sending was interrupted.")),
    ("No confirmed mobile number", _("The recipient has no confirmed mobile number.")),
    ("Channel off", _("This channel is not set up on this Kader.")),
    ("Delivery failed", _("The provider reported that the message was not delivered.")),
]

# A provider's failure (core.messaging's reasons), stored as "<channel>: <reason>: <detail>".
PROVIDER_PROBLEMS = {
    "unreachable": _("%(channel)s could not reach this number."),
    "rejected": _("%(channel)s rejected the message."),
    "refused": _("%(channel)s refused our credentials."),
    "rate limited": _("%(channel)s asked us to wait; it is sent again later."),
    "timeout": _("%(channel)s did not answer in time."),
    "unavailable": _("%(channel)s could not be reached."),
}


class Channel(models.TextChoices):
    """How a reminder reaches its recipient; each is a backend in evaluations.channels."""

    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class Delivery(models.TextChoices):
    """What the provider reported after accepting the message, in order."""

    SENT = "sent", _("Sent to the phone")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Not delivered")


DELIVERY_ORDER = {"": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


class ReminderQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> ReminderQuerySet:
        """Everyone sees the reminders sent to them; a coordinator also those about the
        records their offices are responsible for: by the reminder's own office, which is its
        subject's (`Placed`: the evaluation's, the action item's evaluation's, the
        agreement's, the pair's cadre's). An agreement shared with an office is the owners'
        to remind about (they alone change it), so its reminders stay in the owners' list."""
        if not user.is_authenticated:
            return self.none().scoped()
        scope = scope_of(user)
        subjects = None if scope.is_empty else scope.q()
        return _in_scope(self, user, subjects, Q(recipient=user))

    def sendable(self, now: dt.datetime) -> ReminderQuerySet:
        return self.filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now)

    def received_by(self, user: User) -> ReminderQuerySet:
        """The person's own inbox: what was sent to them, on any channel."""
        return self.filter(recipient=user, status=Reminder.Status.SENT).scoped()

    def unread(self) -> ReminderQuerySet:
        return self.filter(seen_at__isnull=True)


class Reminder(Placed):
    """One message that must go out exactly once on its channel: the outbox row comes
    first. When a channel fails for good, a new row for the next channel points back to
    it (`fell_back_from`), so each row is one reminder on one channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    # What the reminder is about, as one comparable key for the unique constraint
    # ("evaluation:12"); NULL foreign keys would never collide in a UNIQUE index.
    subject_key = models.CharField(_("subject"), max_length=40, editable=False)
    for_date = models.DateField(_("for the date"))
    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    action_item = models.ForeignKey(
        ActionItem, models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    agreement = models.ForeignKey(
        "partners.Agreement", models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    mentorship = models.ForeignKey(
        "programs.Mentorship", models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    fell_back_from = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="fallbacks",
        verbose_name=_("instead of"),
    )
    # The provider's id of the message (WhatsApp's wamid, the SMS gateway's id), by which
    # its delivery callbacks find the row.
    provider_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, blank=True, default=""
    )
    delivery_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)
    seen_at = models.DateTimeField(_("opened in Kader at"), null=True, blank=True)
    # The office is the subject's, copied by the database: its history is the subject's.
    history = HistoricalRecords(excluded_fields=["organisation", "unit"])

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-for_date", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject_key", "for_date"],
                condition=Q(fell_back_from__isnull=True),
                name="reminder_once_per_kind_recipient_subject_date",
            ),
            models.UniqueConstraint(
                fields=["fell_back_from", "channel"],
                condition=Q(fell_back_from__isnull=False),
                name="reminder_fallback_once_per_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            # An office's reminders in the list's order, and their count (issue 17); the
            # whole list's order, walked for a national coordinator.
            models.Index(fields=["unit", "for_date", "id"], name="reminder_unit_date_idx"),
            models.Index(fields=["for_date", "id"], name="reminder_date_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(status="sent", seen_at__isnull=True),
                name="reminder_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.for_date})"

    @property
    def subject(self) -> models.Model | None:
        """What the reminder is about: an evaluation, action item, agreement or pair."""
        return self.evaluation or self.action_item or self.agreement or self.mentorship

    def problem(self) -> str:
        """Why it failed or was not sent, in the reader's language; empty if nothing."""
        if not self.last_error:
            return ""
        for start, words in REMINDER_PROBLEMS:
            if self.last_error.startswith(start):
                return str(words)
        channel, _sep, rest = self.last_error.partition(": ")
        if channel in (Channel.WHATSAPP, Channel.SMS):
            words = PROVIDER_PROBLEMS.get(rest.partition(": ")[0])
            if words:
                return str(words) % {"channel": Channel(channel).label}
            return str(_("The message could not be sent."))
        return str(_("The e-mail could not be sent."))

    def action_url(self) -> str:
        """The page where the person acts on it."""
        if self.evaluation_id:
            return self.evaluation.get_absolute_url()
        if self.action_item_id:
            return self.action_item.evaluation.get_absolute_url()
        if self.agreement_id:
            return self.agreement.get_absolute_url()
        return self.mentorship.get_absolute_url()

    @property
    def idempotency_key(self) -> str:
        """Sent to the provider with the message: a resend of this row is the same message."""
        return f"kader-reminder-{self.pk}"

    def delivery_words(self) -> str:
        return self.get_delivery_display() if self.delivery else ""

    @property
    def message_id(self) -> str:
        # Derived from the row: a copy sent twice (crash after the SMTP server accepted,
        # before the row was marked) carries the same id and can be recognised.
        return f"<reminder-{self.pk}@kader>"


class ReminderPreference(models.Model):
    """A user's reminder language, the kinds they turned off, and each kind's channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("e-mail language"), max_length=5, choices=settings.LANGUAGES, default="id"
    )
    muted_kinds = models.JSONField(_("reminders turned off"), default=list, blank=True)
    # {kind: channel} for the kinds not sent by e-mail.
    channels = models.JSONField(_("channels"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return kind not in self.muted_kinds

    def channel_for(self, kind: str) -> str:
        return (
            self.channels.get(kind, Channel.EMAIL) if isinstance(self.channels, dict) else "email"
        )
