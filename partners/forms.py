"""Forms for partners, agreements, documents and the communication log.

Choices that point at other objects are always limited to what the user may see, so a
forged id is answered with "Select a valid choice", never with someone else's data.
"""

from __future__ import annotations

import filetype
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.roles import User
from core import limits
from core.autocomplete import AutocompleteSelect
from core.widgets import plain_selects
from jurisdictions.forms import PlacementMixin
from partners.filters import coordinators, person_label

from .models import (
    DOCUMENT_EXTENSIONS,
    LONG_TEXT,
    Agreement,
    AgreementDocument,
    AgreementParty,
    CommunicationLog,
    Contact,
    Partner,
    Region,
    SuccessIndicator,
    name_for_type,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOADS = {mime: extensions[0] for mime, extensions in DOCUMENT_EXTENSIONS.items()}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_choices() -> list:
    """Regencies and cities grouped by province, so the long list stays findable."""
    groups: dict[str, list] = {}
    # Plain tuples: 514 regions with their provinces as model instances took ≈ 20 ms.
    regions = Region.objects.order_by("province__name", "name")
    for pk, name, province in regions.values_list("pk", "name", "province__name"):
        groups.setdefault(province, []).append((pk, name))
    return [("", "---------"), *groups.items()]


class PartnerForm(PlacementMixin, forms.ModelForm):
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "sector",
            "status",
            "province",
            "region",
            "address",
            "website",
            "description",
            *(field for field, _label in Partner.STRENGTHS),
            "strengths_notes",
            "goals",
            "values",
            "organisation",
            "unit",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "strengths_notes": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "values": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].choices = region_choices()
        # partners.js narrows the list to the chosen province.
        self.fields["region"].widget.attrs["data-province-filter"] = "id_province"
        # 514 regencies and 553 offices: written in Python, not one template per option.
        plain_selects(self, "province", "region", "organisation", "unit")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        # unscoped: a name is unique on the whole platform, not only in the user's offices.
        others = Partner.objects.unscoped().filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A partner with this name already exists."))
        return name


class ContactForm(forms.ModelForm):
    phone = PhoneNumberField(
        label=_("phone"),
        required=False,
        region="ID",
        help_text=_("For example 0812 3456 7890 or +62 812 3456 7890."),
    )

    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary"]


# absolute_max: TOTAL_FORMS comes from the browser; without it a forged count builds and
# renders a thousand forms in one request. Every formset is capped at its own maximum.
ContactFormSet = forms.inlineformset_factory(
    Partner,
    Contact,
    form=ContactForm,
    extra=1,
    can_delete=True,
    max_num=50,
    absolute_max=50,
    validate_max=True,
)


class AgreementForm(PlacementMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "reference",
            "formality",
            "basis",
            "start_date",
            "end_date",
            "evaluation_cadence",
            "coordinator",
            "objectives_short_term",
            "objectives_long_term",
            "lead_responsibilities",
            "organisation",
            "unit",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "objectives_short_term": forms.Textarea(attrs={"rows": 3}),
            "objectives_long_term": forms.Textarea(attrs={"rows": 3}),
            "lead_responsibilities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        coordinator = self.fields["coordinator"]
        # Staff and every office's coordinators (hundreds at national scale): typed, the
        # same set as the agreement list's filter. Before the queryset: setting it hands
        # the widget its choices.
        coordinator.widget = AutocompleteSelect("partners:coordinator_lookup")
        coordinator.queryset = coordinators()
        coordinator.label_from_instance = person_label
        plain_selects(self, "organisation", "unit")
        limits.limit_date_inputs(self)


class PartyForm(forms.ModelForm):
    class Meta:
        model = AgreementParty
        fields = ["partner", "role", "responsibilities"]
        widgets = {
            # Every row listed all 20,000 partners at national scale: searched, not listed.
            "partner": AutocompleteSelect("partners:partner_lookup"),
            "responsibilities": forms.Textarea(attrs={"rows": 2}),
        }


class BasePartyFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["partner"].queryset = (
            Partner.objects.visible_to(self.user)
            .filter(Q(archived_at__isnull=True) | Q(agreement_parties__agreement=self.instance.pk))
            .distinct()
        )

    def clean(self) -> None:
        super().clean()
        chosen = [
            f.cleaned_data["partner"]
            for f in self.forms
            if f.cleaned_data.get("partner") and not f.cleaned_data.get("DELETE")
        ]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each partner can be a party only once."))


PartyFormSet = forms.inlineformset_factory(
    Agreement,
    AgreementParty,
    form=PartyForm,
    formset=BasePartyFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=20,
    absolute_max=20,
    validate_max=True,
    can_delete=True,
)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = SuccessIndicator
        fields = ["name", "unit", "baseline", "target", "direction"]


IndicatorFormSet = forms.inlineformset_factory(
    Agreement,
    SuccessIndicator,
    form=IndicatorForm,
    extra=2,
    max_num=30,
    absolute_max=30,
    validate_max=True,
    can_delete=True,
)


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement terminated?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
    )


class RenewForm(forms.Form):
    start_date = forms.DateField(label=_("start date"), widget=DATE, validators=limits.PLANNED_DATE)
    end_date = forms.DateField(
        label=_("end date"), widget=DATE, required=False, validators=limits.PLANNED_DATE
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limits.limit_date_inputs(self)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class DocumentForm(forms.ModelForm):
    class Meta:
        model = AgreementDocument
        fields = ["kind", "file"]
        help_texts = {"file": _("PDF, PNG or JPEG, at most 10 MB.")}
        widgets = {"file": forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"})}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        # The name and the browser's content type can lie; the first bytes don't.
        upload.seek(0)
        kind = filetype.guess(upload.read(262))
        upload.seek(0)
        if kind is None or kind.mime not in ALLOWED_UPLOADS:
            raise forms.ValidationError(_("Only PDF, PNG or JPEG files can be uploaded."))
        self.instance.content_type = kind.mime
        self.instance.size = upload.size
        self.instance.original_name = name_for_type(upload.name, kind.mime)
        upload.name = "upload" + ALLOWED_UPLOADS[kind.mime]
        return upload


class CommunicationLogForm(forms.ModelForm):
    class Meta:
        model = CommunicationLog
        fields = [
            "date",
            "channel",
            "agreement",
            "participants",
            "summary",
            "follow_up",
            "follow_up_due",
            "follow_up_done",
            "challenge_raised",
            "challenge",
            "resolution",
        ]
        widgets = {
            "date": DATE,
            "follow_up_due": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "challenge": forms.Textarea(attrs={"rows": 2}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, partner: Partner, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partner = partner
        # Only this partner's agreements: a forged id of another agreement is refused.
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user).filter(
            agreement_parties__partner=partner
        )
        limits.limit_date_inputs(self)
