"""The dashboard's parts of lower apps' pages (core.slots), registered in apps.py."""

from django.template import Context
from django.urls import reverse

from core.slots import register, render_template
from dashboard.mentor_summary import mentor_summary


def report_button(url_name: str):
    def fill(context: Context, obj) -> str:
        report_url = reverse(url_name, args=[obj.pk])
        return render_template("dashboard/_report_button.html", context, report_url=report_url)

    return fill


def export_buttons(context: Context, list_name: str) -> str:
    """A list's CSV and XLSX exports, with the filters it shows."""
    return render_template("dashboard/_export_buttons.html", context, list=list_name)


def month_summary(context: Context) -> str:
    """The mentor's month at the foot of their home page."""
    summary = mentor_summary(context["request"].user)
    return render_template("dashboard/_mentor_summary.html", context, **summary)


def register_all() -> None:
    register("agreement.actions", report_button("dashboard:agreement_report"))
    register("program.actions", report_button("dashboard:program_report"))
    register("list.actions", export_buttons)
    register("mentor_home.sections", month_summary)
