"""The dashboard's filters render the same HTML as Django's Select, only faster."""

import re

import pytest
from django import forms

from factories import ProgramFactory
from kader.dashboard import DashboardFilterForm

pytestmark = pytest.mark.django_db


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("chosen", [None, 1])
def test_it_renders_what_djangos_select_renders(coordinator, chosen):
    programs = [ProgramFactory(name=name) for name in ("Desa <Maju>", "Kota & Desa")]
    data = {"program": programs[chosen].pk} if chosen is not None else {}
    form = DashboardFilterForm(data or None, user=coordinator)
    plain = str(form["program"])
    field = form.fields["program"]
    field.widget = forms.Select(attrs=field.widget.attrs)
    field.widget.choices = field.choices
    assert squeeze(plain) == squeeze(str(form["program"]))
    assert "Desa &lt;Maju&gt;" in plain
    assert plain.count(" selected") == 1
