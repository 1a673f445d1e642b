"""Form widgets shared by the filter bars and the forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget


class PlainSelect(forms.Select):
    """A <select> written in Python, with the HTML Django's Select gives.

    Django renders each <option> through a template: the program filter's 3,000 programs
    took about a second at national scale, on every visit, and a form's 514 regencies and
    553 offices 60–100 ms each. This takes milliseconds. A choice whose label is a list is
    an option group, as in Django's own choices.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(_option(k, v, selected) for k, v in label)
                parts.append(f'<optgroup label="{escape(key)}">{inner}</optgroup>')
            else:
                parts.append(_option(key, label, selected))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        safe = mark_safe("".join(parts))  # noqa: S308 (every key and label escaped)
        return format_html('<select name="{}"{}>{}</select>', name, attrs, safe)


def _option(key, label, selected: set[str]) -> str:
    chosen = " selected" if str(key) in selected else ""
    return f'<option value="{escape(key)}"{chosen}>{escape(label)}</option>'


def plain_selects(form: forms.BaseForm, *names: str) -> None:
    """Draw these choice fields of the form with PlainSelect (same choices, same attributes)."""
    for name in names:
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)  # a ModelChoiceField is one too
        if isinstance(field.widget, PlainSelect):
            continue  # drawn already, from rows of its own (jurisdictions/forms.py)
        field.widget = PlainSelect(attrs=field.widget.attrs)
        field.widget.choices = field.choices


class YesNoWidget(BooleanWidget):
    """django-filter's yes/no drop-down, with its labels translated when shown.

    django-filter writes "Unknown", "Yes" and "No" with `gettext` when the widget is built,
    that is when a filter set's module is imported: the labels stayed in the language that
    was active then (Indonesian, the default), whatever the user chose."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]
