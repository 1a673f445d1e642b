"""`{{ field|bootstrap }}` writes the markup Django's widget templates would write, and
`{{ field|bootstrap_field }}` the markup of crispy-forms' Bootstrap 5 field, only faster."""

import datetime as dt
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils.translation import gettext_lazy

from core.templatetags.kader_forms import _css, bootstrap, bootstrap_field


class Everything(forms.Form):
    name = forms.CharField(max_length=20, help_text='Say "hi" & <wave>')
    note = forms.CharField(required=False, widget=forms.Textarea)
    count = forms.IntegerField(min_value=0, required=False)
    price = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": "0.01"}))
    email = forms.EmailField(required=False)
    site = forms.URLField(required=False, assume_scheme="https")
    due = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    done = forms.BooleanField(required=False)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(choices=[("", "—"), ("1", "1 <low>")], required=False)
    # Drop-downs: integer values, a required choice, a value listed twice (only the first
    # is selected), lazy labels, and groups.
    province = forms.TypedChoiceField(
        coerce=int, choices=[("", "All"), (11, "Aceh"), (12, "Sumatera <Utara>")], required=False
    )
    pick = forms.ChoiceField(choices=[("", "—"), ("a", gettext_lazy("Name"))])
    twice = forms.ChoiceField(choices=[("x", "First"), ("x", "Second")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Jawa", [("jb", "Jawa Barat"), ("jt", "Jawa Tengah")]), ("bl", "Bali")],
        required=False,
    )


BOUND = {
    "name": 'A "quoted" <name> & more',
    "note": "line one\n<b>two</b>",
    "count": "-3",
    "price": "12.50",
    "email": "not-an-email",
    "site": "example.org",
    "due": "2026-02-30",
    "done": "on",
    "secret": "x'y",
    "score": "1",
    "province": "12",
    "pick": "a",
    "twice": "x",
    "grouped": "jt",
}


def squeeze(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).replace(" >", ">")
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", html)).strip()


@pytest.mark.parametrize(
    "form",
    [
        Everything(),
        Everything(initial={"due": dt.date(2026, 1, 31), "done": True, "count": 0}),
        Everything(BOUND),
        Everything({}),
    ],
    ids=["empty", "initial", "bound-with-errors", "bound-empty"],
)
def test_each_widget_is_written_as_django_writes_it(form):
    form.is_valid()
    for field in form:
        ours, django = str(bootstrap(field)), str(field.as_widget(attrs={"class": _css(field)}))
        if isinstance(field.field.widget, forms.Select):  # options on one line
            ours, django = squeeze(ours), squeeze(django)
        assert ours == django, field.name


@pytest.mark.parametrize("data", [None, BOUND, {}], ids=["unbound", "errors", "empty"])
def test_each_field_is_written_as_crispy_writes_it(data):
    form = Everything(data)
    form.is_valid()
    for field in form:
        if field.is_hidden:
            continue
        ours = squeeze(bootstrap_field(field))
        crispy = squeeze(as_crispy_field(field))
        # crispy names the widget's class after it ("textarea", "dateinput"); the filter
        # bars' `_css` says "textinput" for every text-like control: same Bootstrap class.
        crispy = re.sub(
            r'class="(textarea|dateinput|numberinput|emailinput|urlinput) ',
            'class="textinput ',
            crispy,
        )
        assert ours == crispy, field.name
