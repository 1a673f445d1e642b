"""Template filters for numbers and durations: the same functions as PDFs and e-mails use
(core/formatting.py). Dates use Django's own `|date` with no format string."""

from django import template

from core import formatting

register = template.Library()

register.filter("number", formatting.number)
register.filter("measure", formatting.measure)
register.filter("tenths", formatting.tenths)
register.filter("hours", formatting.hours)
register.filter("minutes", formatting.minutes)
register.filter("percent", formatting.percent)
register.filter("group_count", formatting.group_count)
