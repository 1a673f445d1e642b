"""Journey 6. Language: on every page of every role's navigation, no Indonesian text in the
English UI and no English text in the Indonesian UI.

Each person logs in, reads the links of their own menu from the rendered page, and opens
every one in Bahasa Indonesia, then again after switching to English with the language
switch. The visible text of each page (text nodes, option labels, placeholders) is cut
into fragments and each fragment is compared with the catalogues:

- in the English UI, a fragment that is an Indonesian msgstr (locale/id) differing from
  every English text is flagged;
- in the Indonesian UI, a fragment that is an English msgid the Indonesian catalogue
  translates differently is flagged, and so is an English msgid of django-filter (the only
  library whose words the lists show; it has no Indonesian catalogue).

Catalogue strings with placeholders ("%(n)s cadres", "{} (descending)") become patterns.
Data typed by people (names, titles) is Indonesian in both UIs; it is never flagged unless a
fragment is exactly a catalogue string, which the fixtures' data avoids.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import polib
import pytest

from accounts.roles import COORDINATOR, MENTOR
from factories import (
    AgreementFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from journeys.conftest import PASSWORD, choose_language
from partners.models import AgreementParty
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

BASE_DIR = Path(__file__).resolve().parents[1]

# Words and phrases that are the same in both languages, though one catalogue entry turns
# them into something else: each says why it is allowed in the other language's UI.
ALLOWED = {
    "Kader",  # the product's name, in both languages
}
# Placeholders of Python %-format, {} format and blocktranslate, replaced by a pattern.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[a-z_]*\}")
# Where visible text is cut into fragments: separators the templates put between words
# that come from different catalogue entries (or from data).
SEPARATORS = re.compile(r"\s*(?:[·•|–—:;/()\[\]]|\s-\s|\n|\t)\s*")


def _texts(entry: polib.POEntry, language: str) -> list[str]:
    if language == "en":
        return [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    if entry.msgid_plural:
        return [text for text in entry.msgstr_plural.values() if text]
    return [entry.msgstr] if entry.msgstr else []


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po")


class Foreign:
    """The strings of one language that must not appear in the other's UI."""

    def __init__(self, strings: set[str], own: set[str]) -> None:
        self.exact = set()
        self.patterns = []
        for text in strings - own:
            if text in ALLOWED or "<" in text or not re.search(r"[A-Za-z]{3}", text):
                continue
            if PLACEHOLDER.search(text):
                literal = PLACEHOLDER.sub("", text)
                # Too little of the sentence is fixed to tell it from data: leave it.
                if len(re.findall(r"[A-Za-z]", literal)) < 6:
                    continue
                parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
                self.patterns.append((text, re.compile(".+?".join(parts))))
            else:
                self.exact.add(text)

    def found_in(self, visible: str) -> str | None:
        """The catalogue string `visible` is, whole or in one of its fragments."""
        fragments = [visible] + [f for f in SEPARATORS.split(visible) if f]
        for fragment in fragments:
            if fragment in self.exact:
                return fragment
        for text, pattern in self.patterns:
            if pattern.fullmatch(visible):
                return text
        return None


@functools.cache
def foreign(ui: str) -> Foreign:
    """What must not show in the `ui` language."""
    entries = [e for e in _catalogue("id") if e.msgstr or e.msgstr_plural]
    english = {_normal(t) for e in entries for t in _texts(e, "en")}
    indonesian = {_normal(t) for e in entries for t in _texts(e, "id")}
    if ui == "en":
        return Foreign(indonesian, english)
    library = polib.pofile(
        Path(__import__("django_filters").__file__).parent / "locale/de/LC_MESSAGES/django.po"
    )
    english |= {_normal(e.msgid) for e in library if e.msgid}
    return Foreign(english, indonesian)


VISIBLE_TEXT = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "svg"]);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (skip.has(node.parentElement.tagName)) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder]")) texts.push(el.placeholder);
  return texts;
}"""


def nav_links(page) -> list[str]:
    """Every page the person's menu leads to (main menu and user menu), in order."""
    hrefs = page.eval_on_selector_all(
        "#main-nav a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    seen = []
    for href in hrefs:
        if href.startswith("/") and href not in seen:
            seen.append(href)
    return seen


# Links inside a page that lead to no page to read (files, feeds, the way out).
NOT_PAGES = re.compile(r"\.(csv|xlsx|pdf|ics)(\?|$)|^/admin/|/logout/|/exports?/")


def page_links(page) -> list[str]:
    """The pages a person reaches from this one (its rows, its buttons), one per shape:
    /programs/12/ and /programs/13/ are the same page for the words on it."""
    hrefs = page.eval_on_selector_all(
        "#main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    hrefs = [href.split("#")[0] for href in hrefs]
    return [h for h in hrefs if h.startswith("/") and "?" not in h and not NOT_PAGES.search(h)]


def shape(href: str) -> str:
    return re.sub(r"\d+", "N", href)


def pages_behind(page, base: str, links: list[str], depth: int = 2) -> list[str]:
    """The menu's pages, then one of each kind of page they lead to, `depth` clicks deep."""
    pages, shapes, level = list(links), {shape(href) for href in links}, list(links)
    for _ in range(depth):
        following = []
        for href in level:
            page.goto(base + href)
            for found in page_links(page):
                if shape(found) not in shapes:
                    shapes.add(shape(found))
                    following.append(found)
        pages += following
        level = following
    return pages


def scan(page, base: str, links: list[str], language: str) -> list[str]:
    found = []
    check = foreign(language)
    for href in links:
        page.goto(base + href)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language, href
        for text in page.evaluate(VISIBLE_TEXT):
            hit = check.found_in(text)
            if hit:
                found.append(f"{language} {href}: {text!r} (catalogue: {hit!r})")
    return found


@pytest.fixture
def width() -> int:
    return 1280  # one width is enough to read words


@pytest.fixture
def world():
    """A little of everything, so that lists show rows and not only their empty state.
    The data's names are proper nouns, the same in both languages."""
    coordinator = UserFactory(
        username="sari", first_name="Sari", last_name="Wulandari", password=PASSWORD,
        role=COORDINATOR,
    )  # fmt: skip
    mentor = UserFactory(
        username="budi", first_name="Budi", last_name="Santoso", password=PASSWORD, role=MENTOR
    )
    UserFactory(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    partner = PartnerFactory(name="PT Sinar Nusantara")
    agreement = AgreementFactory(
        title="Nusantara 2026", coordinator=coordinator, start_date=dt.date.today(), parties=[]
    )
    AgreementParty.objects.create(agreement=agreement, partner=partner, role="Sponsor")
    program = ProgramFactory(name="Nusantara Leaders", coordinator=coordinator)
    program.agreements.add(agreement)
    pair = MentorshipFactory(
        mentor=MentorProfileFactory(user=mentor),
        enrolment=EnrolmentFactory(program=program, cadre__full_name="Ayu Lestari"),
    )
    SessionFactory(mentorship=pair, logged_by=mentor)
    EvaluationFactory(agreement=agreement, evaluator=coordinator)
    return {"coordinator": "sari", "mentor": "budi", "admin": "root"}


@pytest.mark.parametrize("role", ["coordinator", "mentor", "admin"])
def test_every_page_of_the_menu_speaks_one_language(stack, journey_page, world, role, settings):
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = True  # the dashboard's words, not "computing"
    page = journey_page
    page.goto(stack.url + "/")
    log_in(page, world[role])
    links = nav_links(page)
    if role == "admin":
        # The admin's menu is the coordinator's and Django admin: read the admin's index,
        # where Kader's models are named from its catalogue.
        links = ["/admin/"]
    assert links, "no menu read"
    links = pages_behind(page, stack.url, links)
    found = scan(page, stack.url, links, "id")
    page.goto(stack.url + "/")
    choose_language(page, "en")
    found += scan(page, stack.url, links, "en")
    print(f"{role}: {len(links)} pages read in each language:", *links)
    assert not found, "\n".join(found)
