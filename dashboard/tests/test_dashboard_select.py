"""The dashboard's filters: the plain drop-downs render the same HTML as Django's Select,
only faster; the program filter is typed into and renders only the chosen program."""

import re

import pytest
from django import forms

from dashboard.forms import DashboardFilterForm
from factories import ProgramFactory
from partners.models import Province

pytestmark = pytest.mark.django_db


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("chosen", [None, 1])
def test_it_renders_what_djangos_select_renders(coordinator, chosen):
    provinces = [
        Province.objects.create(code=code, name=name)
        for code, name in (("X1", "Desa <Maju>"), ("X2", "Kota & Desa"))
    ]
    data = {"province": provinces[chosen].pk} if chosen is not None else {}
    form = DashboardFilterForm(data or None, user=coordinator)
    plain = str(form["province"])
    field = form.fields["province"]
    field.widget = forms.Select(attrs=field.widget.attrs)
    field.widget.choices = field.choices
    assert squeeze(plain) == squeeze(str(form["province"]))
    assert "Desa &lt;Maju&gt;" in plain
    assert plain.count(" selected") == 1


def test_the_program_filter_renders_only_the_chosen_program(coordinator):
    chosen, other = ProgramFactory(name="Desa <Maju>"), ProgramFactory(name="Kota Sehat")
    unfiltered = str(DashboardFilterForm(None, user=coordinator)["program"])
    assert unfiltered.count("<option") == 1  # "All"
    assert 'data-autocomplete-url="/programs/lookup/"' in unfiltered
    html = str(DashboardFilterForm({"program": chosen.pk}, user=coordinator)["program"])
    assert "Desa &lt;Maju&gt;" in html and other.name not in html
    assert html.count("<option") == 2 and html.count(" selected") == 1


def test_the_program_filter_refuses_a_program_its_user_may_not_see(mentor_a):
    form = DashboardFilterForm({"program": ProgramFactory().pk}, user=mentor_a)
    assert not form.is_valid() and "program" in form.errors
