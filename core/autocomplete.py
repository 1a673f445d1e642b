"""Filter drop-downs over big tables (20,000 partners, 3,000 programs at national scale).

The `<select>` renders only the chosen option; in the browser Tom Select
(static/js/autocomplete.js) asks a lookup endpoint for the 20 best matches as one types.
Each endpoint lists `Model.objects.visible_to(user)` only, and the filter still validates
the chosen id against the same queryset, so a forbidden object is neither offered nor
accepted. Without JavaScript the page still works with the current choice (or "All").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import cast
from unicodedata import category

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

MATCHES = 20


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


class AutocompleteSelect(forms.Select):
    def __init__(
        self, lookup_url_name: str, attrs: dict | None = None, lookup_args: list | None = None
    ) -> None:
        super().__init__(attrs)
        self.lookup_url_name = lookup_url_name
        # For a lookup that depends on the object being edited (the mentors one may pair
        # with this enrolment): the endpoint's URL arguments.
        self.lookup_args = lookup_args or []

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete-url"] = reverse(self.lookup_url_name, args=self.lookup_args)
        return attrs

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        """The empty choice and the chosen object only: one small query, not every row."""
        # ASCII digits only ("²" is a digit to str.isdigit, not to int), and small enough
        # for a database integer (SQLite raises otherwise).
        chosen = [v for v in value if _ascii_digits(str(v)) and int(v) < 2**63]
        choices = cast(ModelChoiceIterator, self.choices)  # the widget of a ModelChoiceField
        field = choices.field
        options = [("", field.empty_label or "")] if field.empty_label is not None else []
        if chosen:
            for obj in choices.queryset.filter(pk__in=chosen):
                options.append((str(obj.pk), field.label_from_instance(obj)))
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = option_value in value if option_value else not chosen
            # A label may be a lazy string, as Django's own choices' are; the stub says str.
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)  # type: ignore[arg-type]
            groups.append((None, [option], index))
        return groups


class AutocompleteSelectMultiple(AutocompleteSelect):
    """The same for a choice of several (a program's agreements and partners)."""

    allow_multiple_selected = True


def search_term(request: HttpRequest, name: str = "q", limit: int = 100) -> str:
    """The `?q=` a person typed, safe to put in a query: control characters (NUL, which
    PostgreSQL refuses in a string, among them) become spaces, and it is at most `limit`
    characters long."""
    raw = request.GET.get(name, "")
    cleaned = "".join(" " if category(ch) == "Cc" else ch for ch in raw)
    return " ".join(cleaned.split())[:limit]


def lookup_response(
    request: HttpRequest,
    queryset: QuerySet,
    search: Iterable[str],
    label: Callable[[Model], str] = str,
) -> JsonResponse:
    """Up to 20 rows of `queryset` (already scoped by `visible_to`) matching `?q=`."""
    term = search_term(request)
    if term:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": term}) for f in search)))
    results = [{"value": str(obj.pk), "text": label(obj)} for obj in queryset[:MATCHES]]
    return JsonResponse({"results": results})
