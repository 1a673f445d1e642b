"""Bahasa Indonesia by default, English on request; both catalogues complete."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
LANGUAGES = ("id", "en")


def test_it_ignores_the_browsers_language_and_speaks_indonesian(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Masuk ke Kader" in response.content.decode()


def test_it_switches_to_english_on_request_and_back(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response["Content-Language"] == "en"
    assert "Programme dashboard" in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "id", "next": "/"}, follow=True)
    assert "Dasbor program" in response.content.decode()


def test_it_ignores_an_unknown_language(client, db):
    client.cookies["kader_language"] = "xx"
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "id"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_has_a_complete_catalogue(language):
    catalogue = polib.pofile(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po")
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [], f"untranslated in {language}: {missing[:20]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:20]}"


def test_it_has_every_string_of_the_code_in_the_catalogues(tmp_path):
    # Run makemessages on a copy of the code and compare with the committed catalogues,
    # so a string added without a translation fails here.
    if shutil.which("xgettext") is None:
        pytest.skip("needs gettext: no xgettext on PATH (`apt-get install gettext`)")
    ignore = shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "__pycache__")
    copy = tmp_path / "kader"
    shutil.copytree(BASE_DIR, copy, ignore=ignore)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=id",
            "--locale=en",
            "--no-obsolete",
            "--verbosity=0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1"},
    )
    for language in LANGUAGES:
        path = Path("locale") / language / "LC_MESSAGES" / "django.po"
        expected = {e.msgid for e in polib.pofile(copy / path) if not e.obsolete}
        committed = {e.msgid for e in polib.pofile(BASE_DIR / path) if not e.obsolete}
        assert expected - committed == set(), f"{language}: run `make makemessages`"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ("Unknown", "Yes", "No")), ("id", ("Tidak diketahui", "Ya", "Tidak"))],
)
def test_the_yes_no_filters_speak_the_users_language(client, coordinator, language, words):
    """The filter bars' yes/no drop-downs (archived, expiring, overdue) were built once, in the
    language active when their module was imported, whatever the user had chosen."""
    client.force_login(coordinator)
    for url in ("partners:partner_list", "partners:agreement_list", "evaluations:evaluation_list"):
        client.cookies["kader_language"] = "id" if language == "en" else "en"
        client.get(reverse(url))  # the other language first, in the same process
        client.cookies["kader_language"] = language
        page = client.get(reverse(url)).content.decode()
        unknown, yes, no = words
        expected = (
            f'<option value="" selected>{unknown}</option>'
            f'<option value="true">{yes}</option><option value="false">{no}</option>'
        )
        assert expected in page, url
