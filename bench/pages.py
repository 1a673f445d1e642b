"""What `make bench` measures: every page a coordinator or a mentor uses, by URL name.

Declarations only, so that `kader/tests/test_bench_covers_every_page.py` can hold them to
the URLconf without a seeded database: a page of the URL list that no entry names fails
that test, unless NOT_PAGES says why it is no page to measure. `bench/run.py` turns each
entry into a path by resolving its object (`obj`) among those the persona sees, in the
seeded database (`bench/objects.py`).

Every coordinator page is measured twice: as the national coordinator and as a district's
(issue 17: the same page loads different rows for an office).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NATIONAL, DISTRICT, MENTOR, ADMIN = "national", "district", "mentor", "admin"


@dataclass(frozen=True)
class Page:
    name: str  # what the table says
    url: str  # the URL name, reversed with the object's id (or `kwargs`)
    obj: str | None = None  # the object filling the URL: a key of bench/objects.py
    query: str = ""  # a query string, without "?"
    # "page"; "stream" (first byte and end); "post" (a redirect); "xlsx": an export, the
    # file or the background export's page (a redirect), within the export budget (2 s)
    kind: str = "page"
    status: int = 200  # the answer a GET expects
    model: str | None = None  # the admin changelist it is compared to
    kwargs: dict = field(default_factory=dict)  # URL arguments that are not an object's id
    param: str = "pk"  # the URL argument the object's value fills


EXPORT_LISTS = ("partners", "agreements", "programs", "cadres", "sessions", "evaluations")

# Every page a coordinator uses, measured as the national coordinator and as a district's.
COORDINATOR: list[Page] = [
    Page("dashboard", "home"),
    Page("settings for a phone", "mobile_settings"),
    # partners
    Page("partner list", "partners:partner_list", model="partners.Partner"),
    Page("partner page", "partners:partner_detail", "partner", model="partners.Partner"),
    Page("new partner form", "partners:partner_create"),
    Page("partner edit form", "partners:partner_edit", "partner"),
    Page("partner lookup", "partners:partner_lookup", query="q=yay"),
    Page("communication log form", "partners:communication_create", "partner", param="partner_pk"),
    Page("communication log edit form", "partners:communication_edit", "log"),
    Page("agreement list", "partners:agreement_list", model="partners.Agreement"),
    Page("agreement page", "partners:agreement_detail", "agreement", model="partners.Agreement"),
    Page("new agreement form", "partners:agreement_create"),
    Page("agreement edit form", "partners:agreement_edit", "open_agreement"),
    Page("agreement renewal form", "partners:agreement_renew", "agreement"),
    Page("agreement termination form", "partners:agreement_terminate", "agreement"),
    Page("agreement lookup", "partners:agreement_lookup", query="q=kerja"),
    Page("coordinator lookup", "partners:coordinator_lookup", query="q=sc"),
    # The lists' office filter (issue 17).
    Page("office lookup", "offices:unit_lookup", query="q=band"),
    # programs and cadres
    Page("program list", "programs:program_list", model="programs.Program"),
    Page("program page", "programs:program_detail", "program", model="programs.Program"),
    Page("new program form", "programs:program_create"),
    Page("program edit form", "programs:program_edit", "program"),
    Page("program lookup", "programs:program_lookup", query="q=men"),
    Page("enrolment form", "programs:enrolment_create", "program"),
    Page("enrolment: cadre lookup", "programs:enrolment_cadres", "program", query="q=siti"),
    Page("enrolment edit form", "programs:enrolment_edit", "enrolment"),
    Page("pairing a mentee", "programs:pairing", "unpaired"),
    Page("pairing: mentor lookup", "programs:mentor_lookup", "unpaired", query="q=sit"),
    Page("cadre directory, first page", "programs:cadre_list", model="programs.Cadre"),
    Page("cadre directory, deep page", "programs:cadre_list", "middle", model="programs.Cadre"),
    Page(
        "cadre directory, search",
        "programs:cadre_list",
        query="q=Siti+Wati",
        model="programs.Cadre",
    ),
    Page("cadre directory, filter", "programs:cadre_list", "province_filter"),
    Page("cadre page", "programs:cadre_detail", "cadre", model="programs.Cadre"),
    Page("new cadre form", "programs:cadre_create"),
    Page("cadre edit form", "programs:cadre_edit", "cadre"),
    Page("cadre background form", "programs:background_edit", "cadre"),
    Page("cadre import form", "programs:cadre_import"),
    Page("cities of a province", "programs:city_options", "province_query"),
    Page("background questions", "programs:background_fields"),
    Page("background question form", "programs:background_field_edit", "field"),
    Page("mentor list", "programs:mentor_list", model="programs.MentorProfile"),
    Page("new mentor form", "programs:mentor_create"),
    Page("mentor edit form", "programs:mentor_edit", "profile"),
    Page("pair page", "programs:mentorship_detail", "mentorship"),
    Page("goal form", "programs:goal_create", "mentorship"),
    Page("goal progress form", "programs:goal_progress", "goal"),
    Page("session list", "programs:session_list", model="programs.Session"),
    # evaluations and reminders
    Page("evaluation list", "evaluations:evaluation_list", model="evaluations.Evaluation"),
    Page("evaluation page", "evaluations:evaluation_detail", "evaluation"),
    Page("evaluation form", "evaluations:evaluation_fill", "evaluation"),
    Page("evaluation planning form", "evaluations:evaluation_plan", "evaluation"),
    Page("evaluator lookup", "evaluations:evaluator_lookup", query="q=sit"),
    Page("my evaluations", "evaluations:my_evaluations"),
    Page("reminder list", "evaluations:reminder_list", model="evaluations.Reminder"),
    Page("reminder settings", "evaluations:preferences"),
    Page("inbox", "evaluations:inbox"),
    # reports, calendar, exports
    Page("agreement report", "dashboard:agreement_report", "agreement"),
    Page("agreement report (PDF)", "dashboard:agreement_pdf", "agreement"),
    Page("program report", "dashboard:program_report", "program"),
    # A big program's PDF is drawn by the worker: the answer is then the export's page.
    Page("program report (PDF)", "dashboard:program_pdf", "program", kind="xlsx"),
    Page("calendar settings", "dashboard:calendar_settings"),
    Page("calendar feed", "dashboard:calendar_feed", "feed", param="token"),
    Page("my exports", "dashboard:export_list"),
    Page("an export's page", "dashboard:export_detail", "export"),
    Page("an export's file", "dashboard:export_download", "export"),
    *(
        Page(
            f"{name} export (CSV)",
            "dashboard:export",
            kind="stream",
            kwargs={"name": name, "fmt": "csv"},
        )
        for name in EXPORT_LISTS
    ),
    # Above KADER_EXPORT_BACKGROUND_ROWS the answer is the export's page (a redirect):
    # what is measured is the request that starts it; the worker's time is a job's.
    *(
        Page(
            f"{name} export (XLSX), start",
            "dashboard:export",
            kind="xlsx",
            kwargs={"name": name, "fmt": "xlsx"},
        )
        for name in EXPORT_LISTS
    ),
]

MENTOR_PAGES: list[Page] = [
    Page("mentor home", "programs:mentor_home"),
    # A mentor's home page is their mentees: "/" sends them there.
    Page("dashboard", "home", status=302),
    Page("pair page", "programs:mentorship_detail", "mentorship"),
    Page("goal form", "programs:goal_create", "mentorship"),
    Page("goal progress form", "programs:goal_progress", "goal"),
    Page("session form", "programs:session_create"),
    Page("log a session (POST)", "programs:session_create", "session_post", kind="post"),
    Page("session edit form", "programs:session_edit", "session"),
    Page("session delete page", "programs:session_delete", "session"),
    Page("session list", "programs:session_list"),
    Page("evaluation form", "evaluations:evaluation_fill", "evaluation"),
    Page("evaluation page", "evaluations:evaluation_detail", "evaluation"),
    Page("my evaluations", "evaluations:my_evaluations"),
    Page("reminder settings", "evaluations:preferences"),
    Page("inbox", "evaluations:inbox"),
    # Opening a reminder marks it read and sends the mentor where it asks them to act.
    Page("a reminder opened", "evaluations:inbox_open", "reminder", status=302),
    Page("partner list", "partners:partner_list"),
    Page("partner lookup", "partners:partner_lookup", query="q=yay"),
    Page("program lookup", "programs:program_lookup", query="q=men"),
    Page("calendar settings", "dashboard:calendar_settings"),
    Page("calendar feed", "dashboard:calendar_feed", "feed", param="token"),
    Page("settings for a phone", "mobile_settings"),
    Page("my exports", "dashboard:export_list"),
    Page(
        "sessions export (CSV)",
        "dashboard:export",
        kind="stream",
        kwargs={"name": "sessions", "fmt": "csv"},
    ),
]

# The references every run measures first (devtools/bench.py).
REFERENCES: list[Page] = [
    Page("floor", "bench_floor"),
    Page("floor in the layout", "bench_layout"),
]

# URL names that are no page to measure, each with its reason. The admin's pages are
# measured from its registry (bench/run.py), not named here.
NOT_PAGES: dict[str, str] = {
    # Infrastructure, fetched by machines, constant work whatever the data.
    "healthz": "load balancer's health check, no data",
    "web_manifest": "a static JSON file for the browser",
    "service_worker": "the offline mode's script, a template without data, fetched once",
    "evaluations:webhook_whatsapp": "provider's delivery callback, signed, not a person's page",
    "evaluations:webhook_sms": "provider's delivery callback, signed, not a person's page",
    "keep_alive": "POST-only ping that extends the session",
    "set_language": "POST-only: stores the language and redirects",
    # Signing in and the account: Django's own views over one user's row; the bench logs
    # in once per persona, before the clock, and its users have no TOTP device.
    "login": "the bench logs in before measuring; hashing is deliberate",
    "logout": "POST-only, ends the bench's own session",
    "password_change": "Django's form over the user's own row",
    "password_change_done": "a sentence, no data",
    "password_reset": "Django's form; sends mail",
    "password_reset_done": "a sentence, no data",
    "password_reset_confirm": "needs a token mailed to the user",
    "password_reset_complete": "a sentence, no data",
    "two_factor_setup": "the bench's users have no TOTP device (KADER_REQUIRE_2FA=0)",
    "two_factor_verify": "the bench's users have no TOTP device (KADER_REQUIRE_2FA=0)",
    # POST-only actions (GET answers 405): each changes one object and redirects; the
    # form pages that lead to them are measured.
    "evaluations:evaluation_review": "POST-only: approves or returns one evaluation",
    "evaluations:agreement_plan": "POST-only: plans one agreement's evaluations",
    "evaluations:reminder_retry": "POST-only: queues one reminder again",
    "partners:agreement_activate": "POST-only: one agreement's status",
    "partners:agreement_end": "POST-only: one agreement's status",
    "partners:partner_archive": "POST-only: one partner's status",
    "partners:partner_delete": "POST-only: deletes one partner",
    "partners:document_upload": "POST-only: a file upload onto the agreement page",
    "partners:document_delete": "POST-only: deletes one document",
    "programs:mentorship_end": "POST-only: ends one pair",
    "dashboard:refresh": "POST-only: queues the dashboard's recomputation",
    # Served from storage; the seeded tiers hold no agreement documents.
    "partners:document_download": "a stored file streamed by FileResponse; none seeded",
}


def covered_names() -> set[str]:
    """URL names the bench measures."""
    return {page.url for page in (*REFERENCES, *COORDINATOR, *MENTOR_PAGES)}


def planned() -> list[tuple[str, Page]]:
    """(persona, page) in the order measured: references, national, district, mentor."""
    return [
        *((NATIONAL, page) for page in REFERENCES),
        *((NATIONAL, page) for page in COORDINATOR),
        *((DISTRICT, page) for page in COORDINATOR),
        *((MENTOR, page) for page in MENTOR_PAGES),
    ]
