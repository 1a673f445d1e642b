"""`{{ field|bootstrap }}`: a form field with Bootstrap's classes, without crispy-forms.

The list pages' filter bars were rendered field by field through crispy-forms, and each
`<option>` through two template includes; that cost more than the rest of the page
(issue 7). Drop-downs are written here directly from the widget's own context (its
choices, selected values and attributes), so the markup is what Django would write.
Measured against Django's widget templates (bench/machinery.py, docs/performance.md):
2–6 ms of CPU a list page at national scale, a fifth to a third of it.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _css(field: forms.BoundField) -> str:
    widget = field.field.widget
    existing = widget.attrs.get("class", "")
    if "form-" in existing:  # the filter set chose its own (small) classes
        css = existing
    elif isinstance(widget, forms.CheckboxInput):
        css = "checkboxinput form-check-input"
    elif isinstance(widget, forms.Select):
        css = "select form-select"
    else:
        css = "textinput form-control"
    return f"{css} is-invalid" if field.errors else css


def _select(field: forms.BoundField, css: str) -> str:
    """What django/forms/widgets/select.html writes, groups (`<optgroup>`) included."""
    context = _widget_context(field, css)
    parts = []
    for group, group_options, _index in context["optgroups"]:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in group_options),
        )
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', group, options) if group else options
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        context["name"],
        _attrs(context["attrs"]),
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes: in order, True bare, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _extra_attrs(field: forms.BoundField, css: str) -> dict:
    """What BoundField.as_widget adds to the widget's own attributes: class, id, required…"""
    attrs = field.build_widget_attrs({"class": css})
    if field.auto_id and "id" not in field.field.widget.attrs:
        attrs["id"] = field.auto_id
    return attrs


def _widget_context(field: forms.BoundField, css: str) -> dict:
    widget = field.field.widget
    return widget.get_context(field.html_name, field.value(), _extra_attrs(field, css))["widget"]


def _input(field: forms.BoundField, css: str) -> str:
    """What django/forms/widgets/input.html writes, without two template renders."""
    context = _widget_context(field, css)
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(context["attrs"]),
    )


def _textarea(field: forms.BoundField, css: str) -> str:
    """What django/forms/widgets/textarea.html writes."""
    context = _widget_context(field, css)
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        context["name"],
        _attrs(context["attrs"]),
        context["value"] or "",
    )


# Widgets whose markup is written here; any other (file inputs, multi-widgets, radio
# lists…) goes through Django's own templates.
_DIRECT = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.DateInput,
    forms.CheckboxInput,
    forms.HiddenInput,
)


@register.filter
def bootstrap(field: forms.BoundField) -> str:
    css = _css(field)
    widget = field.field.widget
    kind = type(widget)
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        return _select(field, css)
    if kind in _DIRECT:
        return _input(field, css)
    if kind is forms.Textarea:
        return _textarea(field, css)
    return field.as_widget(attrs={"class": css})


_ASTERISK = mark_safe('<span class="asteriskField">*</span>')


@register.filter
def bootstrap_field(field: forms.BoundField) -> str:
    """Label, control, errors and help, as crispy-forms' Bootstrap 5 pack writes them.

    For forms with many fields (the evaluation form: indicator results, eight health
    ratings, action items), where crispy's ten nested templates per field cost 40 ms a page
    at national scale (issue 7); same ids, classes and ARIA, so the page reads the same."""
    widget = field.field.widget
    if widget.is_hidden:
        return str(field)
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    hint = ""
    if field.help_text:
        # Help texts are the developers' markup, as Django and crispy take them.
        help_text = mark_safe(field.help_text)  # noqa: S308
        hint = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text
        )
    control = bootstrap(field)
    required = field.field.required
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
            field.auto_id,
            control,
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            _ASTERISK if required else "",
            errors,
            hint,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>'
        "{}{}{}</div>",
        field.auto_id,
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        _ASTERISK if required else "",
        control,
        errors,
        hint,
    )


@register.filter
def unshown_errors(form_or_formset) -> str:
    """The errors no field shows, so that none is swallowed: a formset's own (a tampered
    management form, too many rows, a rule across rows) or a form's non-field errors and
    the errors of its hidden fields (a row's id), which `bootstrap_field` never displays."""
    if isinstance(form_or_formset, forms.BaseFormSet):
        texts = list(form_or_formset.non_form_errors())
        testid = f"formset-errors-{form_or_formset.prefix}"
    else:
        form = form_or_formset
        texts = list(form.non_field_errors())
        texts += [error for field in form.hidden_fields() for error in field.errors]
        testid = f"form-errors-{form.prefix or 'form'}"
    if not texts:
        return ""
    return format_html(
        '<div class="alert alert-danger py-2" role="alert" data-testid="{}">'
        '<ul class="mb-0 ps-3">{}</ul></div>',
        testid,
        format_html_join("", "<li>{}</li>", ((text,) for text in texts)),
    )
