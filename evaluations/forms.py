"""Forms for filling in, reviewing and planning evaluations. Forms never send mail."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.models import (
    ActionItem,
    Evaluation,
    HealthFactor,
    HealthRating,
    IndicatorResult,
    ReminderKind,
    ReminderPreference,
)
from kader.roles import COORDINATOR, MENTOR

SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


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


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date", "done"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A forged owner id outside this list is refused by the field itself.
        self.fields["owner"].queryset = people_with_a_role()


# absolute_max: TOTAL_FORMS comes from the browser; without a cap a forged count builds
# and renders up to 2,000 forms in one request. An agreement has at most 30 indicators
# (partners.forms.IndicatorFormSet) and there are 10 health factors.
IndicatorResultFormSet = forms.modelformset_factory(
    IndicatorResult,
    form=IndicatorResultForm,
    extra=0,
    can_delete=False,
    max_num=30,
    absolute_max=30,
)
HealthRatingFormSet = forms.modelformset_factory(
    HealthRating,
    form=HealthRatingForm,
    extra=0,
    can_delete=False,
    max_num=len(HealthFactor.values),
    absolute_max=len(HealthFactor.values),
)
ActionItemFormSet = forms.inlineformset_factory(
    Evaluation,
    ActionItem,
    form=ActionItemForm,
    extra=1,
    can_delete=True,
    max_num=30,
    absolute_max=30,
)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the evaluation")), ("send_back", _("Send it back"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending it back: say what must change."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "send_back" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what must change before sending it back."))
        return data


class PlanForm(forms.ModelForm):
    """The coordinator's adjustments to a planned evaluation: who, and by when."""

    class Meta:
        model = Evaluation
        fields = ["evaluator", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = people_with_a_role()

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < self.instance.period_start:
            raise forms.ValidationError(_("The due date cannot be before the period starts."))
        return due


class PreferenceForm(forms.ModelForm):
    wanted = forms.MultipleChoiceField(
        label=_("E-mail me these reminders"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReminderPreference
        fields = ["language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        muted = set(self.instance.muted_kinds)
        self.initial["wanted"] = [k for k in ReminderKind.values if k not in muted]

    def save(self, commit: bool = True) -> ReminderPreference:
        wanted = set(self.cleaned_data["wanted"])
        self.instance.muted_kinds = [k for k in ReminderKind.values if k not in wanted]
        return super().save(commit)
