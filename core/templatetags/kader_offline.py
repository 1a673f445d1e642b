"""`{% offline_key %}`: the hidden idempotency key of a form a phone may send later.

The page's script (static/js/offline.js) puts a fresh key in it for every draft (a page
kept by the service worker would otherwise repeat its key); the one rendered here still
makes a double click of a page without scripts save once (core/offline.py)."""

import uuid

from django import template
from django.utils.html import format_html

from core.offline import KEY_FIELD

register = template.Library()


@register.simple_tag
def offline_key() -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}" data-offline-key>', KEY_FIELD, uuid.uuid4()
    )
