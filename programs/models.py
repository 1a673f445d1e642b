"""Programs, the cadres they develop, and the mentoring that happens inside them.

Access is decided in one place per model: each QuerySet's `visible_to(user)`. Views get
every object through it, so an object a user may not see answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from accounts.roles import is_mentor
from core import limits
from core.scoping import GuardedModel, GuardedQuerySet
from jurisdictions.models import Jurisdictional, Placed
from jurisdictions.scope import scope_of

if TYPE_CHECKING:
    from accounts.roles import User

# A mentor may change a session they logged for this long; after that it is the record.
SESSION_EDIT_WINDOW = dt.timedelta(days=14)
# A mentee not met for longer than this shows a warning on the mentor's home.
MENTEE_STALE_AFTER = dt.timedelta(days=30)
SESSION_MIN_MINUTES = 5
SESSION_MAX_MINUTES = 600


def sees_everything(user: User) -> bool:
    """Coordinators and admins run the programme in their scope: whether this user has one."""
    return not scope_of(user).is_empty


def _visible(
    rows: models.QuerySet,
    user: User,
    prefix: str,
    mentors_own: Q | None = None,
    *,
    with_above: bool = False,
) -> models.QuerySet:
    """The one shape of every `visible_to` here: the rows in the user's scope (reached
    through `prefix`), and for a mentor also `mentors_own`."""
    scope = scope_of(user)
    if scope.everything:
        return rows.scoped()
    condition = None if scope.is_empty else scope.q(prefix, with_above=with_above)
    if mentors_own is not None and is_mentor(user):
        condition = mentors_own if condition is None else condition | mentors_own
    return (rows.none() if condition is None else rows.filter(condition)).scoped()


def partners_mentored_by(user: User) -> models.QuerySet:
    """The ids of the partners in programs where `user` mentors a cadre: what partners'
    visible_to asks for a mentor (registered in apps.py; partners cannot look upward)."""
    return Program.partners.through.objects.filter(
        program__enrolments__mentorships__mentor__user=user
    ).values("partner_id")


class ProgramQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> ProgramQuerySet:
        mentored = Enrolment.objects.filter(mentorships__mentor__user=user).values("program_id")
        return _visible(self, user, "", Q(pk__in=mentored))

    def running(self) -> ProgramQuerySet:
        return self.filter(status=Program.Status.RUNNING)

    def with_seats_taken(self) -> ProgramQuerySet:
        return self.annotate(
            seats_taken_count=Count(
                "enrolments",
                filter=Q(enrolments__status__in=Enrolment.SEAT_STATUSES),
                distinct=True,
            )
        )


class Program(Jurisdictional):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        MENTORING = "mentoring", _("Mentoring")
        PRACTICAL = "practical", _("Practical experience")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for enrolment")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    agreements = models.ManyToManyField(
        "partners.Agreement",
        verbose_name=_("agreements"),
        related_name="programs",
        blank=True,
        help_text=_("The partnership agreements this program runs under."),
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("partners"),
        related_name="programs",
        blank=True,
        help_text=_("Partners that take part: trainers, hosts, funders, mentors."),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_programs",
        null=True,
        blank=True,
    )
    start_date = models.DateField(_("start date"), validators=limits.PLANNED_DATE)
    end_date = models.DateField(_("end date"), validators=limits.PLANNED_DATE)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_("How many cadres can take part (applied, active and completed)."),
    )
    is_online = models.BooleanField(_("online"), default=False)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Venue and city, if in person.")
    )
    objectives = limits.bounded_text(_("objectives"))
    description = limits.bounded_text(_("description"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
            ),
            *limits.date_range_checks("program", ["start_date", "end_date"]),
            *limits.text_length_checks(
                "program", dict.fromkeys(["objectives", "description"], limits.LONG_TEXT)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start.")
        if not self.is_online and not self.place.strip():
            errors["place"] = _("Say where it takes place, or mark it online.")
        if errors:
            raise ValidationError(errors)

    def seats_taken(self) -> int:
        if hasattr(self, "seats_taken_count"):
            return self.seats_taken_count
        return self.enrolments.filter(status__in=Enrolment.SEAT_STATUSES).count()

    def seats_free(self) -> int:
        return max(self.capacity - self.seats_taken(), 0)

    def is_full(self) -> bool:
        return self.seats_taken() >= self.capacity


# --- Cadres ---------------------------------------------------------------------------


class CadreQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> CadreQuerySet:
        mentored = Enrolment.objects.filter(mentorships__mentor__user=user).values("cadre_id")
        return _visible(self, user, "", Q(pk__in=mentored))


class Cadre(Jurisdictional):
    class Stage(models.TextChoices):
        # The leadership pipeline: identify, develop, prepare (seed 1).
        CANDIDATE = "candidate", _("Candidate")
        PARTICIPANT = "participant", _("Participant")
        ALUMNI = "alumni", _("Alumni")
        LEADER = "leader", _("Leader / mentor")

    class Education(models.TextChoices):
        SECONDARY = "secondary", _("Secondary school (SMA/SMK)")
        DIPLOMA = "diploma", _("Diploma (D1–D4)")
        BACHELOR = "bachelor", _("Bachelor (S1)")
        MASTER = "master", _("Master (S2)")
        DOCTORATE = "doctorate", _("Doctorate (S3)")
        OTHER = "other", _("Other")

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(
        _("phone"), blank=True, help_text=_("08… or +62…; stored in one form (+62…).")
    )
    province = models.ForeignKey(
        "partners.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="cadres",
        null=True,
        blank=True,
    )
    city = models.ForeignKey(
        "partners.Region",
        verbose_name=_("regency / city"),
        on_delete=models.PROTECT,
        related_name="cadres",
        null=True,
        blank=True,
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    education_detail = models.CharField(
        _("field of study and institution"), max_length=200, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    # A cadre's home organisation is often a partner, but just as often a school, a
    # village office or a youth group that will never be one: both are allowed.
    home_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("home organisation (partner)"),
        on_delete=models.SET_NULL,
        related_name="home_cadres",
        null=True,
        blank=True,
    )
    home_organisation = models.CharField(
        _("home organisation (other)"),
        max_length=200,
        blank=True,
        help_text=_("When the cadre's organisation is not a partner."),
    )
    stage = models.CharField(
        _("pipeline stage"), max_length=20, choices=Stage.choices, default=Stage.CANDIDATE
    )
    development_focus = limits.bounded_text(
        _("development focus"),
        limits.DEVELOPMENT_FOCUS,
        help_text=_("What the cadre wants to grow in; used to suggest mentors."),
    )
    notes = limits.bounded_text(_("notes"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["full_name"]
        # The directory's order: its first and deep pages walk this index (issue 7).
        # The other sorts of the directory walk an index each too (keyset pagination).
        indexes = [
            models.Index(fields=["full_name", "id"], name="cadre_name_idx"),
            models.Index(fields=["created_at", "id"], name="cadre_created_idx"),
            models.Index(fields=["stage", "id"], name="cadre_stage_idx"),
            models.Index(fields=["province", "full_name", "id"], name="cadre_province_idx"),
            # A district's directory in name order: its office's rows, read in order (issue
            # 17: 226 ms down the name index, keeping 1 cadre in 500, before it).
            models.Index(fields=["unit", "full_name", "id"], name="cadre_unit_name_idx"),
            # The descending sort by province has its own index on PostgreSQL only
            # (cadre_province_desc_idx, programs/migrations/0005): SQLite cannot write
            # NULLS LAST in an index.
        ]
        constraints = [
            # The e-mail is what tells two imports of the same person apart.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="cadre_unique_email"
            ),
            *limits.text_length_checks(
                "cadre",
                {"development_focus": limits.DEVELOPMENT_FOCUS, "notes": limits.LONG_TEXT},
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("programs:cadre_detail", args=[self.pk])

    def clean(self) -> None:
        if self.city_id and self.province_id and self.city.province_id != self.province_id:
            raise ValidationError({"city": _("This city is not in the chosen province.")})
        if self.email:
            # unscoped: an e-mail is unique among all cadres, whoever's they are.
            clash = Cadre.objects.unscoped().filter(email__iexact=self.email).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"email": _("Another cadre already has this e-mail.")})

    @property
    def organisation_name(self) -> str:
        return self.home_partner.name if self.home_partner_id else self.home_organisation


class BackgroundField(models.Model):
    """An extra background question a coordinator adds for diversity reporting."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("question"), max_length=200)
    choices = limits.bounded_text(
        _("answers"),
        limits.BACKGROUND_CHOICES,
        help_text=_("One answer per line; leave empty for a free-text answer."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("background question")
        verbose_name_plural = _("background questions")
        ordering = ["label"]
        constraints = limits.text_length_checks(
            "background_field", {"choices": limits.BACKGROUND_CHOICES}
        )

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class CadreBackgroundQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> CadreBackgroundQuerySet:
        # Mentors never see it: it is shown per person only on the cadre's own page.
        return _visible(self, user, "cadre__")


class CadreBackground(GuardedModel):
    """Self-declared background for diversity reporting; exists only with consent.

    Without a recorded consent there is no row at all; withdrawing consent deletes it
    (see `programs.services.background_withdraw`). Reports use it only in aggregate.
    """

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    class AgeBand(models.TextChoices):
        UNDER_20 = "under_20", _("Under 20")
        A20_24 = "20_24", _("20–24")
        A25_29 = "25_29", _("25–29")
        A30_34 = "30_34", _("30–34")
        A35_44 = "35_44", _("35–44")
        A45_PLUS = "45_plus", _("45 and over")

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    class Area(models.TextChoices):
        RURAL = "rural", _("Rural")
        URBAN = "urban", _("Urban")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    cadre = models.OneToOneField(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="background"
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=20, choices=AgeBand.choices, blank=True)
    disability = models.CharField(
        _("lives with a disability"), max_length=20, choices=Answer.choices, blank=True
    )
    first_in_family_university = models.CharField(
        _("first in family at university"), max_length=20, choices=Answer.choices, blank=True
    )
    area = models.CharField(_("rural or urban"), max_length=20, choices=Area.choices, blank=True)
    extra = models.JSONField(_("other answers"), default=dict, blank=True)
    consent_given_on = models.DateField(_("consent given on"), validators=limits.PAST_DATE)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # No HistoricalRecords on purpose: a withdrawn consent must leave no copy behind.
    # Who recorded the consent and when is kept on the row itself.
    objects = CadreBackgroundQuerySet.as_manager()

    class Meta:
        verbose_name = _("background (diversity)")
        verbose_name_plural = _("backgrounds (diversity)")
        constraints = limits.date_range_checks("background", ["consent_given_on"], latest=False)

    def __str__(self) -> str:
        return str(self.cadre)


# --- Enrolment ------------------------------------------------------------------------


class EnrolmentQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> EnrolmentQuerySet:
        # An enrolment is part of the cadre's record: it follows the cadre's unit.
        mentored = Mentorship.objects.filter(mentor__user=user).values("enrolment_id")
        return _visible(self, user, "cadre__", Q(pk__in=mentored))

    def taking_seats(self) -> EnrolmentQuerySet:
        return self.filter(status__in=Enrolment.SEAT_STATUSES)


class Enrolment(GuardedModel):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        CERTIFIED = "certified", _("Completed with certificate")
        COMPLETED = "completed", _("Completed")
        PARTIAL = "partial", _("Partly completed")
        NOT_COMPLETED = "not_completed", _("Did not complete")

    # A withdrawn cadre frees the seat; everyone else holds one.
    SEAT_STATUSES = (Status.APPLIED, Status.ACTIVE, Status.COMPLETED)

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    enrolled_on = models.DateField(
        _("enrolled on"), default=timezone.localdate, validators=limits.PAST_DATE
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = limits.bounded_text(_("outcome notes"))

    history = HistoricalRecords()
    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["program", "cadre__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "cadre"], name="one_enrolment_per_program"),
            *limits.date_range_checks("enrolment", ["enrolled_on"], latest=False),
            *limits.text_length_checks("enrolment", {"outcome_notes": limits.LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.program}"

    def clean(self) -> None:
        # Enrolling ahead of the start is normal; after the program ended, it is a typo.
        if self.enrolled_on and self.program_id and self.enrolled_on > self.program.end_date:
            raise ValidationError({"enrolled_on": _("The program had ended by this date.")})

    def takes_seat(self) -> bool:
        return self.status in self.SEAT_STATUSES


# --- Mentors and mentorships ----------------------------------------------------------


class MentorProfileQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> MentorProfileQuerySet:
        # A unit's coordinators pair their cadres with the mentors of their units and of the
        # units above them (a province's or the nation's pool of mentors).
        return _visible(self, user, "", Q(user=user), with_above=True)

    def available_for(self, enrolment: Enrolment) -> MentorProfileQuerySet:
        """Mentors who take mentees and are not already this enrolment's active mentor:
        whom a coordinator may pair with it (capacity is the pairing's own question)."""
        paired = Mentorship.objects.filter(
            mentor=OuterRef("pk"), enrolment=enrolment, status=Mentorship.Status.ACTIVE
        )
        return self.filter(is_active=True).exclude(Exists(paired))

    def matching(self, term: str) -> MentorProfileQuerySet:
        """These mentors whose first or last name, username or expertise contains `term`:
        names and expertise apart, each read first without an order, at most
        LOOKUP_MATCHES of each (the trigram indexes of programs 0014 find a rare word's;
        a common word's first found are taken). A common word thus offers some of its
        matches, by name: typing more narrows, as in the enrolment form's cadre lookup.
        Ordered by name under a LIMIT, PostgreSQL misjudged the matches (2,400 guessed for
        a word no expertise holds, 6 for one in 15,000) and walked all 60,000 mentors
        (0.9 s at national scale) or sorted them all; as one OR across the join to the
        users it read them all (200–250 ms)."""
        named = (
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__username__icontains=term)
        )
        found = Q()
        for part in (self.filter(named), self.filter(expertise__icontains=term)):
            ids = part.order_by().values_list("pk", flat=True)[:LOOKUP_MATCHES]
            found |= Q(pk__in=list(ids))
        return self.filter(found)


# How many of a word's matches the mentor lookup reads, by name and by expertise each.
LOOKUP_MATCHES = 200


# The mentors' order on the list and in the lookups (user_name_idx, programs 0014).
BY_NAME = ("user__first_name", "user__last_name", "pk")


class MentorProfile(Jurisdictional):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mentor_profile",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner organisation"),
        on_delete=models.SET_NULL,
        related_name="mentor_profiles",
        null=True,
        blank=True,
    )
    expertise = models.CharField(
        _("expertise"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. public speaking, finance, community organising."),
    )
    province = models.ForeignKey(
        "partners.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="mentor_profiles",
        null=True,
        blank=True,
    )
    mentee_capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    bio = limits.bounded_text(_("about the mentor"), limits.MENTOR_BIO)
    is_active = models.BooleanField(_("takes mentees"), default=True)
    # The mentor's active pairs, kept by database triggers (programs/mentor_load.py) however
    # a pair changes: what the pairing page ranks 60,000 mentors by without counting each
    # one's pairs. The application never writes it; an instance holds the count as read.
    active_mentees_count = models.PositiveIntegerField(
        _("active mentees"), default=0, db_default=0, editable=False
    )

    # The count is the pairs' to record, not the profile's.
    history = HistoricalRecords(excluded_fields=["active_mentees_count"])
    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["user__first_name", "user__last_name", "user__username"]
        constraints = limits.text_length_checks("mentor", {"bio": limits.MENTOR_BIO})

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def expertise_list(self) -> list[str]:
        return [tag.strip() for tag in self.expertise.split(",") if tag.strip()]

    def active_mentees(self) -> int:
        return self.active_mentees_count

    def free_capacity(self) -> int:
        return self.mentee_capacity - self.active_mentees()


class MentorshipQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> MentorshipQuerySet:
        return _visible(self, user, "enrolment__cadre__", Q(mentor__user=user))

    def active(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.ACTIVE)

    def with_last_session(self) -> MentorshipQuerySet:
        return self.annotate(
            last_session_on=Max("sessions__date"),
            session_count=Count("sessions", distinct=True),
        )

    def stale(self, today: dt.date) -> MentorshipQuerySet:
        """Not met for 30 days, counted from the pairing when they never met (`is_stale` in
        SQL). "No session since the cutoff" is an anti-join, not a MAX over every pair's
        sessions: at national scale that grouped 12 million sessions."""
        cutoff = today - MENTEE_STALE_AFTER
        sessions = Session.objects.filter(mentorship=OuterRef("pk"))
        return self.filter(
            ~Exists(sessions.filter(date__gte=cutoff)),
            Q(started_on__lt=cutoff) | Exists(sessions),
        )

    def with_last_met(self, *, count: bool = False) -> MentorshipQuerySet:
        """`last_session_on` (and `session_count`) as subqueries on the sessions' (mentorship,
        date) index: for a page of pairs, where `with_last_session` would group the
        sessions of every pair before cutting the page."""
        sessions = Session.objects.filter(mentorship=OuterRef("pk"))
        last = sessions.order_by("-date").values("date")[:1]
        qs = self.annotate(last_session_on=Subquery(last))
        if count:
            counted = sessions.order_by().values("mentorship").annotate(n=Count("pk"))
            qs = qs.annotate(session_count=Coalesce(Subquery(counted.values("n")), 0))
        return qs


class Mentorship(GuardedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentorships",
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="mentorships",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(
        _("started on"), default=timezone.localdate, validators=limits.PAST_DATE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=limits.PAST_DATE)
    over_capacity = models.BooleanField(
        _("paired over capacity"),
        default=False,
        help_text=_("The coordinator confirmed this pairing beyond the mentor's capacity."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paired by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "enrolment"],
                condition=Q(status="active"),
                name="one_active_pair_per_mentor_and_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="mentorship_ends_after_start",
            ),
            *limits.date_range_checks("mentorship", ["started_on"], latest=False),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.enrolment.cadre}"

    def get_absolute_url(self) -> str:
        return reverse("programs:mentorship_detail", args=[self.pk])

    @property
    def cadre(self) -> Cadre:
        return self.enrolment.cadre

    @property
    def program(self) -> Program:
        return self.enrolment.program

    def clean(self) -> None:
        errors = {}
        program = self.enrolment.program if self.enrolment_id else None
        if self.started_on and program and self.started_on > program.end_date:
            errors["started_on"] = _("The program had ended by this date.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    def is_stale(self, today: dt.date | None = None) -> bool:
        """Not met for 30 days (counting from the pairing when they never met)."""
        today = today or timezone.localdate()
        last = getattr(self, "last_session_on", None) or self.started_on
        return today - last > MENTEE_STALE_AFTER


class DevelopmentGoalQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> DevelopmentGoalQuerySet:
        return _visible(
            self, user, "mentorship__enrolment__cadre__", Q(mentorship__mentor__user=user)
        )

    def open(self) -> DevelopmentGoalQuerySet:
        return self.filter(progress__lt=100)


class DevelopmentGoal(GuardedModel):
    mentorship = models.ForeignKey(
        Mentorship, verbose_name=_("mentorship"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=200)
    description = limits.bounded_text(_("description"))
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=limits.PLANNED_DATE
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_note = models.CharField(_("latest progress note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = DevelopmentGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")
        ordering = ["target_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_max_100"),
            *limits.date_range_checks("goal", ["target_date"]),
            *limits.text_length_checks("goal", {"description": limits.LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_achieved(self) -> bool:
        return self.progress >= 100

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.target_date and self.target_date < today and not self.is_achieved)

    def clean(self) -> None:
        # A goal is set within its mentorship: its target cannot come before the pairing.
        started = self.mentorship.started_on if self.mentorship_id else None
        if self.target_date and started and self.target_date < started:
            raise ValidationError(
                {"target_date": _("The target date cannot be before the mentoring started.")}
            )


class SessionQuerySet(GuardedQuerySet):
    def visible_to(self, user: User) -> SessionQuerySet:
        # The session's own office (`Placed`): the list filters and sorts on one index.
        return _visible(self, user, "", Q(mentorship__mentor__user=user))

    def attended(self) -> SessionQuerySet:
        return self.filter(attendance=Session.Attendance.ATTENDED)

    def minutes(self) -> int:
        return self.attended().aggregate(total=Sum("duration_minutes"))["total"] or 0


class Session(Placed):
    """One mentoring meeting, logged by the mentor. Its office is its cadre's (`Placed`)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("Phone")

    class Attendance(models.TextChoices):
        ATTENDED = "attended", _("Mentee attended")
        NO_SHOW = "no_show", _("Mentee did not come")
        CANCELLED = "cancelled", _("Cancelled")

    mentorship = models.ForeignKey(
        Mentorship, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=limits.PAST_DATE)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[
            MinValueValidator(
                SESSION_MIN_MINUTES, _("A session lasts at least %(limit_value)s minutes.")
            ),
            MaxValueValidator(
                SESSION_MAX_MINUTES, _("A session lasts at most %(limit_value)s minutes.")
            ),
        ],
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.ATTENDED
    )
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    notes = limits.bounded_text(_("notes"))
    next_steps = limits.bounded_text(_("next steps"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="logged_sessions",
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now, editable=False)

    # The office is the cadre's, copied by the database: its history is the cadre's.
    history = HistoricalRecords(excluded_fields=["organisation", "unit"])
    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ["-date", "-created_at"]
        indexes = [
            # The session list's order (-date, -pk): newest first without sorting millions.
            models.Index(fields=["date", "id"], name="session_date_idx"),
            # An office's sessions newest first, and their count (issue 17).
            models.Index(fields=["unit", "date", "id"], name="session_unit_date_idx"),
            models.Index(fields=["duration_minutes", "id"], name="session_duration_idx"),
            # A mentorship's last session in one index step (the reminder sweep's staleness
            # pass over a million mentorships, the mentor's own list).
            models.Index(fields=["mentorship", "date"], name="session_mentorship_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=SESSION_MIN_MINUTES)
                & Q(duration_minutes__lte=SESSION_MAX_MINUTES),
                name="session_duration_in_range",
            ),
            *limits.date_range_checks("session", ["date"], latest=False),
            *limits.text_length_checks(
                "session", dict.fromkeys(["notes", "next_steps"], limits.LONG_TEXT)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship.cadre} · {self.date}"

    def clean(self) -> None:
        # A date in the future is the field's own error (limits.not_in_future).
        if self.date and self.mentorship_id and self.date <= timezone.localdate():
            self.mentorship_dates_hold()

    def mentorship_dates_hold(self) -> None:
        """A session takes place while its mentorship runs."""
        pair = self.mentorship
        if self.date < pair.started_on:
            message, day = _("This is before the mentoring started (%(date)s)."), pair.started_on
        elif pair.ended_on and self.date > pair.ended_on:
            message, day = _("This is after the mentoring ended (%(date)s)."), pair.ended_on
        else:
            return
        params = {"date": date_format(day)}
        error = ValidationError(message, code="outside_mentorship", params=params)
        raise ValidationError({"date": error})

    def editable_until(self) -> dt.datetime:
        return self.created_at + SESSION_EDIT_WINDOW

    def is_editable(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until()


class PendingImportQuerySet(models.QuerySet):
    def owned_by(self, user: User) -> PendingImportQuerySet:
        return self.filter(owner=user, expires_at__gt=timezone.now())


class PendingImport(models.Model):
    """A cadre file read and waiting for its mapping and confirmation.

    Kept here rather than in the session, so a file never travels with every request of
    its owner; the id in the URL is random and only its owner finds it (others get 404).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    headers = models.JSONField(_("column names"))
    # [[row number in the sheet, [cell, …]], …]: the numbers the coordinator sees.
    rows = models.JSONField(_("rows"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending cadre import")
        verbose_name_plural = _("pending cadre imports")

    def __str__(self) -> str:
        return self.file_name

    @classmethod
    def start(cls, *, owner: User, file_name: str, headers: list, rows: list) -> PendingImport:
        """Replaces the owner's earlier file; expired files of anybody leave on the way."""
        cls.discard(owner)
        expires = timezone.now() + dt.timedelta(seconds=settings.KADER_IMPORT_KEPT_SECONDS)
        return cls.objects.create(
            owner=owner, file_name=file_name[-255:], headers=headers, rows=rows, expires_at=expires
        )

    @classmethod
    def discard(cls, owner: User) -> None:
        cls.objects.filter(Q(owner=owner) | Q(expires_at__lte=timezone.now())).delete()
