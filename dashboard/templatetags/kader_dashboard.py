from django import template

from dashboard.mentor_summary import mentor_summary as summary_for

register = template.Library()


@register.inclusion_tag("dashboard/_mentor_summary.html", takes_context=True)
def mentor_summary(context: template.Context) -> dict:
    """`{% mentor_summary %}` on the mentor's home: the summary of the logged-in mentor."""
    return summary_for(context["request"].user)
