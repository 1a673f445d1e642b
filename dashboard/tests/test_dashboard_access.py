"""Who may open each new page: coordinators and admins everything, mentors their own
sessions, exports of what they may list and their calendar; others nothing (404)."""

import pytest
from django.urls import reverse

from factories import AgreementFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls() -> dict:
    agreement, program = AgreementFactory(), ProgramFactory()
    names = {
        "sessions": reverse("programs:session_list"),
        "calendar": reverse("dashboard:calendar_settings"),
        "agreement_report": reverse("dashboard:agreement_report", args=[agreement.pk]),
        "agreement_pdf": reverse("dashboard:agreement_pdf", args=[agreement.pk]),
        "program_report": reverse("dashboard:program_report", args=[program.pk]),
        "program_pdf": reverse("dashboard:program_pdf", args=[program.pk]),
    }
    for name in ("partners", "agreements", "programs", "cadres", "sessions", "evaluations"):
        for fmt in ("csv", "xlsx"):
            names[f"export_{name}_{fmt}"] = reverse("dashboard:export", args=[name, fmt])
    return names


MENTOR_MAY = {"sessions", "calendar", "export_partners_csv", "export_partners_xlsx"}
MENTOR_MAY |= {"export_sessions_csv", "export_sessions_xlsx"}


@pytest.mark.parametrize("persona", ["coordinator", "admin", "mentor_a", "outsider"])
def test_it_lets_each_role_open_only_its_pages(client, urls, persona, request):
    # Each persona tries every new URL; what they may not see does not exist (404).
    client.force_login(request.getfixturevalue(persona))
    for name, url in urls.items():
        allowed = persona in ("coordinator", "admin") or (
            persona == "mentor_a" and name in MENTOR_MAY
        )
        assert client.get(url).status_code == (200 if allowed else 404), (persona, name)


def test_it_sends_anonymous_visitors_to_the_login_page(client, urls):
    # Someone not logged in tries every new URL.
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_answers_404_for_an_unknown_list_or_format(client, coordinator):
    # The coordinator guesses export URLs that do not exist.
    client.force_login(coordinator)
    assert client.get("/exports/reminders.csv").status_code == 404
    assert client.get("/exports/partners.pdf").status_code == 404


def test_it_shows_the_dashboard_to_coordinators_and_admins_only(
    client, coordinator, admin, mentor_a, outsider
):
    # Each role opens the home page.
    for user in (coordinator, admin):
        client.force_login(user)
        assert "dashboard/dashboard.html" in [t.name for t in client.get("/").templates]
    client.force_login(mentor_a)
    assert client.get("/").url == reverse("programs:mentor_home")
    client.force_login(outsider)
    assert "dashboard/dashboard.html" not in [t.name for t in client.get("/").templates]
