"""The sort menu every list uses."""

from __future__ import annotations

import django_filters
from django import forms
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class SortFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter with labels translated when the menu is shown.

    Its own choices are built once, at import, by `%`-formatting "%s (descending)": that
    fixed the words in whatever language was active then (English "(descending)" around
    Indonesian field names, in both UIs). Here each label stays lazy."""

    def build_choices(self, fields: dict, labels: dict) -> list[tuple[str, object]]:
        ascending = [
            (param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()
        ]
        descending = [
            (f"-{param}", labels.get(f"-{param}", format_lazy(_("{} (descending)"), label)))
            for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


class ListFilterSet(django_filters.FilterSet):
    """The lists' filter set: a choice left open reads "All" (the sort menu "Default"), not
    Django's "---------", whichever filter made the field."""

    @property
    def form(self):
        form = super().form
        # Templates read `.form` many times a page: relabel once (the choices may come from
        # the cache, e.g. the provinces).
        if getattr(form, "_labels_set", False):
            return form
        form._labels_set = True
        for name, field in form.fields.items():
            blank = _("Default") if name == "sort" else _("All")
            if getattr(field, "empty_label", None) is None:
                continue
            field.empty_label = blank
            if not isinstance(field, forms.ModelChoiceField):
                # The widget keeps its own list of the choices, made with the old label;
                # a model choice's widget reads the field's label as it draws.
                field.widget.choices = list(field.choices)
        return form
