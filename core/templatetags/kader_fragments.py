"""`{% cacherows %}`: a list's rows kept by their fingerprint (see core/fragments.py)."""

from django import template
from django.conf import settings
from django.templatetags.cache import CacheNode
from django.utils import timezone
from django.utils.translation import get_language

from core.fragments import fingerprint as _fingerprint

register = template.Library()


@register.filter
def fingerprint(value) -> str:
    return _fingerprint(value)


@register.tag
def cacherows(parser, token):
    """`{% cacherows "name" rows [vary_on …] %}…{% endcacherows %}`.

    Django's `{% cache %}` with the rows' fingerprint as the first thing it varies on and
    `KADER_ROWS_SECONDS` as the time a kept fragment lives (a memory bound: a kept fragment is
    never stale, its key changes with what it shows). The active language, time zone and
    today's date are always part of the key (dates, translations, "overdue", "expiring
    soon"). Anything else the fragment shows that is not a loaded value of the rows (a
    permission that adds a column, say) goes after `rows`.
    """
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a fragment name and the rows")
    nodelist = parser.parse(("endcacherows",))
    parser.delete_first_token()
    expire = parser.compile_filter(str(settings.KADER_ROWS_SECONDS))
    vary_on = [parser.compile_filter(f"{bits[2]}|fingerprint"), parser.compile_filter(_WHERE)]
    vary_on += [parser.compile_filter(bit) for bit in bits[3:]]
    name = bits[1].strip("\"'")
    return RowsNode(nodelist, expire, name, vary_on, None)


_WHERE = "kader_rows_locale"


class RowsNode(CacheNode):
    def render(self, context) -> str:
        where = f"{get_language()}|{timezone.get_current_timezone_name()}|{timezone.localdate()}"
        with context.push({_WHERE: where}):
            return super().render(context)
