"""`{% slot "name" arg… %}`: what higher apps put in this place of the page (core.slots)."""

from django import template
from django.utils.safestring import SafeString

from core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, *args) -> SafeString:
    return slots.render(name, context, *args)
