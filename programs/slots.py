"""Programs' parts of lower apps' pages (core.slots), registered in apps.py."""

from django.template import Context

from core.slots import register, render_template
from programs.models import Program


def partner_programs(context: Context, partner) -> str:
    """The programs a partner takes part in, as far as the reader may see them."""
    programs = Program.objects.visible_to(context["request"].user).filter(partners=partner)
    return render_template("programs/_partner_programs.html", context, programs=programs)


def register_all() -> None:
    register("partner.sections", partner_programs)
