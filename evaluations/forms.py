"""Forms for filling in, reviewing and planning evaluations. Forms never send mail."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATOR, MENTOR
from core import limits
from core.autocomplete import AutocompleteSelect
from evaluations import channels
from evaluations.models import (
    ActionItem,
    Channel,
    Evaluation,
    HealthFactor,
    HealthRating,
    IndicatorResult,
    ReminderKind,
    ReminderPreference,
)
from jurisdictions.models import Membership, Unit
from partners.models import Agreement
from programs.models import Mentorship, Program

SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


def person_label(person) -> str:
    # The name people know each other by, and the username that tells two Budis apart.
    name = person.get_full_name()
    return f"{name} ({person.username})" if name else person.username


def people_with_a_role():
    """Who may own an action item or evaluate: coordinators and mentors."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=(COORDINATOR, MENTOR)) | Q(is_staff=True), is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class FindingsForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "findings": _("What went well, what did not, and why. Shown in the report."),
        }


class IndicatorResultForm(forms.ModelForm):
    class Meta:
        model = IndicatorResult
        fields = ["actual", "note"]
        widgets = {"actual": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"})}


class HealthRatingForm(forms.ModelForm):
    score = forms.TypedChoiceField(
        label=_("Rating"), choices=SCORES, coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = HealthRating
        fields = ["score", "comment"]


def owner_choices(evaluation: Evaluation) -> QuerySet:
    """Who may own one of `evaluation`'s action items: the people concerned, not everyone.

    An action item is an adjustment the evaluation agreed on, so it goes to someone who
    took part in it or runs it: the evaluator; the subject's coordinator (the agreement's
    or the program's, for a pair the pair's program's); the pair's mentor; every
    coordinator responsible for the subject (a coordinator membership in its organisation
    at its unit or above: the offices that run it, not a sibling district's, and not the
    60,000 mentors listing everyone meant at national scale). Admins run the system, not
    the programme: one who also coordinates is in the coordinator group. A program evaluation
    does not offer the program's mentors (hundreds in a big program): a follow-up for one
    pair belongs in that pair's evaluation. Whoever already owns one of the evaluation's
    items stays a choice, even if they have left, so that saving the form again keeps it.
    """
    # The ids first (a UNION, each part on its own index), then the users by primary key:
    # an OR of joins, or of subqueries tested row by row, went through all 60,000 users.
    User = get_user_model()
    # Through the evaluation's own related manager: its items, whoever may see them.
    current = evaluation.action_items.values("owner")
    record = evaluation.responsible_record()  # with_subjects(): no query
    offices = Unit.objects.filter(
        Q(pk=record.unit_id)
        | Q(children__pk=record.unit_id)
        | Q(children__children__pk=record.unit_id)
    ).values("pk")
    responsible = Membership.objects.filter(
        role=Membership.Role.COORDINATOR,
        organisation_id=record.organisation_id,
        unit__in=offices,
        user__groups__name=COORDINATOR,
    ).values("user")
    parts = [
        User.objects.filter(pk=evaluation.evaluator_id).values("pk"),
        responsible,
        Agreement.objects.filter(pk=evaluation.agreement_id).values("coordinator"),
        Program.objects.filter(pk=evaluation.program_id).values("coordinator"),
        Mentorship.objects.filter(pk=evaluation.mentorship_id).values("mentor__user"),
        Mentorship.objects.filter(pk=evaluation.mentorship_id).values(
            "enrolment__program__coordinator"
        ),
        current,
    ]
    ids = [row["pk"] for row in parts[0].union(*(part.order_by() for part in parts[1:]))]
    return (
        User.objects.filter(pk__in=ids)
        .filter(Q(is_active=True) | Q(pk__in=current))
        .order_by("first_name", "last_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    """A choice among people fetched once for a whole formset.

    ModelChoiceField queries its queryset once per form to render and once more per form
    to validate; here every form of the formset shares one list, and a submitted id that
    is not in it gets the field's "invalid choice" error, as with a queryset.
    """

    def __init__(self, people: list, **kwargs) -> None:
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)
        self.people = {str(person.pk): person for person in people}
        self.choices = [
            ("", self.empty_label),
            *((person.pk, self.label_from_instance(person)) for person in people),
        ]

    def label_from_instance(self, person) -> str:
        return person_label(person)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        person = self.people.get(str(getattr(value, "pk", value)))
        if person is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return person


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date", "done"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, people: list, **kwargs) -> None:
        """`people`: `list(owner_choices(evaluation))`, fetched once for the formset."""
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        # A forged owner id outside this list is refused by the field itself.
        self.fields["owner"] = PersonChoiceField(
            people, label=owner.label, help_text=owner.help_text, required=owner.required
        )
        limits.limit_date_inputs(self)


TAMPERED = _(
    "This part of the form was changed outside the page and cannot be saved. "
    "Reload the page and fill it in again."
)


class FixedRowsFormSet(forms.BaseModelFormSet):
    """Rows the evaluation made itself (one per indicator, one per health factor): the page
    edits them and never adds one. A form count above the rows there are, or a row of
    another evaluation, is a form changed outside the page: refused with a message on the
    page (an invented row used to reach the database without its evaluation: a 500)."""

    def clean(self) -> None:
        super().clean()
        rows = len(self.get_queryset())
        counts = (self.total_form_count(), self.initial_form_count())
        # Fewer forms than rows is allowed: a row added (an indicator) since the page was
        # shown is simply not part of this post.
        if any(count > rows or count < 0 for count in counts):
            raise ValidationError(TAMPERED, code="tampered")


# absolute_max: TOTAL_FORMS comes from the browser; without a cap a forged count builds
# and renders up to 2,000 forms in one request. An agreement has at most 30 indicators
# (partners.forms.IndicatorFormSet) and there are 10 health factors.
IndicatorResultFormSet = forms.modelformset_factory(
    IndicatorResult,
    form=IndicatorResultForm,
    formset=FixedRowsFormSet,
    edit_only=True,
    extra=0,
    can_delete=False,
    max_num=30,
    absolute_max=30,
)
HealthRatingFormSet = forms.modelformset_factory(
    HealthRating,
    form=HealthRatingForm,
    formset=FixedRowsFormSet,
    edit_only=True,
    extra=0,
    can_delete=False,
    max_num=len(HealthFactor.values),
    absolute_max=len(HealthFactor.values),
)


class OwnRowsInlineFormSet(forms.BaseInlineFormSet):
    """A row's hidden id is one of this evaluation's own rows: Django checks it against
    every row of the table (the model's default manager), which the scope guard refuses
    and which would accept another evaluation's id; here it is "not a valid choice"."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        pk = self.model._meta.pk.name
        if isinstance(form.fields.get(pk), forms.ModelChoiceField):
            form.fields[pk].queryset = self.get_queryset()


ActionItemFormSet = forms.inlineformset_factory(
    Evaluation,
    ActionItem,
    form=ActionItemForm,
    formset=OwnRowsInlineFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    absolute_max=30,
)


class ReviewForm(forms.Form):
    """The coordinator's decision on a submitted evaluation. Accepting it may add one
    adjustment the review agreed on (seed step 6): an action item with its owner and due
    date, saved with the decision in one transaction (services.evaluation_review)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the evaluation")), ("send_back", _("Send it back"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending it back: say what must change."),
    )
    action = forms.CharField(
        label=_("Action item agreed at the review"),
        required=False,
        max_length=ActionItem._meta.get_field("description").max_length,
        help_text=_("Optional, when accepting: an adjustment someone will carry out."),
    )
    action_due_date = forms.DateField(
        label=_("Due date of the action item"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=limits.PLANNED_DATE,
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        # Fetched only when the form is shown or posted, never for a page that lacks it.
        self.fields["action_owner"] = PersonChoiceField(
            list(owner_choices(evaluation)),
            label=_("Owner of the action item"),
            required=False,
        )
        order = ["decision", "comment", "action", "action_owner", "action_due_date"]
        self.order_fields(order)
        limits.limit_date_inputs(self)
        self.fields["action_due_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "send_back" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what must change before sending it back."))
        self._clean_action(data)
        return data

    def _clean_action(self, data: dict) -> None:
        described = bool(data.get("action", "").strip())
        owner, due = data.get("action_owner"), data.get("action_due_date")
        if not (described or owner or due or self.errors.get("action_due_date")):
            return
        if data.get("decision") == "send_back":
            self.add_error(
                "action",
                _("An action item is agreed when accepting; send it back without one."),
            )
            return
        if not described:
            self.add_error("action", _("Say what is to be done."))
        if not owner and "action_owner" not in self.errors:
            self.add_error("action_owner", _("Choose who will do it."))
        if not due and "action_due_date" not in self.errors:
            self.add_error("action_due_date", _("Give the date it is due."))
        elif due and due < timezone.localdate():
            self.add_error("action_due_date", _("The due date cannot be in the past."))

    def action_item(self) -> dict | None:
        """The action item to create with the decision, or None."""
        data = self.cleaned_data
        if data["decision"] != "accept" or not data.get("action", "").strip():
            return None
        return {
            "description": data["action"].strip(),
            "owner": data["action_owner"],
            "due_date": data["action_due_date"],
        }


class PlanForm(forms.ModelForm):
    """The coordinator's adjustments to a planned evaluation: who, and by when."""

    class Meta:
        model = Evaluation
        fields = ["evaluator", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        evaluator = self.fields["evaluator"]
        # 60,000 mentors at national scale: typed, never listed. Before the queryset:
        # setting it hands the widget its choices.
        evaluator.widget = AutocompleteSelect("evaluations:evaluator_lookup")
        evaluator.queryset = people_with_a_role()
        evaluator.label_from_instance = person_label
        limits.limit_date_inputs(self)
        if self.instance.period_start:
            self.fields["due_date"].widget.attrs["min"] = self.instance.period_start.isoformat()

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < self.instance.period_start:
            raise forms.ValidationError(_("The due date cannot be before the period starts."))
        return due


class PreferenceForm(forms.ModelForm):
    """The language of reminders, the kinds wanted, and the channel of each kind. A channel
    whose provider is not set up says so in its label and is refused at its field, as is a
    mobile channel before the person confirmed their number."""

    wanted = forms.MultipleChoiceField(
        label=_("Send me these reminders"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReminderPreference
        fields = ["language"]
        labels = {"language": _("Language of reminders")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        muted = set(self.instance.muted_kinds)
        self.initial["wanted"] = [k for k in ReminderKind.values if k not in muted]
        enabled = set(channels.enabled_channels())
        self.confirmed = bool(channels.confirmed_number(self.instance.user))
        choices = [
            (value, label if value in enabled else _("%(channel)s (off)") % {"channel": label})
            for value, label in Channel.choices
        ]
        for kind, label in ReminderKind.choices:
            self.fields[f"channel_{kind}"] = forms.ChoiceField(
                label=_("%(kind)s: send by") % {"kind": label},
                choices=choices,
                initial=self.instance.channel_for(kind),
            )

    def channel_fields(self) -> list:
        return [self[f"channel_{kind}"] for kind in ReminderKind.values]

    def clean(self):
        cleaned = super().clean()
        enabled = set(channels.enabled_channels())
        for kind in ReminderKind.values:
            name = f"channel_{kind}"
            channel = cleaned.get(name)
            if not channel or channel == Channel.EMAIL:
                continue
            label = Channel(channel).label
            if channel not in enabled:
                self.add_error(
                    name,
                    _("%(channel)s is off on this Kader: choose another.") % {"channel": label},
                )
            elif not self.confirmed:
                self.add_error(
                    name,
                    _(
                        "Confirm your mobile number first (Mobile number page), "
                        "then choose %(channel)s."
                    )
                    % {"channel": label},
                )
        return cleaned

    def save(self, commit: bool = True) -> ReminderPreference:
        wanted = set(self.cleaned_data["wanted"])
        self.instance.muted_kinds = [k for k in ReminderKind.values if k not in wanted]
        self.instance.channels = {
            kind: self.cleaned_data[f"channel_{kind}"]
            for kind in ReminderKind.values
            if self.cleaned_data[f"channel_{kind}"] != Channel.EMAIL
        }
        return super().save(commit)
