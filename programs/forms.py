"""Forms collect and check input; workflows live in `programs.services`.

Every choice of an object (mentee, program, mentor) is limited to what the user may see,
so a forged id is refused as an invalid choice instead of reaching the data.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATOR, MENTOR
from core import limits
from core.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from core.formatting import number
from core.widgets import plain_selects
from jurisdictions.forms import PlacementMixin
from partners.models import Agreement, Partner, Province, Region
from programs.models import (
    BackgroundField,
    Cadre,
    CadreBackground,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


ID_RANGE = range(-(2**63), 2**63)  # what a database integer holds


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id no database integer can hold as an invalid choice.

    PostgreSQL simply finds no such row, but SQLite (a fresh clone's database) raises
    OverflowError from `pk__in`, which Django does not turn into a field error.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                out_of_range = int(pk) not in ID_RANGE
            except (TypeError, ValueError):
                continue  # Django reports it as an invalid value
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ProgramForm(PlacementMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "kind",
            "status",
            "agreements",
            "partners",
            "coordinator",
            "start_date",
            "end_date",
            "capacity",
            "is_online",
            "place",
            "objectives",
            "description",
            "organisation",
            "unit",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            # 12,000 agreements and 20,000 partners at national scale: searched, not listed.
            "agreements": AutocompleteSelectMultiple("partners:agreement_lookup"),
            "partners": AutocompleteSelectMultiple("partners:partner_lookup"),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "agreements": ModelMultipleChoiceField,
            "partners": ModelMultipleChoiceField,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["agreements"].queryset = Agreement.objects.visible_to(user).order_by("title")
        self.fields["partners"].queryset = Partner.objects.visible_to(user).current()
        self.fields["coordinator"].queryset = get_user_model().objects.filter(
            groups__name=COORDINATOR, is_active=True
        )
        # As many coordinators and offices as the country has units (about 560 each).
        plain_selects(self, "coordinator", "organisation", "unit")
        limits.limit_date_inputs(self)

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity < self.instance.seats_taken():
            raise forms.ValidationError(
                _("%(taken)s cadres already hold a place: the capacity cannot be lower."),
                params={"taken": self.instance.seats_taken()},
            )
        return capacity


# The cadre's profile as a coordinator edits it and as admin imports/exports it.
PROFILE_FIELDS = [
    "full_name",
    "email",
    "phone",
    "province",
    "city",
    "education",
    "education_detail",
    "occupation",
    "home_partner",
    "home_organisation",
    "stage",
    "development_focus",
]


class CadreForm(PlacementMixin, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = [*PROFILE_FIELDS, "notes", "organisation", "unit"]
        widgets = {
            "home_partner": AutocompleteSelect("partners:partner_lookup"),
            "development_focus": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["home_partner"].queryset = Partner.objects.visible_to(user)
        self.fields["city"].queryset = Region.objects.select_related("province")
        # The city list narrows to the chosen province (static/js/programs.js).
        self.fields["province"].widget.attrs["data-narrows"] = "id_city"
        # 514 regencies and 553 offices: written in Python, not one template per option;
        # the regencies' names as plain tuples (as model instances, ≈ 20 ms).
        plain_selects(self, "province", "city", "organisation", "unit")
        regions = Region.objects.order_by("province__name", "name").values_list("pk", "name")
        self.fields["city"].widget.choices = [("", "---------"), *regions]


class BackgroundForm(forms.ModelForm):
    """Self-declared background; saved only when the consent box is ticked."""

    consent = forms.BooleanField(
        label=_("The cadre agreed that this information is recorded for diversity reporting."),
        required=True,
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=DateInput(), validators=[limits.not_before_earliest]
    )

    class Meta:
        model = CadreBackground
        fields = ["gender", "age_band", "disability", "first_in_family_university", "area"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra_fields = list(BackgroundField.objects.filter(is_active=True))
        stored = self.instance.extra if self.instance.pk else {}
        for question in self.extra_fields:
            self.fields[f"extra_{question.key}"] = self._extra_field(question, stored)
        self.fields["consent_given_on"].initial = (
            self.instance.consent_given_on if self.instance.pk else timezone.localdate()
        )
        limits.limit_date_inputs(self)
        self.fields["consent_given_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    @staticmethod
    def _extra_field(question: BackgroundField, stored: dict) -> forms.Field:
        initial = stored.get(question.key, "")
        if question.choice_list():
            choices = [("", "---------"), *[(c, c) for c in question.choice_list()]]
            return forms.ChoiceField(
                label=question.label, choices=choices, required=False, initial=initial
            )
        return forms.CharField(
            label=question.label, max_length=200, required=False, initial=initial
        )

    def clean_consent_given_on(self):
        day = self.cleaned_data["consent_given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return day

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["extra"] = {
            q.key: self.cleaned_data[f"extra_{q.key}"]
            for q in self.extra_fields
            if self.cleaned_data.get(f"extra_{q.key}")
        }
        return data


class BackgroundFieldForm(forms.ModelForm):
    class Meta:
        model = BackgroundField
        fields = ["label", "key", "choices", "is_active"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}


class EnrolmentCreateForm(forms.Form):
    # 1.2 million cadres at national scale: found by typing, never listed.
    cadre = forms.ModelChoiceField(
        label=_("Cadre"),
        help_text=_("Type a name. Cadres already in this program are not offered."),
        queryset=Cadre.objects.none(),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Enrolment.Status.choices if c[0] != Enrolment.Status.WITHDRAWN],
        initial=Enrolment.Status.ACTIVE,
    )

    def __init__(self, *args, program: Program, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cadre = self.fields["cadre"]
        # Before the queryset: setting it hands the widget its choices.
        cadre.widget = AutocompleteSelect("programs:enrolment_cadres", lookup_args=[program.pk])
        cadre.queryset = enrolable_cadres(program, user).select_related("province")
        cadre.label_from_instance = cadre_label


def enrolable_cadres(program: Program, user) -> QuerySet:
    """Cadres the user sees who are not in the program yet (the form and its lookup)."""
    return Cadre.objects.visible_to(user).exclude(enrolments__program=program)


def cadre_label(cadre: Cadre) -> str:
    return f"{cadre.full_name} ({cadre.province})" if cadre.province_id else cadre.full_name


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["status", "outcome", "outcome_notes"]
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") and data.get("status") in (
            Enrolment.Status.APPLIED,
            Enrolment.Status.ACTIVE,
        ):
            self.add_error("outcome", _("An outcome is recorded once the cadre has finished."))
        return data


def mentor_label(mentor: MentorProfile) -> str:
    """A mentor as the pairing's autocomplete lists them: the name, then what they know."""
    expertise = Truncator(mentor.expertise).chars(60)
    return f"{mentor} · {expertise}" if expertise else str(mentor)


class PairingForm(forms.Form):
    """A suggestion (radio buttons the page draws from the ranked suggestions) or any other
    eligible mentor found by typing (an autocomplete that renders only the chosen one).

    Both fields accept only mentors the coordinator sees who may be paired with this
    enrolment, so a forged or ineligible id is refused at its field.
    """

    mentor = forms.ModelChoiceField(
        label=_("Suggested mentor"),
        queryset=MentorProfile.objects.none(),
        required=False,
        # The page draws its own radio buttons, for the suggestions only (never every row).
        widget=forms.HiddenInput,
    )
    other = forms.ModelChoiceField(
        label=_("Or find another mentor"),
        help_text=_("Type a name or an expertise. A mentor chosen here is paired instead."),
        queryset=MentorProfile.objects.none(),
        required=False,
        empty_label=_("(none: the suggestion above)"),
    )
    override = forms.BooleanField(
        label=_("Pair over capacity: I know this mentor already has a full load."),
        required=False,
    )

    def __init__(self, *args, user, enrolment: Enrolment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        eligible = MentorProfile.objects.visible_to(user).available_for(enrolment)
        self.fields["mentor"].queryset = eligible
        other = self.fields["other"]
        # Before the queryset: setting it hands the widget its choices.
        other.widget = AutocompleteSelect("programs:mentor_lookup", lookup_args=[enrolment.pk])
        other.queryset = eligible.select_related("user")
        other.label_from_instance = mentor_label

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        chosen = data.get("other") or data.get("mentor")
        if chosen is None:
            self.add_error(
                "mentor", _("Choose a mentor: one of the suggestions, or another by name.")
            )
        data["chosen"] = chosen
        return data


class MentorProfileForm(forms.ModelForm):
    class Meta:
        model = MentorProfile
        fields = [
            "user",
            "partner",
            "province",
            "expertise",
            "mentee_capacity",
            "bio",
            "is_active",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            # 20,000 partners at national scale: found by typing.
            "partner": AutocompleteSelect("partners:partner_lookup"),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(groups__name=MENTOR, is_active=True)
        if self.instance.pk:
            # The mentor's own account only: the disabled drop-down listed all 60,000.
            self.fields["user"].disabled = True
            users = users.filter(pk=self.instance.user_id)
        else:
            # unscoped: any profile, seen or not, makes its user no longer a choice. As NOT
            # IN over the profiles, PostgreSQL drops the 60,000 who have one before joining
            # the groups: 200 ms to 70 ms at national scale.
            users = users.exclude(pk__in=MentorProfile.objects.unscoped().values("user_id"))
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["partner"].queryset = Partner.objects.visible_to(user)
        self.fields["province"].queryset = Province.objects.all()

    def clean_mentee_capacity(self) -> int:
        capacity = self.cleaned_data["mentee_capacity"]
        if self.instance.pk and capacity < self.instance.active_mentees():
            # Allowed, but say it: existing pairs stay; no new ones without an override.
            self.capacity_below_load = True
        return capacity


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "mentorship",
            "date",
            "duration_minutes",
            "mode",
            "attendance",
            "topics",
            "notes",
            "next_steps",
        ]
        widgets = {
            "date": DateInput(),
            "duration_minutes": forms.NumberInput(attrs={"min": 5, "max": 600, "step": 5}),
            "mode": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mentees = Mentorship.objects.visible_to(user).select_related("enrolment__cadre")
        if self.instance.pk:
            # An existing session stays with its mentee.
            self.fields["mentorship"].disabled = True
        else:
            mentees = mentees.active()
            # Also what a phone hears when it sends a session kept offline meanwhile.
            self.fields["mentorship"].error_messages["invalid_choice"] = _(
                "This mentee is no longer yours to log: the mentoring has ended or passed "
                "to another mentor."
            )
        self.fields["mentorship"].queryset = mentees.order_by("enrolment__cadre__full_name")
        self.fields["mentorship"].label_from_instance = lambda m: m.enrolment.cadre.full_name
        limits.limit_date_inputs(self)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("A session cannot be in the future: log it once it has happened.")
            )
        return day


class GoalForm(forms.ModelForm):
    """A goal of one mentorship: the view gives the form `instance=DevelopmentGoal(mentorship=…)`,
    so the model's rules see the pairing's dates."""

    class Meta:
        model = DevelopmentGoal
        fields = ["title", "description", "target_date", "progress"]
        widgets = {
            "target_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limits.limit_date_inputs(self)
        # A target is a plan: a new or moved one is not in the past.
        today, kept = timezone.localdate(), self.instance.target_date
        if kept is None or kept >= today:
            self.fields["target_date"].widget.attrs["min"] = today.isoformat()

    def clean_target_date(self):
        day = self.cleaned_data["target_date"]
        moved = day != self.instance.target_date
        if day and moved and day < timezone.localdate():
            raise forms.ValidationError(
                _("A target date cannot be in the past."), code="past_target"
            )
        return day


class GoalProgressForm(forms.ModelForm):
    class Meta:
        model = DevelopmentGoal
        fields = ["progress", "progress_note"]
        widgets = {"progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5})}


class CadreImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "First row: column names. At most %(rows)s rows, %(columns)s columns and %(mb)s MB."
        ) % {
            "rows": number(settings.KADER_IMPORT_MAX_ROWS),
            "columns": settings.KADER_IMPORT_MAX_COLUMNS,
            "mb": settings.KADER_IMPORT_MAX_BYTES // 2**20 or 1,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        # Checked before a byte is parsed; the reader bounds every other dimension.
        if upload.size > settings.KADER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.")
                % {"max": settings.KADER_IMPORT_MAX_BYTES // 2**20 or 1}
            )
        return upload


class CadreImportMappingForm(forms.Form):
    """Which column of the file fills which cadre field."""

    def __init__(self, *args, headers: list[str], targets, initial_map: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels cut short: a header of long cells must not fill the page once per field.
        columns = [(str(i), Truncator(h).chars(60)) for i, h in enumerate(headers)]
        choices = [("", _("(not in the file)")), *columns]
        for key, label, required in targets:
            self.fields[f"col_{key}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=required,
                initial=initial_map.get(key, ""),
            )

    def mapping(self) -> dict[str, int]:
        return {
            name.removeprefix("col_"): int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value != ""
        }
