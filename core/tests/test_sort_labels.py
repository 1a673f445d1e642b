"""Every list's sort menu speaks the page's language, words and "(descending)" alike."""

import re

import pytest
from django.urls import reverse

LISTS = [
    "partners:partner_list",
    "partners:agreement_list",
    "programs:program_list",
    "programs:cadre_list",
    "evaluations:evaluation_list",
    "evaluations:reminder_list",
    "programs:session_list",
]


def sort_labels(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    menu = re.search(r'<select name="sort".*?</select>', page, re.S)
    assert menu, f"{url} has no sort menu"
    return re.findall(r"<option[^>]*>([^<]*)</option>", menu.group(0))


@pytest.mark.parametrize("name", LISTS)
def test_it_labels_the_sort_menu_in_indonesian(client, coordinator, name):
    # A coordinator reading Indonesian opens a list and its sort menu.
    client.force_login(coordinator)
    labels = sort_labels(client, reverse(name))
    assert any("(menurun)" in label for label in labels), labels
    assert not [label for label in labels if "descending" in label]


@pytest.mark.parametrize("name", LISTS)
def test_it_labels_the_sort_menu_in_english(client, coordinator, name):
    # The same coordinator switched to English: no Indonesian word left in the menu.
    client.cookies["kader_language"] = "en"
    client.force_login(coordinator)
    labels = sort_labels(client, reverse(name))
    assert any(label.endswith(" (descending)") for label in labels), labels
    assert not [label for label in labels if "menurun" in label or "Nama" in label]


def test_it_labels_the_program_list_sort_in_both_languages(client, coordinator):
    client.force_login(coordinator)
    assert "Nama (menurun)" in sort_labels(client, reverse("programs:program_list"))
    client.cookies["kader_language"] = "en"
    assert "Name (descending)" in sort_labels(client, reverse("programs:program_list"))
