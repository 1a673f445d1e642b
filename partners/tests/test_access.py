"""Who may open which page: one matrix over URLs × personas.

Anonymous visitors are sent to the login page; everyone without the right gets a 404,
so that not even the existence of a partner or an agreement leaks.
"""

import pytest
from django.urls import reverse

from factories import AgreementDocumentFactory, AgreementFactory, CommunicationLogFactory

pytestmark = pytest.mark.django_db

COORDINATOR_ONLY = [
    ("partners:partner_create", None),
    ("partners:partner_edit", "partner"),
    ("partners:communication_create", "partner"),
    ("partners:communication_edit", "log"),
    ("partners:agreement_list", None),
    ("partners:agreement_create", None),
    ("partners:agreement_detail", "agreement"),
    ("partners:agreement_edit", "agreement"),
    ("partners:agreement_terminate", "agreement"),
    ("partners:agreement_renew", "agreement"),
    ("partners:document_download", "document"),
]
POST_ONLY = [
    ("partners:partner_archive", "partner"),
    ("partners:partner_delete", "partner"),
    ("partners:agreement_activate", "agreement"),
    ("partners:agreement_end", "agreement"),
    ("partners:document_upload", "agreement"),
    ("partners:document_delete", "document"),
]


@pytest.fixture
def objects():
    agreement = AgreementFactory(formality="formal")
    partner = agreement.partners.get()
    return {
        "agreement": agreement,
        "partner": partner,
        "document": AgreementDocumentFactory(agreement=agreement),
        "log": CommunicationLogFactory(partner=partner, agreement=agreement),
    }


def url(objects, name, kind):
    return reverse(name, args=[objects[kind].pk] if kind else [])


@pytest.mark.parametrize(("name", "kind"), COORDINATOR_ONLY)
def test_the_coordinator_opens_every_page(client, coordinator, objects, name, kind):
    # The coordinator tries every page of the register.
    client.force_login(coordinator)
    assert client.get(url(objects, name, kind)).status_code == 200


@pytest.mark.parametrize(("name", "kind"), COORDINATOR_ONLY + POST_ONLY)
@pytest.mark.parametrize("persona", ["mentor_a", "outsider"])
def test_mentors_and_outsiders_get_404(request, client, objects, persona, name, kind):
    # A mentor, or a user with no role, guesses the URL of a coordinator's page.
    client.force_login(request.getfixturevalue(persona))
    method = client.post if (name, kind) in POST_ONLY else client.get
    assert method(url(objects, name, kind)).status_code == 404


@pytest.mark.parametrize(("name", "kind"), COORDINATOR_ONLY + POST_ONLY)
def test_anonymous_visitors_are_sent_to_log_in(client, objects, name, kind):
    # Someone who is not logged in tries a page: the login page, nothing else.
    method = client.post if (name, kind) in POST_ONLY else client.get
    response = method(url(objects, name, kind))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_mentor_sees_no_partner_outside_their_programs(client, mentor_a, objects):
    # A mentor opens the partner list and a partner's page by its URL.
    client.force_login(mentor_a)
    response = client.get(reverse("partners:partner_list"))
    assert response.status_code == 200
    assert objects["partner"].name not in response.content.decode()
    detail = reverse("partners:partner_detail", args=[objects["partner"].pk])
    assert client.get(detail).status_code == 404


def test_an_outsider_cannot_see_the_partner_list(client, outsider, objects):
    # A user without a role tries the partner list and a partner page.
    client.force_login(outsider)
    assert client.get(reverse("partners:partner_list")).status_code == 404
    detail = reverse("partners:partner_detail", args=[objects["partner"].pk])
    assert client.get(detail).status_code == 404


def test_a_mentor_sees_only_public_details_of_a_partner_in_their_programs(
    client, mentor_a, mentor_b, objects
):
    # Mentor A mentors a cadre in a program the partner takes part in, and opens the
    # partner's page: name and public details, no contacts, agreements or logs.
    from factories import ContactFactory, EnrolmentFactory, MentorshipFactory, ProgramFactory

    partner = objects["partner"]
    ContactFactory(partner=partner, name="Kontak Rahasia")
    program = ProgramFactory(name="Sekolah Pemimpin Desa")
    program.partners.add(partner)
    MentorshipFactory(mentor__user=mentor_a, enrolment=EnrolmentFactory(program=program))
    client.force_login(mentor_a)
    listing = client.get(reverse("partners:partner_list")).content.decode()
    assert partner.name in listing
    body = client.get(reverse("partners:partner_detail", args=[partner.pk])).content.decode()
    assert partner.name in body
    assert "Sekolah Pemimpin Desa" in body
    for private in ("Kontak Rahasia", objects["agreement"].title, objects["log"].summary):
        assert private not in body
    assert 'data-testid="contacts"' not in body
    # Mentor B has no mentee there: the same URL is a 404.
    client.force_login(mentor_b)
    assert client.get(reverse("partners:partner_detail", args=[partner.pk])).status_code == 404


def test_the_nav_shows_partners_and_agreements_to_coordinators_only(client, coordinator, outsider):
    # The coordinator and an outsider each look at the home page's menu.
    client.force_login(coordinator)
    body = client.get(reverse("home")).content.decode()
    assert reverse("partners:agreement_list") in body
    client.force_login(outsider)
    body = client.get(reverse("home")).content.decode()
    assert reverse("partners:partner_list") not in body
