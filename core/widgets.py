"""Form widgets shared by the filter bars."""

from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget


class YesNoWidget(BooleanWidget):
    """django-filter's yes/no drop-down, with its labels translated when shown.

    django-filter writes "Unknown", "Yes" and "No" with `gettext` when the widget is built,
    that is when a filter set's module is imported: the labels stayed in the language that
    was active then (Indonesian, the default), whatever the user chose."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]
