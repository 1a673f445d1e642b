"""Rendered rows kept by their fingerprint (core/fragments.py): never stale, shared safely."""

import datetime as dt

import pytest
from django.db.models import Count, Prefetch
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, override

from core.fragments import fingerprint
from factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CadreFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
)
from partners.models import Agreement, AgreementParty, Partner, Region

pytestmark = pytest.mark.django_db


def _partners():
    return list(
        Partner.objects.select_related("province", "region")
        .annotate(parties=Count("agreement_parties"))
        .order_by("pk")
    )


def test_the_same_rows_read_twice_have_the_same_fingerprint():
    PartnerFactory.create_batch(3)
    assert fingerprint(_partners()) == fingerprint(_partners())


def test_a_changed_field_changes_the_fingerprint():
    partner = PartnerFactory()
    before = fingerprint(_partners())
    Partner.objects.filter(pk=partner.pk).update(name="Yayasan Baru")
    assert fingerprint(_partners()) != before


def test_a_change_in_a_related_row_loaded_with_it_changes_the_fingerprint():
    partner = PartnerFactory(region=Region.objects.filter(province__isnull=False).first())
    before = fingerprint(_partners())
    Region.objects.filter(pk=partner.region_id).update(name="Kabupaten Lain")
    assert fingerprint(_partners()) != before


def test_an_annotation_changes_the_fingerprint():
    partner = PartnerFactory()
    before = fingerprint(_partners())
    AgreementPartyFactory(partner=partner)
    assert fingerprint(_partners()) != before


def test_a_change_in_a_prefetched_row_changes_the_fingerprint():
    party = AgreementPartyFactory()

    def agreements():
        parties = AgreementParty.objects.select_related("partner")
        return list(Agreement.objects.prefetch_related(Prefetch("agreement_parties", parties)))

    before = fingerprint(agreements())
    Partner.objects.filter(pk=party.partner_id).update(name="Mitra Berganti Nama")
    assert fingerprint(agreements()) != before


def test_plain_values_and_lazy_text():
    assert fingerprint([1, "a", dt.date(2026, 1, 1)]) == fingerprint([1, "a", dt.date(2026, 1, 1)])
    assert fingerprint([1, "a"]) != fingerprint(["1", "a"])  # types count
    assert fingerprint({"b": 1, "a": 2}) == fingerprint({"a": 2, "b": 1})
    with override("en"):
        english = fingerprint(gettext_lazy("Partners"))
    with override("id"):
        indonesian = fingerprint(gettext_lazy("Partners"))
    assert english != indonesian


def test_a_value_without_a_stable_text_is_never_kept():
    thing = object()  # its only text would be its address
    assert fingerprint([thing]) != fingerprint([thing])


def _render_rows(rows, **extra) -> str:
    template = Template(
        "{% load kader_fragments %}"
        '{% cacherows "test_rows" rows flag %}'
        "{% for row in rows %}{{ row.name }}|{{ flag }};{% endfor %}"
        "{% endcacherows %}"
    )
    return template.render(Context({"rows": rows, **extra}))


def test_cacherows_serves_kept_rows_without_rendering_them_again():
    PartnerFactory(name="Koperasi Satu")
    rows = _partners()
    assert _render_rows(rows, flag="x") == "Koperasi Satu|x;"
    # The same values read again: the kept fragment is served, so a template that would now
    # render differently (here: a row whose str() changed but whose values did not) is not run.
    again = _partners()
    assert _render_rows(again, flag="x") == "Koperasi Satu|x;"
    template = Template(
        '{% load kader_fragments %}{% cacherows "test_rows" rows flag %}NEW{% endcacherows %}'
    )
    assert template.render(Context({"rows": again, "flag": "x"})) == "Koperasi Satu|x;"


def test_cacherows_renders_again_when_a_row_changes():
    partner = PartnerFactory(name="Koperasi Satu")
    assert _render_rows(_partners(), flag="x") == "Koperasi Satu|x;"
    Partner.objects.filter(pk=partner.pk).update(name="Koperasi Dua")
    assert _render_rows(_partners(), flag="x") == "Koperasi Dua|x;"


def test_cacherows_varies_on_what_the_template_names():
    PartnerFactory(name="Koperasi Satu")
    assert _render_rows(_partners(), flag="x") == "Koperasi Satu|x;"
    assert _render_rows(_partners(), flag="y") == "Koperasi Satu|y;"


def test_cacherows_varies_on_language_and_date(monkeypatch):
    """The language, the time zone and today are in every key: a row that says "overdue"
    or "expiring soon" is rendered again on the next day, whatever the template passes."""
    PartnerFactory()
    template = Template(
        "{% load i18n kader_fragments %}"
        '{% cacherows "test_rows" rows %}{% translate "Partners" %} {{ day }}{% endcacherows %}'
    )
    rows = _partners()
    with override("en"):
        assert template.render(Context({"rows": rows, "day": "A"})) == "Partners A"
    with override("id"):
        assert template.render(Context({"rows": rows, "day": "B"})) == "Mitra B"
        assert template.render(Context({"rows": rows, "day": "C"})) == "Mitra B"  # kept
        tomorrow = timezone.now() + dt.timedelta(days=1)
        monkeypatch.setattr(timezone, "now", lambda: tomorrow)
        assert template.render(Context({"rows": rows, "day": "D"})) == "Mitra D"


def test_the_partner_list_shows_a_region_renamed_after_its_rows_were_kept(as_coordinator):
    region = Region.objects.filter(province__isnull=False).first()
    PartnerFactory(name="Yayasan Sehat", region=region)
    url = reverse("partners:partner_list")
    assert region.name in as_coordinator.get(url).content.decode()
    Region.objects.filter(pk=region.pk).update(name="Kota Baru Sekali")
    assert "Kota Baru Sekali" in as_coordinator.get(url).content.decode()


def test_kept_partner_rows_keep_the_agreement_column_to_those_who_may_see_it(
    client, coordinator, mentor_a
):
    """A coordinator's page keeps the rows with the agreement count; a mentor who sees the
    same partner gets rows without that column, not the coordinator's kept ones."""
    partner = PartnerFactory(name="Yayasan Sehat")
    AgreementPartyFactory(partner=partner, agreement=AgreementFactory())
    program = ProgramFactory()
    program.partners.add(partner)
    MentorshipFactory(mentor__user=mentor_a, enrolment=EnrolmentFactory(program=program))
    url = reverse("partners:partner_list")
    count_cell = '<td class="d-none d-md-table-cell text-end">1</td>'
    client.force_login(coordinator)
    assert count_cell in client.get(url).content.decode()
    client.force_login(mentor_a)
    page = client.get(url).content.decode()
    assert "Yayasan Sehat" in page
    assert count_cell not in page


def test_the_cadre_and_evaluation_lists_show_changes_to_kept_rows(as_coordinator):
    cadre = CadreFactory(full_name="Siti Aminah")
    evaluation = EvaluationFactory(due_date=timezone.localdate() + dt.timedelta(days=10))
    cadres, evaluations = reverse("programs:cadre_list"), reverse("evaluations:evaluation_list")
    assert "Siti Aminah" in as_coordinator.get(cadres).content.decode()
    overdue = '<span class="badge text-bg-danger">Overdue</span>'  # not the filter's label
    assert overdue not in as_coordinator.get(evaluations).content.decode()
    type(cadre).objects.filter(pk=cadre.pk).update(full_name="Siti Rahmawati")
    # Its due date moves into the past (a coordinator's edit in the admin, say).
    type(evaluation).objects.filter(pk=evaluation.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    page = as_coordinator.get(cadres).content.decode()
    assert "Siti Rahmawati" in page and "Siti Aminah" not in page
    assert overdue in as_coordinator.get(evaluations).content.decode()


def test_the_program_page_shows_changes_to_its_kept_sections(as_coordinator):
    """Enrolled cadres, mentor pairs and what is due are kept by what they show: a renamed
    cadre and a newly logged session appear at once."""
    from factories import SessionFactory

    pair = MentorshipFactory(enrolment__cadre__full_name="Rina Wulandari")
    program = pair.enrolment.program
    url = reverse("programs:program_detail", args=[program.pk])
    page = as_coordinator.get(url).content.decode()
    assert page.count("Rina Wulandari") >= 2  # enrolled, and in the pair
    type(pair.enrolment.cadre).objects.filter(pk=pair.enrolment.cadre_id).update(
        full_name="Rina Kartika"
    )
    SessionFactory(mentorship=pair, date=timezone.localdate() - dt.timedelta(days=1))
    page = as_coordinator.get(url).content.decode()
    assert "Rina Wulandari" not in page
    assert page.count("Rina Kartika") >= 2
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).strftime("%-d %b %Y")
    assert yesterday in page  # the pair's "last met"
