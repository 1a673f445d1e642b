"""Coordinators' views: programs, enrolment, mentors and pairing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import perm_or_404
from core import messaging
from core.autocomplete import MATCHES, search_term
from programs import services
from programs.filters import ProgramFilter
from programs.forms import (
    EnrolmentCreateForm,
    EnrolmentForm,
    MentorProfileForm,
    PairingForm,
    ProgramForm,
    cadre_label,
    enrolable_cadres,
    mentor_label,
)
from programs.models import BY_NAME, Enrolment, MentorProfile, Mentorship, Program, Session
from programs.reporting import diversity_summary
from programs.timeline import DUE_SHOWN, program_due
from programs.views.common import paginate, querystring_without

# Rows per section of the program page (enrolled cadres, mentor pairs).
SECTION_ROWS = 25


@perm_or_404("programs.view_program")
def program_list(request: HttpRequest) -> HttpResponse:
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("coordinator")
        .order_by("-start_date", "name")
    )
    filters = ProgramFilter(request.GET, queryset=programs, request=request)
    page = paginate(request, filters.qs)
    page.object_list = with_seats_counted(list(page.object_list))
    context = {"filters": filters, "page": page, "qs": querystring_without(request, "page")}
    return render(request, "programs/program_list.html", context)


def with_seats_counted(programs: list[Program]) -> list[Program]:
    """Seats taken for one page's programs, in one query. Annotated on the list's queryset,
    PostgreSQL counted the enrolments of every program before the page's LIMIT (and in the
    paginator's count): 4.5 s for 3,000 programs and 1.2 million enrolments."""
    # unscoped: every seat of programs the user already sees counts, as in seats_taken().
    counts = dict(
        Enrolment.objects.unscoped()
        .filter(program__in=programs, status__in=Enrolment.SEAT_STATUSES)
        .order_by()  # the model's ordering joins every enrolment's cadre
        .values_list("program")
        .annotate(taken=Count("pk"))
        .values_list("program", "taken")
    )
    for program in programs:
        program.seats_taken_count = counts.get(program.pk, 0)
    return programs


@perm_or_404("programs.manage_programs")
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(
        request.POST or None, user=request.user, initial={"coordinator": request.user}
    )
    if request.method == "POST" and form.is_valid():
        program = form.save()
        messages.success(request, _("The program is saved."))
        return redirect(program)
    return render(request, "programs/program_form.html", {"form": form})


@perm_or_404("programs.manage_programs")
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.visible_to(request.user), pk=pk)
    form = ProgramForm(request.POST or None, instance=program, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The program is saved."))
        return redirect(program)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@perm_or_404("programs.view_program")
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(
        Program.objects.visible_to(request.user)
        .with_seats_taken()
        .select_related("coordinator")
        .prefetch_related("partners", "agreements"),
        pk=pk,
    )
    # A national program has hundreds of enrolments and pairs: each list is a page of
    # SECTION_ROWS (its own page number in the query string), the totals are aggregates.
    # The cadres the user may see: a district's coordinator, their district's in a wider program.
    enrolments = (
        Enrolment.objects.visible_to(request.user)
        .filter(program=program)
        .select_related("cadre")
        .prefetch_related(
            Prefetch(
                "mentorships",
                queryset=Mentorship.objects.active().select_related("mentor__user"),
                to_attr="active_pairs",
            )
        )
        .order_by("cadre__full_name", "pk")
    )
    pairs = (
        Mentorship.objects.visible_to(request.user)
        .filter(enrolment__program=program)
        .with_last_met(count=True)
        .select_related("mentor__user", "enrolment__cadre")
        .order_by("-started_on", "-pk")
    )
    # unscoped: the program's own totals (the program came through visible_to).
    sessions = Session.objects.unscoped().filter(mentorship__enrolment__program=program)
    delivered = sessions.aggregate(
        count=Count("pk", filter=Q(attendance=Session.Attendance.ATTENDED)),
        minutes=Sum("duration_minutes", filter=Q(attendance=Session.Attendance.ATTENDED)),
    )
    context = {
        "program": program,
        "enrolments": _section_page(request, enrolments, "page"),
        "mentorships": _section_page(request, pairs, "pairs"),
        "sessions_delivered": delivered["count"],
        "hours_delivered": round((delivered["minutes"] or 0) / 60, 1),
        "due": program_due(program, request.user),
        "due_shown": DUE_SHOWN,
        # The enrolled cadres' ids, not Cadre rows: one IN less (7 ms → 4 ms at national scale).
        "diversity": diversity_summary(
            Enrolment.objects.visible_to(request.user).filter(program=program).values("cadre")
        ),
    }
    return render(request, "programs/program_detail.html", context)


def _section_page(request: HttpRequest, queryset, param: str) -> dict:
    """One page of a section of a detail page, with the links that keep the other pages."""
    page = Paginator(queryset, SECTION_ROWS).get_page(request.GET.get(param))
    return {"page": page, "param": param, "qs": querystring_without(request, param)}


@perm_or_404("programs.manage_programs")
def enrolment_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.visible_to(request.user).with_seats_taken(), pk=pk)
    form = EnrolmentCreateForm(request.POST or None, program=program, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_create(
                program=program,
                cadre=form.cleaned_data["cadre"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(cadre)s is enrolled.") % form.cleaned_data)
            return redirect(program)
    return render(request, "programs/enrolment_form.html", {"form": form, "program": program})


@require_GET
@perm_or_404("programs.manage_programs")
def enrolment_cadres(request: HttpRequest, pk: int) -> JsonResponse:
    """Cadres who may join this program, by name (the enrolment form's autocomplete; the
    form accepts the same set)."""
    program = get_object_or_404(Program.objects.visible_to(request.user), pk=pk)
    cadres = enrolable_cadres(program, request.user)
    term = search_term(request)
    if term:
        # The matches first, unordered, through the trigram index (cadre_search_trgm);
        # then at most LOOKUP_MATCHES of them by name. Ordered by name under a LIMIT,
        # PostgreSQL walked the name index testing every cadre: 12 s for "siti" among
        # 1.2 million. A common word offers some of its matches: typing more narrows.
        matches = cadres.filter(full_name__icontains=term).order_by().values_list("pk", flat=True)
        cadres = cadres.filter(pk__in=list(matches[:LOOKUP_MATCHES]))
    cadres = (
        cadres.select_related("province")
        .only("pk", "full_name", "province", "province__name")
        .order_by("full_name", "pk")
    )
    results = [{"value": str(c.pk), "text": cadre_label(c)} for c in cadres[:MATCHES]]
    return JsonResponse({"results": results})


LOOKUP_MATCHES = 200


@perm_or_404("programs.manage_programs")
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.visible_to(request.user).select_related("program", "cadre"), pk=pk
    )
    form = EnrolmentForm(request.POST or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_update(
                enrolment=enrolment,
                status=data["status"],
                outcome=data["outcome"],
                notes=data["outcome_notes"],
            )
        except ValidationError as error:
            form.add_error("status", error)
        else:
            messages.success(request, _("The enrolment is saved."))
            return redirect(enrolment.program)
    context = {"form": form, "enrolment": enrolment, "program": enrolment.program}
    return render(request, "programs/enrolment_edit.html", context)


def _pairable(request: HttpRequest, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.visible_to(request.user).select_related(
            "program", "cadre__province", "cadre__city"
        ),
        pk=pk,
    )


@perm_or_404("programs.pair_mentors")
def pairing(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _pairable(request, pk)
    form = PairingForm(request.POST or None, user=request.user, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        field = "other" if form.cleaned_data.get("other") else "mentor"
        try:
            services.mentorship_create(
                mentor=form.cleaned_data["chosen"],
                enrolment=enrolment,
                override=form.cleaned_data["override"],
                by=request.user,
            )
        except services.MentorOverCapacity as error:
            form.add_error("override", error)
        except ValidationError as error:
            form.add_error(field if error.code == "already_paired" else None, error)
        else:
            messages.success(
                request, _("The mentor is paired with %(cadre)s.") % {"cadre": enrolment.cadre}
            )
            return redirect(enrolment.program)
    context = {
        "form": form,
        "enrolment": enrolment,
        "suggestions": services.mentor_suggestions(enrolment=enrolment, user=request.user),
        "selected": str(form["mentor"].value() or ""),
    }
    return render(request, "programs/pairing.html", context)


@require_GET
@perm_or_404("programs.pair_mentors")
def mentor_lookup(request: HttpRequest, pk: int) -> JsonResponse:
    """Mentors who may be paired with this enrolment, by name or expertise (the pairing
    page's autocomplete; the form accepts the same set)."""
    enrolment = _pairable(request, pk)
    mentors = MentorProfile.objects.visible_to(request.user).available_for(enrolment)
    term = search_term(request)
    if term:
        mentors = mentors.matching(term)
    mentors = mentors.select_related("user").order_by(*BY_NAME)
    results = [{"value": str(m.pk), "text": mentor_label(m)} for m in mentors[:MATCHES]]
    return JsonResponse({"results": results})


@perm_or_404("programs.manage_mentors")
def mentor_list(request: HttpRequest) -> HttpResponse:
    mentors = (
        MentorProfile.objects.visible_to(request.user)
        .select_related("user__mobile", "partner", "province")
        .order_by(*BY_NAME)
    )
    query = search_term(request)
    if query:
        mentors = mentors.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(expertise__icontains=query)
            | Q(partner__name__icontains=query)
        )
    page = paginate(request, mentors)
    context = {
        "page": page,
        "query": query,
        "qs": querystring_without(request, "page"),
        # Who a reminder can reach, and how: a confirmed number counts on the channels set up.
        "mobile_channels": [
            name
            for name, on in (
                ("WhatsApp", messaging.whatsapp_enabled()),
                ("SMS", messaging.sms_enabled()),
            )
            if on
        ],
    }
    return render(request, "programs/mentor_list.html", context)


@perm_or_404("programs.manage_mentors")
def mentor_create(request: HttpRequest) -> HttpResponse:
    form = MentorProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The mentor profile is saved."))
        return redirect("programs:mentor_list")
    return render(request, "programs/mentor_form.html", {"form": form})


@perm_or_404("programs.manage_mentors")
def mentor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentor = get_object_or_404(MentorProfile.objects.visible_to(request.user), pk=pk)
    form = MentorProfileForm(request.POST or None, instance=mentor, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if getattr(form, "capacity_below_load", False):
            messages.warning(
                request,
                _(
                    "The mentor has more mentees than the new capacity: "
                    "existing pairs stay, new ones need an override."
                ),
            )
        messages.success(request, _("The mentor profile is saved."))
        return redirect("programs:mentor_list")
    return render(request, "programs/mentor_form.html", {"form": form, "mentor": mentor})
