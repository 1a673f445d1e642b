"""Coordinators' views: the cadre directory, profiles, background data and the import."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import perm_or_404
from core.pagination import paginate
from jurisdictions.forms import home_membership
from partners.models import Partner, Region
from programs import importing, services
from programs.filters import CadreFilter
from programs.forms import (
    BackgroundFieldForm,
    BackgroundForm,
    CadreForm,
    CadreImportMappingForm,
    CadreImportUploadForm,
)
from programs.models import BackgroundField, Cadre, CadreBackground, Enrolment, PendingImport
from programs.timeline import cadre_timeline

LIST_CONTROLS = ("page", "sort", "after", "before")  # not filters


def _program_count() -> Coalesce:
    enrolments = Enrolment.objects.filter(cadre=OuterRef("pk")).order_by().values("cadre")
    return Coalesce(Subquery(enrolments.annotate(n=Count("program")).values("n")), 0)


@perm_or_404("programs.view_cadre")
def cadre_list(request: HttpRequest) -> HttpResponse:
    cadres = (
        Cadre.objects.visible_to(request.user)
        .select_related("province", "city", "home_partner")
        # A subquery, not Count(): counted for the 25 rows shown, not grouped over every cadre.
        .annotate(program_count=_program_count())
        .order_by("full_name", "pk")
    )
    filters = CadreFilter(request.GET, queryset=cadres, request=request, listing=True)
    context = {
        "filters": filters,
        "page": paginate(request, filters.qs),
        "filtered": any(v for k, v in request.GET.items() if k not in LIST_CONTROLS),
    }
    return render(request, "programs/cadre_list.html", context)


@perm_or_404("programs.manage_cadres")
def cadre_create(request: HttpRequest) -> HttpResponse:
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cadre = form.save()
        messages.success(request, _("%(name)s is added.") % {"name": cadre.full_name})
        return redirect(cadre)
    return render(request, "programs/cadre_form.html", {"form": form})


@perm_or_404("programs.manage_cadres")
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user), pk=pk)
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile is saved."))
        return redirect(cadre)
    return render(request, "programs/cadre_form.html", {"form": form, "cadre": cadre})


@perm_or_404("programs.view_cadre")
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_object_or_404(
        Cadre.objects.visible_to(request.user).select_related(
            "province", "city", "home_partner", "unit"
        ),
        pk=pk,
    )
    # The cadre's own page is the only place their background is shown per person.
    background = (
        CadreBackground.objects.visible_to(request.user)
        .filter(cadre=cadre)
        .select_related("consent_recorded_by")
        .first()
    )
    context = {
        "cadre": cadre,
        "background": background,
        "extra_answers": _extra_answers(background),
        "enrolments": cadre.enrolments.select_related("program"),
        "timeline": cadre_timeline(cadre, request.user),
    }
    return render(request, "programs/cadre_detail.html", context)


def _extra_answers(background: CadreBackground | None) -> list[tuple[str, str]]:
    if not background or not background.extra:
        return []
    labels = dict(BackgroundField.objects.values_list("key", "label"))
    return [(labels.get(key, key), value) for key, value in background.extra.items()]


@perm_or_404("programs.manage_cadres")
def background_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user), pk=pk)
    # unscoped: the background of the cadre just fetched through visible_to.
    instance = CadreBackground.objects.unscoped().filter(cadre=cadre).first()
    if request.method == "POST" and "withdraw" in request.POST:
        services.background_withdraw(cadre=cadre)
        messages.success(request, _("Consent withdrawn: the background data is deleted."))
        return redirect(cadre)
    form = BackgroundForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.background_save(
            cadre=cadre,
            values=form.values(),
            consent_on=form.cleaned_data["consent_given_on"],
            by=request.user,
        )
        messages.success(request, _("The background data is saved with the consent."))
        return redirect(cadre)
    context = {"form": form, "cadre": cadre, "has_background": instance is not None}
    return render(request, "programs/background_form.html", context)


@perm_or_404("programs.manage_cadres")
def background_fields(request: HttpRequest) -> HttpResponse:
    form = BackgroundFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question is added."))
        return redirect("programs:background_fields")
    context = {"form": form, "questions": BackgroundField.objects.all()}
    return render(request, "programs/background_fields.html", context)


@perm_or_404("programs.manage_cadres")
def background_field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(BackgroundField, pk=pk)
    form = BackgroundFieldForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question is saved."))
        return redirect("programs:background_fields")
    context = {"form": form, "question": question}
    return render(request, "programs/background_field_form.html", context)


@login_required
@require_GET
@perm_or_404("programs.manage_cadres")
def city_options(request: HttpRequest) -> JsonResponse:
    """Regencies and cities of one province, for the narrowing city drop-down."""
    province = request.GET.get("province", "")
    # Digits only, and small enough for a database integer (SQLite raises otherwise).
    known = province.isdigit() and int(province) < 2**63
    regions = Region.objects.filter(province_id=province) if known else []
    return JsonResponse({"options": [[r.pk, r.name] for r in regions]})


@perm_or_404("programs.import_cadres")
def cadre_import(request: HttpRequest) -> HttpResponse:
    # The file waits in a PendingImport named in the URL, never in the session.
    if "pending" in request.GET:
        return _import_map_and_preview(request, _pending_import(request))
    if request.method == "POST":
        return _import_upload(request)
    return render(request, "programs/cadre_import.html", {"upload": CadreImportUploadForm()})


def _pending_import(request: HttpRequest) -> PendingImport:
    """The user's own pending import; anyone else's, an expired or a made-up one: 404."""
    try:
        pk = uuid.UUID(request.GET["pending"])
    except ValueError as bad:
        raise Http404 from bad
    return get_object_or_404(PendingImport.objects.owned_by(request.user), pk=pk)


def _import_upload(request: HttpRequest) -> HttpResponse:
    PendingImport.discard(request.user)  # a new upload starts over
    form = CadreImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows = importing.read_rows(upload)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            pending = PendingImport.start(
                owner=request.user, file_name=upload.name, headers=headers, rows=rows
            )
            return redirect(f"{reverse('programs:cadre_import')}?pending={pending.pk}")
    return render(request, "programs/cadre_import.html", {"upload": form})


def _import_map_and_preview(request: HttpRequest, pending: PendingImport) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CadreImportMappingForm(
        data,
        headers=pending.headers,
        targets=importing.TARGETS,
        initial_map={k: str(v) for k, v in importing.guess_mapping(pending.headers).items()},
    )
    results = None
    if form.is_valid():
        partners = Partner.objects.visible_to(request.user)
        results = importing.check_rows(pending.rows, form.mapping(), partners)
        if "confirm" in request.POST and all(r.ok for r in results):
            try:
                home = home_membership(request.user)
                placement = (home.organisation_id, home.unit_id) if home else None
                count = importing.save_all(results, placement=placement)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                pending.delete()
                messages.success(request, _("%(count)s cadres imported.") % {"count": count})
                return redirect("programs:cadre_list")
    return render(request, "programs/cadre_import.html", _preview_context(pending, form, results))


def _preview_context(pending: PendingImport, form, results: list | None) -> dict:
    """At most KADER_IMPORT_PREVIEW_ROWS rows are shown, those with errors first: the
    page stays small whatever the file."""
    bad_rows = [r for r in results or [] if not r.ok]
    shown = (bad_rows + [r for r in results or [] if r.ok])[: settings.KADER_IMPORT_PREVIEW_ROWS]
    return {
        "form": form,
        "pending": pending,
        "file_name": pending.file_name,
        "row_count": len(pending.rows),
        "results": results,
        "shown_rows": sorted(shown, key=lambda r: r.number),
        "hidden_count": len(results or []) - len(shown),
        "bad_rows": bad_rows,
        "targets": importing.TARGETS,
    }
