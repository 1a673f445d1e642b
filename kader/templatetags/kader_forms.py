"""`{{ field|bootstrap }}`: a form field with Bootstrap's classes, without crispy-forms.

The list pages' filter bars were rendered field by field through crispy-forms, and each
`<option>` through two template includes; that cost more than the rest of the page
(issue 7). Drop-downs are written here directly from the widget's own context (its
choices, selected values and attributes), so the markup is what Django would write.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

register = template.Library()


def _css(field: forms.BoundField) -> str:
    widget = field.field.widget
    existing = widget.attrs.get("class", "")
    if "form-" in existing:  # the filter set chose its own (small) classes
        css = existing
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "select form-select"
    else:
        css = "textinput form-control"
    return f"{css} is-invalid" if field.errors else css


def _select(field: forms.BoundField, css: str) -> str:
    widget = field.field.widget
    attrs = field.build_widget_attrs({"class": css})
    if field.auto_id and "id" not in widget.attrs:
        attrs["id"] = field.auto_id
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (o["value"], " selected" if o["selected"] else "", o["label"])
            for _group, group_options, _index in context["optgroups"]
            for o in group_options
        ),
    )
    return format_html(
        '<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), options
    )


@register.filter
def bootstrap(field: forms.BoundField) -> str:
    css = _css(field)
    widget = field.field.widget
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        return _select(field, css)
    return field.as_widget(attrs={"class": css})
