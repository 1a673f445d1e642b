"""The dashboard's filter form: period, formality, basis, program and region."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import User
from core.autocomplete import AutocompleteSelect
from core.widgets import PlainSelect
from partners.models import Agreement, Province
from programs.models import (
    Program,
)

PERIODS = [(3, _("Last 3 months")), (6, _("Last 6 months")), (12, _("Last 12 months"))]
PERIODS += [(24, _("Last 24 months"))]
DEFAULT_MONTHS = 12


class DashboardFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Period"),
        choices=PERIODS,
        coerce=int,
        required=False,
        empty_value=DEFAULT_MONTHS,
        initial=DEFAULT_MONTHS,
    )
    formality = forms.ChoiceField(
        label=_("Formality"), choices=[("", _("All")), *Agreement.Formality.choices], required=False
    )
    basis = forms.ChoiceField(
        label=_("Basis"), choices=[("", _("All")), *Agreement.Basis.choices], required=False
    )
    # Typed into, not listed: 3,000 programs were 171 KB of <option>s, three quarters of
    # the page at national scale (issue 7).
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=AutocompleteSelect("programs:program_lookup"),
    )
    province = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The lookup offers, and the field accepts, only programs this user may see.
        self.fields["program"].queryset = Program.objects.visible_to(user)
        for name, bound in self.fields.items():
            bound.widget.attrs["class"] = "form-select form-select-sm"
            bound.widget.attrs["data-testid"] = f"filter-{name}"
