"""Pages of the partnership register.

Every object comes through `<Model>.objects.visible_to(request.user)` and
`get_object_or_404`, so whatever a user may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import perm_or_404
from core.autocomplete import lookup_response
from core.pagination import paginate
from jurisdictions.scope import scope_of

from .filters import AgreementFilter, PartnerFilter, coordinators, person_label
from .forms import (
    AgreementForm,
    CommunicationLogForm,
    ContactFormSet,
    DocumentForm,
    IndicatorFormSet,
    PartnerForm,
    PartyFormSet,
    RenewForm,
    TerminateForm,
)
from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CommunicationLog,
    Partner,
)


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without some keys (for pagination and count links)."""
    params: QueryDict = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def validation_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Partners ----------------------------------------------------------------------------


def _agreement_count() -> Coalesce:
    parties = AgreementParty.objects.filter(partner=OuterRef("pk")).order_by().values("partner")
    return Coalesce(Subquery(parties.annotate(n=Count("pk")).values("n")), 0)


@perm_or_404("partners.view_partner")
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = (
        Partner.objects.visible_to(request.user)
        .select_related("province", "region")
        .order_by("name", "pk")  # Meta.ordering is dropped once the count groups rows
    )
    if request.user.has_perm("partners.view_partner_private"):
        # A subquery for the 25 rows shown, not a GROUP BY over every partner.
        partners = partners.annotate(agreement_count=_agreement_count())
    filterset = PartnerFilter(request.GET or None, queryset=partners, user=request.user)
    context = {"filter": filterset, "page": paginate(request, filterset.qs)}
    return render(request, "partners/partner_list.html", context)


@require_GET
@perm_or_404("partners.view_partner")
def partner_lookup(request: HttpRequest) -> JsonResponse:
    """Partners for a filter's autocomplete: only those the user may see."""
    partners = Partner.objects.visible_to(request.user).order_by("name", "pk")
    return lookup_response(request, partners.only("pk", "name"), ["name"])


@require_GET
@perm_or_404("partners.view_agreement")
def coordinator_lookup(request: HttpRequest) -> JsonResponse:
    """People who can coordinate an agreement, for the agreement list's filter."""
    people = coordinators().only("pk", "username", "first_name", "last_name")
    search = ["username", "first_name", "last_name"]
    return lookup_response(request, people, search, label=person_label)


@require_GET
@perm_or_404("partners.view_agreement")
def agreement_lookup(request: HttpRequest) -> JsonResponse:
    """Agreements for a form's autocomplete (a program's agreements): only those visible."""
    agreements = Agreement.objects.visible_to(request.user).order_by("title", "pk")
    return lookup_response(request, agreements.only("pk", "title"), ["title", "reference"])


def _partner_agreements(partner: Partner, user) -> QuerySet:
    return (
        Agreement.objects.visible_to(user)
        .filter(agreement_parties__partner=partner)
        .annotate(indicator_count=Count("indicators", distinct=True))
        .order_by("-start_date")
    )


@perm_or_404("partners.view_partner")
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partners = Partner.objects.visible_to(request.user).select_related("province", "region")
    partner = get_object_or_404(partners, pk=pk)
    context = {"partner": partner}
    # Mentors get the public profile only; the view decides, not the template.
    if request.user.has_perm("partners.view_partner_private"):
        logs = CommunicationLog.objects.visible_to(request.user).filter(partner=partner)
        context |= {
            "private": True,
            "contacts": list(partner.contacts.all()),
            "agreements": list(_partner_agreements(partner, request.user)),
            "communications": list(logs.select_related("agreement", "logged_by")),
            "can_delete": partner.can_be_deleted(),
        }
    return render(request, "partners/partner_detail.html", context)


def _save_partner(request: HttpRequest, partner: Partner | None) -> HttpResponse:
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    contacts = ContactFormSet(request.POST or None, instance=form.instance, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            saved = form.save()
            contacts.instance = saved
            contacts.save()
        messages.success(request, _("Partner “%(name)s” saved.") % {"name": saved.name})
        return redirect(saved)
    context = {"form": form, "contacts": contacts, "partner": partner}
    return render(request, "partners/partner_form.html", context)


@perm_or_404("partners.add_partner")
def partner_create(request: HttpRequest) -> HttpResponse:
    return _save_partner(request, None)


@perm_or_404("partners.change_partner")
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=pk)
    return _save_partner(request, partner)


@require_POST
@perm_or_404("partners.change_partner")
def partner_archive(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=pk)
    if request.POST.get("restore"):
        partner.restore()
        messages.success(request, _("Partner restored from the archive."))
    else:
        partner.archive()
        messages.success(request, _("Partner archived. Its agreements and history are kept."))
    return redirect(partner)


@require_POST
@perm_or_404("partners.delete_partner")
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=pk)
    if not partner.can_be_deleted():
        messages.error(request, _("A partner with agreements cannot be deleted: archive it."))
        return redirect(partner)
    partner.delete()
    messages.success(request, _("Partner deleted."))
    return redirect("partners:partner_list")


# --- Communication log ------------------------------------------------------------------


def _save_log(request: HttpRequest, partner: Partner, log: CommunicationLog) -> HttpResponse:
    form = CommunicationLogForm(
        request.POST or None, instance=log, partner=partner, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.logged_by = entry.logged_by or request.user
        entry.save()
        messages.success(request, _("Communication logged."))
        return redirect(f"{partner.get_absolute_url()}#communication")
    context = {"form": form, "partner": partner, "log": log}
    return render(request, "partners/communicationlog_form.html", context)


@perm_or_404("partners.add_communicationlog")
def communication_create(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=partner_pk)
    initial_agreement = request.GET.get("agreement")
    log = CommunicationLog(partner=partner)
    if initial_agreement and initial_agreement.isdigit():
        log.agreement = (
            Agreement.objects.visible_to(request.user)
            .filter(pk=initial_agreement, agreement_parties__partner=partner)
            .first()
        )
    return _save_log(request, partner, log)


@perm_or_404("partners.change_communicationlog")
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    logs = CommunicationLog.objects.visible_to(request.user).select_related("partner")
    log = get_object_or_404(logs, pk=pk)
    return _save_log(request, log.partner, log)


# --- Agreements -------------------------------------------------------------------------


def formality_basis_counts(qs: QuerySet) -> list[dict]:
    """Count per formality × basis in one query, for the table above the list."""
    combos = [(f, b) for f in Agreement.Formality for b in Agreement.Basis]
    counts = qs.aggregate(
        **{
            f"{f.value}_{b.value}": Count("pk", filter=Q(formality=f, basis=b), distinct=True)
            for f, b in combos
        }
    )
    return [
        {"formality": f, "basis": b, "count": counts[f"{f.value}_{b.value}"]} for f, b in combos
    ]


@perm_or_404("partners.view_agreement")
def agreement_list(request: HttpRequest) -> HttpResponse:
    visible = Agreement.objects.visible_to(request.user)
    filterset = AgreementFilter(request.GET or None, queryset=visible, user=request.user)
    # The counts follow every filter except formality and basis themselves.
    others = request.GET.copy()
    for key in ("formality", "basis", "page", "sort", "after", "before"):
        others.pop(key, None)
    counted = AgreementFilter(others or None, queryset=visible, user=request.user).qs
    agreements = filterset.qs.select_related("coordinator").prefetch_related(
        Prefetch("agreement_parties", AgreementParty.objects.select_related("partner"))
    )
    context = {
        "filter": filterset,
        "page": paginate(request, agreements),
        "counts": formality_basis_counts(counted),
        "count_query": query_without(request, "formality", "basis", "page", "after", "before"),
        "today": timezone.localdate(),
    }
    return render(request, "partners/agreement_list.html", context)


def _agreement(request: HttpRequest, pk: int, *, to_change: bool = False) -> Agreement:
    """An agreement the user may see; `to_change`: one their office owns (a unit it only
    covers sees it, and answers 404 to a change: docs/jurisdictions.md)."""
    agreements = Agreement.objects
    qs = (
        agreements.changeable_by(request.user) if to_change else agreements.visible_to(request.user)
    )
    qs = qs.select_related("coordinator", "renewal_of", "renewed_by")
    return get_object_or_404(qs, pk=pk)


@perm_or_404("partners.view_agreement")
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_agreement(request, _agreement(request, pk), DocumentForm())


def _render_agreement(
    request: HttpRequest, agreement: Agreement, document_form: DocumentForm, status: int = 200
) -> HttpResponse:
    context = {
        "agreement": agreement,
        "parties": agreement.agreement_parties.select_related("partner"),
        "indicators": agreement.indicators.all(),
        "documents": agreement.documents.select_related("uploaded_by"),
        "communications": agreement.communications.select_related("partner")[:20],
        "document_form": document_form,
        "terminate_form": TerminateForm(),
        "renew_form": RenewForm(initial={"start_date": agreement.end_date}),
        # The owning office and those above it change it; a covered unit only sees it.
        "can_change": scope_of(request.user).covers(agreement),
    }
    return render(request, "partners/agreement_detail.html", context, status=status)


def _save_agreement(request: HttpRequest, agreement: Agreement | None) -> HttpResponse:
    data = request.POST or None
    form = AgreementForm(
        data, instance=agreement, initial={"coordinator": request.user}, user=request.user
    )
    parties = PartyFormSet(data, instance=form.instance, prefix="parties", user=request.user)
    indicators = IndicatorFormSet(data, instance=form.instance, prefix="indicators")
    if agreement is not None:  # editing: no blank rows; "Add another" adds them
        parties.extra = indicators.extra = 0
    _preselect_partner(request, parties)
    if request.method == "POST" and all(f.is_valid() for f in (form, parties, indicators)):
        with transaction.atomic():
            saved = form.save()
            for formset in (parties, indicators):
                formset.instance = saved
                formset.save()
        messages.success(request, _("Agreement saved."))
        return redirect(saved)
    context = {"form": form, "parties": parties, "indicators": indicators, "agreement": agreement}
    return render(request, "partners/agreement_form.html", context)


def _preselect_partner(request: HttpRequest, parties: PartyFormSet) -> None:
    """ "New agreement" from a partner page starts with that partner as the first party."""
    partner_id = request.GET.get("partner", "")
    if request.method == "GET" and partner_id.isdigit() and parties.forms:
        parties.forms[0].initial["partner"] = int(partner_id)


@perm_or_404("partners.add_agreement")
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _save_agreement(request, None)


@perm_or_404("partners.change_agreement")
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, to_change=True)
    if agreement.status in (Agreement.Status.ENDED, Agreement.Status.TERMINATED):
        messages.error(request, _("A closed agreement cannot be edited: renew it instead."))
        return redirect(agreement)
    return _save_agreement(request, agreement)


@require_POST
@perm_or_404("partners.change_agreement")
def agreement_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Activate or end an agreement; the model refuses what its rules forbid."""
    agreement = _agreement(request, pk, to_change=True)
    done = {
        "activate": (agreement.activate, _("Agreement activated.")),
        "end": (agreement.end, _("Agreement ended.")),
    }
    if action not in done:
        raise Http404
    method, message = done[action]
    try:
        method()
    except ValidationError as error:
        messages.error(request, validation_message(error))
    else:
        messages.success(request, message)
    return redirect(agreement)


@perm_or_404("partners.change_agreement")
def agreement_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, to_change=True)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement.terminate(form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("Agreement terminated."))
        return redirect(agreement)
    return render(
        request,
        "partners/agreement_action.html",
        {"agreement": agreement, "form": form, "action": "terminate"},
    )


@perm_or_404("partners.add_agreement")
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, to_change=True)
    form = RenewForm(request.POST or None, initial={"start_date": agreement.end_date})
    if request.method == "POST" and form.is_valid():
        try:
            renewal = agreement.renew(**form.cleaned_data)
        except ValidationError as error:
            messages.error(request, validation_message(error))
            return redirect(agreement)
        messages.success(request, _("Renewal created as a draft: review it and activate it."))
        return redirect(renewal)
    return render(
        request,
        "partners/agreement_action.html",
        {"agreement": agreement, "form": form, "action": "renew"},
    )


# --- Documents --------------------------------------------------------------------------


@require_POST
@perm_or_404("partners.add_agreementdocument")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, to_change=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        document = form.save(commit=False)
        document.agreement, document.uploaded_by = agreement, request.user
        document.save()
        messages.success(request, _("Document uploaded."))
        return redirect(f"{agreement.get_absolute_url()}#documents")
    # The agreement's own page again, with the error at the file field and the kind chosen.
    messages.error(request, _("The document was not uploaded: see the message at the field."))
    return _render_agreement(request, agreement, form)


@perm_or_404("partners.view_agreementdocument")
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(AgreementDocument.objects.visible_to(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@perm_or_404("partners.delete_agreementdocument")
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(AgreementDocument.objects.visible_to(request.user), pk=pk)
    agreement = document.agreement
    if agreement.status != Agreement.Status.DRAFT and document.kind == document.Kind.SIGNED:
        messages.error(request, _("The signed document of a live or closed agreement is kept."))
    else:
        document.file.delete(save=False)
        document.delete()
        messages.success(request, _("Document deleted."))
    return redirect(f"{agreement.get_absolute_url()}#documents")
